# SPDX-License-Identifier: AGPL-3.0-or-later
"""Outboxes, once: a side effect (a message to a person, a call to another system) is a row written in
the transaction of the change that causes it, and sent after commit, retried until it goes through.

A rolled-back change leaves no row, so nothing is sent for it; a crash after commit leaves the row
pending, and the next delivery run sends it. Each row is sent under a row lock, so two workers never send
one row twice; a receiver that deduplicates by the row's key makes a lost answer harmless too.
``xaso.core.notify.Message`` (people) and ``xaso.core.integrations.Delivery`` (systems) are outboxes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_BACKOFF = dt.timedelta(hours=1)


class Status(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class OutboxRow(models.Model):
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    # How many attempts before giving up; a subclass may say otherwise.
    MAX_ATTEMPTS = 10

    class Meta:
        abstract = True


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4 … minutes after the 1st, 2nd, 3rd … failure, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver(model: type[OutboxRow], pk: int, send: Callable[[OutboxRow], object], *,
            now: dt.datetime | None = None) -> OutboxRow | None:
    """Send one pending row whose time has come; record success, or the failure and when to try again."""
    now = now or timezone.now()
    with transaction.atomic():
        row = (model.objects.select_for_update().filter(pk=pk, status=Status.PENDING)
               .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).first())
        if row is None:
            return None
        try:
            with transaction.atomic():
                result = send(row)
        except Exception as error:  # any failure of the other side is retried, and kept for the officials
            row.attempts += 1
            row.last_error = f"{type(error).__name__}: {error}"[:500]
            if row.attempts >= row.MAX_ATTEMPTS:
                row.status = Status.FAILED
            row.next_attempt_at = now + backoff(row.attempts)
        else:
            row.attempts += 1
            row.status, row.sent_at, row.last_error = Status.SENT, now, ""
            if hasattr(row, "response") and result is not None:
                row.response = result
        row.save()
        return row


def due(model: type[OutboxRow], now: dt.datetime | None = None):
    now = now or timezone.now()
    return (model.objects.filter(status=Status.PENDING)
            .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).order_by("id"))
