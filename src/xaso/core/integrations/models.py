# SPDX-License-Identifier: AGPL-3.0-or-later
from django.db import IntegrityError, models, transaction
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


class ReceivedRecord(models.Model):
    """What a local fake of another system received (tests, the demo): each message once, by its key, as
    the real system is expected to keep it."""

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, unique=True)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.key

    @classmethod
    def keep(cls, kind: str, payload: dict) -> None:
        """Keep a message; the same key again (a resend after a lost answer) is already kept."""
        try:
            with transaction.atomic():
                cls.objects.create(kind=kind, key=payload["key"], payload=payload)
        except IntegrityError:
            pass


class PortalRecord(ReceivedRecord):
    """What the local fake of the national portal received (tests, the demo): what a real one would keep."""

    class Meta:
        verbose_name = _("record received by the fake national portal")


class AxisPackage(models.Model):
    """What the local fake of the document axis holds (tests, the demo, one install serving many communes):
    one row per recipient agency, as a real axis queues a package for each, taken once per key."""

    key = models.CharField(max_length=200)  # the sender's delivery key: a resent package is queued once
    kind = models.CharField(max_length=30)  # "edxml.package" or "edxml.status"
    sender = models.CharField(max_length=20)  # agency codes (QCVN 102:2016), e.g. 000.00.12.H28
    recipient = models.CharField(max_length=20, db_index=True)
    data = models.BinaryField()  # the MIME package exactly as sent
    received_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("package held by the fake document axis")
        constraints = [models.UniqueConstraint(fields=["key", "recipient"], name="integrations_axis_once")]

    def __str__(self) -> str:
        return f"{self.key} → {self.recipient}"


class IocRecord(ReceivedRecord):
    """What the local fake of the province's IOC received (tests, the demo): each event once."""

    class Meta:
        verbose_name = _("event received by the fake IOC")


class LgspRecord(ReceivedRecord):
    """What the local fake of the province's data-sharing platform received (tests, the demo): each
    publication once."""

    class Meta:
        verbose_name = _("publication received by the fake data-sharing platform")


class DashboardRecord(ReceivedRecord):
    """What the local fake of the provincial dashboard received (tests, the demo): each commune's month
    once per revision."""

    class Meta:
        verbose_name = _("publication received by the fake provincial dashboard")
