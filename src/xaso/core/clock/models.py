# SPDX-License-Identifier: AGPL-3.0-or-later
"""Days the government or the province announced: they override the law's calendar (holidays package)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarDay(models.Model):
    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKDAY = "workday", _("Working day (make-up)")

    # Null: announced for the whole country (kept by a system administrator).
    province = models.ForeignKey("places.Province", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="calendar_days", verbose_name=_("province"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announced day")
        ordering = ("date",)
        constraints = [
            models.UniqueConstraint(fields=["province", "date"], name="clock_day_once_per_province"),
            models.UniqueConstraint(fields=["date"], condition=models.Q(province__isnull=True),
                                    name="clock_day_once_nationally"),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"
