# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue at the commune's service center: service areas, counters, numbered tickets of the day."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


class ServiceArea(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    letter = models.CharField(_("letter"), max_length=2, help_text=_("Printed before the number: A007."))
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service area")
        ordering = ("order", "letter")
        constraints = [models.UniqueConstraint(fields=["commune", "letter"], name="queue_area_letter_once")]

    def __str__(self) -> str:
        return f"{self.letter} · {self.name}"

    @classmethod
    def public_q(cls) -> Q:
        return Q(active=True)  # the kiosk and the board show them to everyone


class Counter(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("counter number"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    areas = models.ManyToManyField(ServiceArea, related_name="counters", verbose_name=_("service areas"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("counter")
        ordering = ("number",)
        constraints = [models.UniqueConstraint(fields=["commune", "number"], name="queue_counter_once")]

    def __str__(self) -> str:
        return _("Counter %(n)s") % {"n": self.number}


def _token() -> str:
    return secrets.token_urlsafe(12)


class Ticket(CommuneOwned):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        CALLED = "called", _("Called")
        SERVING = "serving", _("Being served")
        DONE = "done", _("Served")
        NO_SHOW = "no_show", _("Did not come")
        TRANSFERRED = "transferred", _("Transferred")

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(ServiceArea, on_delete=models.PROTECT, related_name="tickets")
    day = models.DateField()
    number = models.PositiveIntegerField()
    # The ticket's address for the person holding it: random, so tickets cannot be walked through.
    token = models.CharField(max_length=24, unique=True, default=_token, editable=False)
    status = models.CharField(max_length=11, choices=Status.choices, default=Status.WAITING, db_index=True)
    issued_at = models.DateTimeField()
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    counter = models.ForeignKey(Counter, null=True, blank=True, on_delete=models.PROTECT, related_name="tickets")
    served_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    transferred_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("ticket")
        ordering = ("issued_at", "id")
        constraints = [models.UniqueConstraint(fields=["commune", "area", "day", "number"],
                                               name="queue_ticket_number_once")]
        indexes = [models.Index(fields=["commune", "day", "status"])]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return f"{self.area.letter}{self.number:03d}"
