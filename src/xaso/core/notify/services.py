# SPDX-License-Identifier: AGPL-3.0-or-later
"""Telling people: ``notify`` writes the messages in the caller's transaction; they are sent after commit.

A rolled-back change leaves no message, so nobody hears of something that did not happen; a crash after
commit leaves the message pending, and ``xaso notify deliver`` sends it (see xaso.core.outbox).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from xaso.core import outbox

from . import senders
from .models import Message

KEY_LENGTH = Message._meta.get_field("key").max_length
SUBJECT_LENGTH = Message._meta.get_field("subject").max_length
LINK_LENGTH = Message._meta.get_field("link").max_length
ADDRESS_LENGTH = Message._meta.get_field("address").max_length


def normalise_phone(phone: str) -> str | None:
    """A Vietnamese mobile number as +84 and nine digits; None if it is not one.

    Mobile numbers are ten digits starting 03, 05, 07, 08 or 09, written with 0, +84 or 84 in front and
    often with spaces, dots or dashes; a landline (02…) cannot receive an SMS.
    """
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = "0" + digits[2:]
    return "+84" + digits[1:] if re.fullmatch(r"0[35789]\d{8}", digits) else None


def normalise_email(email: str) -> str | None:
    """The address with its domain in lower case (the same mailbox, however typed); None if it is not one."""
    email = (email or "").strip()
    local, at, domain = email.rpartition("@")
    email = f"{local}{at}{domain.lower()}"
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def notify(*, key: str, subject: str, body: str, link: str = "", recipient=None, email: str = "",
           phone: str = "") -> list[Message]:
    """One message per channel that reaches the person: in the application when there is an account, by
    e-mail to ``email`` (or the account's address), by SMS to ``phone``. Returns the messages written now.

    The same ``key`` again writes nothing for a channel and address already told: a retried caller never
    tells anyone twice. An address that cannot be used is kept as a failed message saying why, rather
    than failing the caller's change. ``subject`` and ``body`` come rendered, in the person's language.
    """
    if not key or len(key) > KEY_LENGTH:
        raise ValueError(f"a notification key has 1 to {KEY_LENGTH} characters: {key!r}")
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > LINK_LENGTH):
        # The inbox makes it a link: only a path on this site, never a script or another site.
        raise ValueError(f"a notification link is a path on this site of at most {LINK_LENGTH} characters: {link!r}")
    subject = " ".join(subject.split())[:SUBJECT_LENGTH]  # a header: one line
    now = timezone.now()
    # (channel, address, the error that stops it, or "")
    targets = []
    if recipient is not None:
        targets.append((Message.Channel.INAPP, "", ""))
    email = email or (getattr(recipient, "email", "") if recipient is not None else "")
    if email.strip():
        address = normalise_email(email)
        targets.append((Message.Channel.EMAIL, address or email.strip()[:ADDRESS_LENGTH],
                        "" if address else f"not an e-mail address: {email.strip()!r}"))
    if phone.strip():
        address = normalise_phone(phone)
        targets.append((Message.Channel.SMS, address or phone.strip()[:ADDRESS_LENGTH],
                        "" if address else f"not a Vietnamese mobile number (10 digits from 0, or +84…): "
                                           f"{phone.strip()!r}"))
    made = []
    for channel, address, error in targets:
        defaults = {"recipient": recipient, "address": address, "subject": subject, "body": body, "link": link}
        if channel == Message.Channel.INAPP:
            # Delivered by being stored: the person sees it once the caller's change commits.
            defaults.update(status=outbox.Status.SENT, sent_at=now)
        elif error:
            defaults.update(status=outbox.Status.FAILED, last_error=error[:500])
        # In the application the person is the address.
        who = {"recipient": recipient} if channel == Message.Channel.INAPP else {"address": address}
        message, created = Message.objects.get_or_create(key=key, channel=channel, **who, defaults=defaults)
        if created:
            made.append(message)
    pending = [m.pk for m in made if m.status == outbox.Status.PENDING]
    if pending:
        # After commit, and robust: the caller's change is already saved, so a failure to enqueue must not
        # turn it into an error page; the messages stay pending for `xaso notify deliver`.
        transaction.on_commit(lambda: _enqueue(pending), robust=True)
    return made


def _enqueue(ids: list[int]) -> None:
    from .tasks import deliver_messages

    deliver_messages.enqueue(ids)


def deliver(message_id: int, *, now=None) -> Message | None:
    """Send one pending message whose time has come (under a row lock: two workers never both send it).

    On failure it stays pending with its next attempt 1, 2, 4 … minutes later (at most an hour apart),
    and is given up as failed after ``Message.MAX_ATTEMPTS`` attempts. None when there was nothing to do.
    """
    return outbox.deliver(Message, message_id, senders.send, now=now)


def deliver_due(now=None) -> int:
    """Send every pending message whose time has come; how many went."""
    sent = 0
    for pk in outbox.due(Message, now).values_list("pk", flat=True):
        row = deliver(pk, now=now)
        sent += bool(row and row.status == outbox.Status.SENT)
    return sent


def messages_mark_read(*, actor) -> int:
    """Mark the actor's unread messages read; how many.

    Not audited: it changes only what the person sees of their own messages, never a record of the
    commune (the outbox row itself keeps when it was read).
    """
    return Message.objects.filter(recipient=actor, channel=Message.Channel.INAPP, read_at__isnull=True).update(
        read_at=timezone.now())
