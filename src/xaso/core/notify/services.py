# SPDX-License-Identifier: AGPL-3.0-or-later
"""Telling people: ``notify`` writes the messages in the caller's transaction; they are sent after commit."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from xaso.core import outbox

from . import senders
from .models import Message


def normalise_phone(phone: str) -> str | None:
    """A Vietnamese mobile number as +84…; None if it is not one."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    return "+84" + digits[1:] if re.fullmatch(r"0\d{9}", digits) else None


def notify(*, key: str, subject: str, body: str, link: str = "", recipient=None, email: str = "",
           phone: str = "") -> list[Message]:
    """One message per channel that reaches the person (in the application for an account, e-mail, SMS).

    The same ``key`` again adds nothing: a retried caller never tells anyone twice.
    """
    targets = []
    if recipient is not None:
        targets.append((Message.Channel.INAPP, ""))
    email = email or (getattr(recipient, "email", "") if recipient is not None else "")
    if email:
        targets.append((Message.Channel.EMAIL, email.strip()))
    if phone:
        targets.append((Message.Channel.SMS, normalise_phone(phone) or phone.strip()))
    made = []
    for channel, address in targets:
        message, created = Message.objects.get_or_create(
            key=key[:200], channel=channel, address=address,
            defaults={"recipient": recipient, "subject": subject[:200], "body": body, "link": link[:300]})
        if not created:
            continue
        if not _deliverable(message):
            message.status, message.last_error = outbox.Status.FAILED, "invalid address"
            message.save(update_fields=["status", "last_error"])
            continue
        made.append(message)
    if made:
        ids = [m.pk for m in made]
        transaction.on_commit(lambda: _enqueue(ids))
    return made


def _deliverable(message: Message) -> bool:
    if message.channel == Message.Channel.EMAIL:
        try:
            validate_email(message.address)
        except ValidationError:
            return False
    if message.channel == Message.Channel.SMS:
        return normalise_phone(message.address) is not None
    return True


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_messages

    deliver_messages.enqueue(ids)


def deliver(message_id: int, *, now=None) -> Message | None:
    return outbox.deliver(Message, message_id, senders.send, now=now)


def deliver_due(*, now=None) -> int:
    sent = 0
    for pk in outbox.due(Message, now).values_list("pk", flat=True):
        row = deliver(pk, now=now)
        sent += bool(row and row.status == outbox.Status.SENT)
    return sent


def messages_mark_read(*, actor) -> int:
    return Message.objects.filter(recipient=actor, channel=Message.Channel.INAPP, read_at__isnull=True).update(
        read_at=timezone.now())
