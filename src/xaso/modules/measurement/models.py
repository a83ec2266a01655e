# SPDX-License-Identifier: AGPL-3.0-or-later
"""Measurement (ĐLHQ2, ĐLHQ8): what xaso counts, kept as snapshots per commune and month.

Three kinds of rows:

- rules, kept as dated data: ``Indicator`` (a figure with a target and a direction) and the Decision 766
  ``RuleSet`` with its ``Criterion`` rows (group, points, the figure it reads) and rating bands;
- ``Figure``: the counts behind everything, one row per commune, month and measure (numerator and
  denominator), computed from xaso's own records, or entered by hand or received from an integration
  where xaso holds no records (``origin`` says which, and the pages show it);
- ``IndicatorValue`` and ``Score``: what the rules in force made of the figures when they were computed.
  A later change of a rule applies from its ``effective_from`` on and never rewrites an earlier snapshot.

See docs/decisions/0025-measurement.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


class Certainty(models.TextChoices):
    """How sure the rule's source is (the tags of shared/DOMAIN.md)."""

    VERIFIED = "V", _("Verified in the cited source")
    SECONDARY = "S", _("Secondary source")
    UNVERIFIED = "U", _("Unverified: set by the province until the rule is published")


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Origin(models.TextChoices):
    COMPUTED = "computed", _("Computed by xaso from its records")
    MANUAL = "manual", _("Entered by hand")
    INTEGRATION = "integration", _("Received from another system")


class Named:
    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "vi").startswith("en") else self.name_vi


class Dated(models.Model):
    effective_from = models.DateField(_("in force from"))
    effective_to = models.DateField(_("in force until"), null=True, blank=True)

    class Meta:
        abstract = True


class Indicator(Named, Dated):
    """A key performance indicator (ĐLHQ2): a figure per commune and month, with its target.

    ``source`` names what it counts: a measure of xaso's records (``dossiers.on_time``), or an approved
    value of a province dataset (``data:<dataset code>/<element code>``). A code may have several rows
    over time (a new target, a new source); the row in force on a month's first day applies to that month.
    """

    code = models.CharField(_("code"), max_length=40)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    source = models.CharField(_("what it counts"), max_length=120)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices, default=Direction.UP)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    component = models.ForeignKey("catalogue.Component", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("model component"))
    position = models.PositiveSmallIntegerField(default=0)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("indicator")
        ordering = ("position", "code", "effective_from")
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="indicator_version_once")]

    def __str__(self) -> str:
        return self.code


class RuleSet(Dated):
    """The Decision 766 index as the rules in force from a day: its criteria and its rating bands."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    legal_basis = models.TextField(_("legal basis"))
    # [{"min": 90, "label_vi": "Tốt", "label_en": "Good"}, …], highest first: the first band whose minimum
    # the total reaches names it.
    bands = models.JSONField(_("rating bands"), default=list)
    bands_certainty = models.CharField(max_length=1, choices=Certainty.choices, default=Certainty.UNVERIFIED)

    class Meta:
        verbose_name = _("index rules")
        ordering = ("-effective_from",)

    def __str__(self) -> str:
        return self.code


class Criterion(Named, models.Model):
    """One scored line of the index: ``points`` × the share its measure reports."""

    ruleset = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="criteria")
    group = models.CharField(_("group"), max_length=8)  # the portal's keys: CKMB, TDGQ, DVCTT, MDSH, MDHL, TTTT
    code = models.CharField(_("code"), max_length=20)
    name_vi = models.CharField(max_length=300)
    name_en = models.CharField(max_length=300)
    measure = models.CharField(_("measure"), max_length=60)
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2)
    certainty = models.CharField(max_length=1, choices=Certainty.choices)
    source = models.CharField(_("source"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position",)
        constraints = [models.UniqueConstraint(fields=["ruleset", "code"], name="criterion_once")]

    def __str__(self) -> str:
        return self.code


class Figure(CommuneOwned):
    """A measure's counts for one commune and month. For a share, ``numerator`` of ``denominator``; for a
    count, ``numerator`` alone."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("period"), max_length=8)  # "2026M07"
    measure = models.CharField(_("measure"), max_length=60)
    numerator = models.DecimalField(max_digits=14, decimal_places=2)
    denominator = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    origin = models.CharField(max_length=12, choices=Origin.choices, default=Origin.COMPUTED)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("figure")
        constraints = [models.UniqueConstraint(fields=["commune", "period", "measure"], name="figure_once")]
        indexes = [models.Index(fields=["period", "measure"])]

    def __str__(self) -> str:
        return f"{self.commune_id} {self.period} {self.measure}"

    @property
    def share(self):
        """The share in percent, or None when nothing was counted."""
        if not self.denominator:
            return None
        return self.numerator * 100 / self.denominator


class IndicatorValue(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True)
    met = models.BooleanField(null=True)
    origin = models.CharField(max_length=12, choices=Origin.choices)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "period", "indicator"], name="indicator_value_once")]
        indexes = [models.Index(fields=["period", "indicator"])]


class Score(CommuneOwned):
    """A commune's Decision 766 index for one month, as the rule set in force made it.

    ``detail`` keeps every criterion's counts and points (``[{"code", "group", "measure", "numerator",
    "denominator", "points", "max", "origin", "state"}]``) so the page and the drill-down show what the
    score was made of even after the rules change.
    """

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    ruleset = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="scores")
    total = models.DecimalField(max_digits=6, decimal_places=2)
    band = models.CharField(max_length=40, blank=True)
    groups = models.JSONField(default=dict)  # {"TDGQ": {"points": 18.5, "max": 20}, …}
    detail = models.JSONField(default=list)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("index score")
        constraints = [models.UniqueConstraint(fields=["commune", "period"], name="score_once")]
        indexes = [models.Index(fields=["period", "total"])]


class Watermark(models.Model):
    """How far the background recomputation has read the records' changes."""

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.at:%Y-%m-%d %H:%M}"


class Publication(CommuneOwned):
    """A commune's month sent to the provincial dashboard: once, and again only as a numbered revision
    when its figures changed after it was sent."""

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    period = models.CharField(max_length=8)
    revision = models.PositiveSmallIntegerField(default=1)
    digest = models.CharField(max_length=64)  # SHA-256 of the payload: unchanged figures are not resent
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "period", "revision"], name="publication_once")]
