# SPDX-License-Identifier: AGPL-3.0-or-later
"""Province → commune → village.

Provinces and communes carry the codes of Decision 19/2025/QĐ-TTg (2 and 5 digits, stable while the
unit exists and never reused), so the code is the primary key. They are public reference data, loaded
from the `vietnam-provinces` package. Villages are kept by each commune.
"""

import unicodedata

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned
from xaso.core.text import fold


class Province(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.SlugField(max_length=100, unique=True)
    is_city = models.BooleanField(_("centrally-run city"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")

    def __str__(self) -> str:
        return self.name


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    MOUNTAIN = "mountain", _("Mountain / border / island")


class Commune(models.Model):
    class Kind(models.TextChoices):
        XA = "xa", _("Commune (xã)")
        PHUONG = "phuong", _("Ward (phường)")
        DAC_KHU = "dac_khu", _("Special zone (đặc khu)")

    # The model's default area type for each kind of unit; a province official may change it.
    DEFAULT_AREA = {Kind.PHUONG: AreaType.URBAN, Kind.XA: AreaType.RURAL, Kind.DAC_KHU: AreaType.MOUNTAIN}

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("name"), max_length=100)
    codename = models.SlugField(max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="communes",
                                 verbose_name=_("province"))
    area_type = models.CharField(_("area type"), max_length=10, choices=AreaType.choices)
    # The name folded by text.fold ("Phường Hạ Long" → "phuong ha long"), kept so that a search for
    # "ha long" is one indexed query on every database, not a Python loop over 3,321 rows.
    folded_name = models.CharField(max_length=100, db_index=True, editable=False, default="")
    # The commune's area as a GeoJSON Polygon or MultiPolygon (longitude, latitude in WGS 84), kept by the
    # province; places reported in the commune must lie inside it (see places/boundary.py).
    boundary = models.JSONField(_("boundary"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["province_id", "name"]
        verbose_name = _("commune")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.folded_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "folded_name"}
        super().save(*args, **kwargs)

    @property
    def place_name(self) -> str:
        """The name without its kind, as on a document's place and date line (Decree 30/2020 Appendix I):
        "Hạ Long" for "Phường Hạ Long", but "Phường 15" stays whole (a number is no place name)."""
        name = unicodedata.normalize("NFC", self.name)
        for kind in ("Phường ", "Xã ", "Đặc khu ", "Thị trấn "):
            if name.startswith(kind) and not name[len(kind):].strip().isdigit():
                return name[len(kind):]
        return name


def clean_village_name(name: str) -> str:
    """The form a village name is stored in: NFC, single spaces, no spaces at the ends.

    Vietnamese typed on different systems arrives composed or decomposed ("ô" as one code point or
    "o" plus a combining mark); without NFC the same name would look like two different villages.
    """
    return " ".join(unicodedata.normalize("NFC", name or "").split())


def village_name_key(name: str) -> str:
    """Two names with the same key name the same village: "Thôn 1" and "thôn  1" are one village.

    Marks are kept (unlike text.fold): "Thôn Đông" and "Thôn Dông" may be two different villages.
    """
    return clean_village_name(name).casefold()


class Village(CommuneOwned):
    """A thôn, bản, ấp, buôn or tổ dân phố. Merging keeps the old row, pointing at the one it joined."""

    class Kind(models.TextChoices):
        THON = "thon", _("Hamlet (thôn)")
        BAN = "ban", _("Village (bản)")
        AP = "ap", _("Hamlet (ấp)")
        BUON = "buon", _("Village (buôn)")
        TO_DAN_PHO = "to_dan_pho", _("Residential group (tổ dân phố)")
        KHU_PHO = "khu_pho", _("Quarter (khu phố)")

    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="villages",
                                verbose_name=_("commune"))
    name = models.CharField(_("name"), max_length=100)
    name_key = models.CharField(max_length=100, editable=False, default="")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.THON)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="merged_from", verbose_name=_("merged into"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["commune_id", "name"]
        verbose_name = _("village")
        constraints = [
            # One active village per name in a commune; a merged village keeps its name for history.
            models.UniqueConstraint(fields=["commune", "name_key"], condition=Q(merged_into__isnull=True),
                                    name="village_unique_active_name_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name = clean_village_name(self.name)
        self.name_key = village_name_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None

    def current(self) -> "Village":
        """The active village this one now belongs to, following merges (a merged village's target
        may itself have merged later; the rows keep that history as it happened)."""
        village = self
        while village.merged_into_id is not None:
            village = village.merged_into
        return village


# Named for drf-spectacular's ENUM_NAME_OVERRIDES (settings), which imports choices by dotted path.
COMMUNE_KINDS = Commune.Kind
VILLAGE_KINDS = Village.Kind
