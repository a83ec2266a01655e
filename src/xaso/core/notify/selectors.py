# SPDX-License-Identifier: AGPL-3.0-or-later
"""A person's own messages in the application: nobody, not even an administrator, reads another's."""

from django.db.models import QuerySet

from .models import Message


def inbox(*, user) -> QuerySet[Message]:
    """Newest first."""
    return Message.objects.filter(recipient=user, channel=Message.Channel.INAPP).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user=user).filter(read_at__isnull=True).count()
