# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue: the model's layers and 170 components, and each commune's adoption of them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xaso.core.places.models import AreaType
from xaso.core.tenancy import CommuneOwned


class Bilingual:
    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Layer(Bilingual, models.Model):
    key = models.CharField(max_length=10, primary_key=True)  # ASCII, e.g. UDCQS
    number = models.CharField(max_length=5)  # as the model numbers it, e.g. "5-1"
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Tier(models.TextChoices):
    CENTRAL = "central", _("Shared, built by the central level")
    PROVINCE = "province", _("Shared, built by the province")
    COMMUNE = "commune", _("Essential in every commune")
    AREA = "area", _("Added by area type")


class Component(Bilingual, models.Model):
    key = models.CharField(max_length=12, primary_key=True)  # ASCII: UDCQS19
    code = models.CharField(max_length=12, unique=True)  # as the model writes it: ỨDCQS19
    layer = models.ForeignKey(Layer, on_delete=models.PROTECT, related_name="components")
    tier = models.CharField(max_length=10, choices=Tier.choices)
    area = models.CharField(max_length=10, choices=AreaType.choices, blank=True)
    name_vi = models.TextField()
    name_en = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code

    @staticmethod
    def applicable_q(area_type: str) -> Q:
        """Every central, province and commune component, plus the area ones of this area type."""
        return ~Q(tier=Tier.AREA) | Q(area=area_type)

    def applies_to(self, commune) -> bool:
        return self.tier != Tier.AREA or self.area == commune.area_type


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    LIVE = "live", _("Live")


class Adoption(CommuneOwned):
    """How far one commune has come with one component. No row means not started."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="adoptions")
    component = models.ForeignKey(Component, on_delete=models.PROTECT, related_name="adoptions")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("owner"))
    target_date = models.DateField(_("target date"), null=True, blank=True)
    notes = models.TextField(_("evidence notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "component"], name="adoption_once")]
        indexes = [models.Index(fields=["commune", "status"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.component_id}: {self.status}"


class AdoptionEvidence(CommuneOwned):
    commune_path = "adoption__commune"

    adoption = models.ForeignKey(Adoption, on_delete=models.PROTECT, related_name="evidence")
    file = models.ForeignKey("files.StoredFile", on_delete=models.PROTECT, related_name="+")
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at"]
