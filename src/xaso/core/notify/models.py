# SPDX-License-Identifier: AGPL-3.0-or-later
"""The outbox of messages to people: one row per message and channel, written in the caller's transaction."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.outbox import OutboxRow


class Message(OutboxRow):
    class Channel(models.TextChoices):
        INAPP = "inapp", _("In the application")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                                  related_name="messages")
    channel = models.CharField(max_length=5, choices=Channel.choices)
    address = models.CharField(max_length=254, blank=True)  # e-mail or phone; empty in the application
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    link = models.CharField(max_length=300, blank=True)
    # The caller's event: the same event twice is one message per channel and address (per person in the
    # application, where there is no address, so one event may tell several people).
    key = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        ordering = ("-created_at", "-id")
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "address"], condition=~Q(channel="inapp"),
                                    name="notify_once_per_event"),
            models.UniqueConstraint(fields=["key", "recipient"], condition=Q(channel="inapp"),
                                    name="notify_inapp_once_per_person"),
        ]

    def __str__(self) -> str:
        return self.subject
