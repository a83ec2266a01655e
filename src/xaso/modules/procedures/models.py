# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure list: each row is one version of a procedure, in force from one date (rules carry dates);
a commune enables the procedures its service center handles, by code, so later versions stay enabled."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


class Sector(models.Model):
    """Lĩnh vực: civil status, certification, residence, land, social protection …"""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("sector")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class ProcedureQuerySet(models.QuerySet):
    def in_force(self, on):
        return self.filter(effective_from__lte=on).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))


class Procedure(models.Model):
    class Level(models.TextChoices):
        COMMUNE = "commune", _("Commune")
        PROVINCE = "province", _("Province")
        CENTRAL = "central", _("Central")

    class OnlineLevel(models.TextChoices):
        FULL = "full", _("Full online service")
        PARTIAL = "partial", _("Partial online service")
        NONE = "none", _("Not online")

    code = models.CharField(_("code"), max_length=40, help_text=_("As in the national procedure database."))
    name = models.CharField(_("name"), max_length=500)
    folded_name = models.CharField(max_length=500, editable=False, default="", db_index=True)
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="procedures",
                               verbose_name=_("sector"))
    level = models.CharField(_("resolved at"), max_length=10, choices=Level.choices, default=Level.COMMUNE)
    processing_days = models.PositiveSmallIntegerField(_("processing time (working days)"))
    cutoff_time = models.TimeField(_("cut-off hour"), null=True, blank=True,
                                   help_text=_("Received from this hour on, the clock starts the next working day."))
    fee = models.DecimalField(_("fee (VND)"), max_digits=12, decimal_places=0, default=0,
                              validators=[MinValueValidator(0)])
    fee_note = models.CharField(_("fee note"), max_length=300, blank=True)
    result_type = models.CharField(_("result"), max_length=300, blank=True)
    forms = models.CharField(_("forms to fill"), max_length=500, blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    online_level = models.CharField(_("online level"), max_length=7, choices=OnlineLevel.choices,
                                    default=OnlineLevel.NONE)
    # The fields an online applicant fills: [{"key", "label", "type", "required", "choices"}].
    form_fields = models.JSONField(default=list, blank=True)
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    is_sample = models.BooleanField(_("sample data"), default=False)
    national_portal_url = models.URLField(_("on the National Public Service Portal"), max_length=500, blank=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        ordering = ("code", "-effective_from")
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="procedure_version_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        from xaso.core.text import fold

        self.folded_name = fold(self.name)
        super().save(*args, **kwargs)

    @property
    def fee_display(self) -> str:
        """The fee as people write it: "2.000 đồng" in Vietnamese, "2,000 đồng" in English."""
        return f"{int(self.fee):,}".replace(",", formats.get_format("THOUSAND_SEPARATOR")) + " đồng"


class ProcedureComponent(models.Model):
    """One paper the applicant brings (thành phần hồ sơ)."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="components")
    order = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("dossier component"), max_length=300)
    original_count = models.PositiveSmallIntegerField(_("originals"), default=0)
    copy_count = models.PositiveSmallIntegerField(_("copies"), default=0)
    digital_accepted = models.BooleanField(_("digital copy accepted"), default=True)
    required = models.BooleanField(_("required"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("dossier component")
        ordering = ("order", "id")

    def __str__(self) -> str:
        return self.name


class Enablement(CommuneOwned):
    """The commune's service center handles this procedure. Public: people see what their commune does."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    enabled_at = models.DateTimeField(auto_now_add=True)
    enabled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("enabled procedure")
        constraints = [models.UniqueConstraint(fields=["commune", "code"], name="procedure_enabled_once")]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.code}"

    @classmethod
    def public_q(cls) -> Q:
        return Q(pk__isnull=False)  # every row (an empty Q() would vanish when OR-ed with the owner's)
