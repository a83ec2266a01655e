# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import models
from django.utils.translation import gettext_lazy as _

from xaso.core.outbox import OutboxRow


class Delivery(OutboxRow):
    """One event for another system, sent after commit and retried until it is accepted."""

    MAX_ATTEMPTS = 12

    system = models.CharField(max_length=40)  # "national_portal", …
    kind = models.CharField(max_length=60)  # "dossier.status", …
    key = models.CharField(max_length=200)  # the event's identity: the receiver deduplicates by it
    payload = models.JSONField()
    response = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        constraints = [models.UniqueConstraint(fields=["system", "key"], name="integrations_event_once")]

    def __str__(self) -> str:
        return f"{self.system} {self.kind} {self.key}"


class PortalRecord(models.Model):
    """What the local fake of the national portal received (tests, the demo): what a real one would keep."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("record received by the fake national portal")

    def __str__(self) -> str:
        return self.key
