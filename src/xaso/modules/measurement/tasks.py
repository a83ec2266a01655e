# SPDX-License-Identifier: AGPL-3.0-or-later
"""Background work of measurement: the snapshots brought up to date, then the ended months pushed to the
provincial dashboard (``xaso measurement refresh`` runs the same from cron)."""

from django_tasks import task


@task()
def refresh_and_publish() -> dict:
    """Returns how many commune-months were recomputed and how many publications were queued."""
    from xaso.core.clock.calendar import today

    from . import compute, feed

    day = today()
    written = compute.refresh(today=day)
    published = feed.publish_closed(day)
    return {"recomputed": written, "published": len(published)}
