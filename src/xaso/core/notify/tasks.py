# SPDX-License-Identifier: AGPL-3.0-or-later
from django_tasks import task


@task()
def deliver_messages(ids: list[int]) -> None:
    """Send freshly written messages; what fails stays pending for `xaso notify deliver`."""
    from .services import deliver

    for pk in ids:
        deliver(pk)
