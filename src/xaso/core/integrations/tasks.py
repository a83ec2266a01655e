# SPDX-License-Identifier: AGPL-3.0-or-later
from django_tasks import task


@task()
def deliver_delivery(pk: int) -> None:
    """Send a fresh delivery; a failure stays pending for `xaso integrations deliver`."""
    from .services import deliver

    deliver(pk)
