# SPDX-License-Identifier: AGPL-3.0-or-later
"""Telling the open pages of a village group that one of its messages changed, after the change commits.

The services call ``changed``; the group's consumers (consumers.py) each render the message for their
own user, since a hidden message looks different to a moderator than to a resident. A channel layer
that cannot be reached loses the live update only: the change is committed and every page shows it on
its next load.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)


def channel_group(group_id: int) -> str:
    return f"community.group.{group_id}"


def changed(message) -> None:
    group_id, message_id = message.group_id, message.pk
    transaction.on_commit(lambda: _send(group_id, message_id))


def _send(group_id: int, message_id: int) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(channel_group(group_id),
                                        {"type": "message.changed", "message_id": message_id})
    except Exception:  # the layer's own errors (Redis down, a full channel) vary by backend: see above
        log.warning("village group %s: live update of message %s not sent", group_id, message_id, exc_info=True)
