# SPDX-License-Identifier: AGPL-3.0-or-later
"""Digital-transformation progress of a commune by layer of the model: what the commune declared (its
adoption records in the catalogue) weighed by what xaso sees of it in use.

Each component that applies to the commune (``Component.applicable_q``) earns a **credit** between 0 and 1:

==================  ==========================  =======
status              evidence                    credit
==================  ==========================  =======
live                met, or not applicable      1
live                not met                     0.5, flagged "declared live, not seen in use"
in progress         any                         0.5
planned             any                         0.1
not started         any                         0
==================  ==========================  =======

**Evidence** exists only for the components xaso's own modules provide and whose use xaso counts; they
are listed in ``data/evidence.yaml`` (component → measure, threshold as a share in percent or a count of
records, months to look back). The measure is read from the Figure snapshots of the months ending with
the month viewed, numerators and denominators summed over them (approved data returns are counted from
the returns themselves, ``datasets.approved``). Every other component has no evidence in xaso (hardware,
people, another system's work): "not applicable", and the declaration stands.

Why half for "live but not seen": the commune may use the component in a way xaso cannot see, yet a
declaration nobody's work confirms should not count as much as one that is; the flag asks someone to
look. Evidence does not raise the credit of a component in progress or planned: the status is the
commune's own statement of where it stands.

A layer's progress is the sum of its components' credits over the number that apply, in percent.
``commune_progress`` lists every component (three queries); ``province_matrix`` gives communes × layers
for any number of communes in a fixed number of queries (grouped counts, no query per commune).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources

import yaml
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, F, Q, Sum
from django.utils.translation import gettext_lazy as _

from xaso.core.catalogue.models import Adoption, Component, Layer, Status, Tier
from xaso.core.catalogue.selectors import applicable_counts, by_layer

from . import measures, months
from .models import Figure

MET, NOT_MET, NOT_APPLICABLE = "met", "not_met", "not_applicable"
EVIDENCE_LABELS = {MET: _("Seen in use"), NOT_MET: _("Not seen in use"), NOT_APPLICABLE: _("Not measured by xaso")}
CREDIT = {Status.LIVE: Decimal(1), Status.IN_PROGRESS: Decimal("0.5"), Status.PLANNED: Decimal("0.1"),
          Status.NOT_STARTED: Decimal(0)}
LIVE_UNSEEN = Decimal("0.5")
APPROVED_RETURNS = "datasets.approved"  # not a Figure: the commune's approved returns, counted directly
ONE_PLACE = Decimal("0.1")


@dataclass(frozen=True)
class Rule:
    component: str
    measure: str
    months: int
    share: Decimal | None = None
    count: Decimal | None = None

    @property
    def threshold_text(self) -> str:
        return f"≥ {self.share.normalize()}%" if self.share is not None else f"≥ {self.count.normalize()}"


@cache
def rules() -> dict[str, Rule]:
    """The evidence rules xaso ships (data/evidence.yaml), checked once: a wrong file stops the site early."""
    text = (resources.files("xaso.modules.measurement") / "data" / "evidence.yaml").read_text(encoding="utf-8")
    out = {}
    for key, row in (yaml.safe_load(text) or {}).items():
        measure = row.get("measure")
        known = measure == APPROVED_RETURNS or measures.get(measure) is not None
        if not known or ("share" in row) == ("count" in row) or int(row.get("months", 0)) < 1:
            raise ImproperlyConfigured(f"evidence.yaml: {key} needs a known measure, a share or a count, months ≥ 1")
        if "share" in row and measures.get(measure).kind != measures.SHARE:
            raise ImproperlyConfigured(f"evidence.yaml: {key}: {measure} is not a share")
        out[key] = Rule(key, measure, int(row["months"]),
                        share=Decimal(str(row["share"])) if "share" in row else None,
                        count=Decimal(str(row["count"])) if "count" in row else None)
    return out


def window(period: months.Period, count: int) -> list[months.Period]:
    """The ``count`` months ending with ``period``, oldest first."""
    out = [period]
    while len(out) < count:
        out.insert(0, out[0].previous())
    return out


# --- The evidence ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Observed:
    """A measure summed over a rule's months: ``numerator`` of ``denominator`` (None for a count)."""

    numerator: Decimal = Decimal(0)
    denominator: Decimal | None = None

    @property
    def share(self) -> Decimal | None:
        if not self.denominator:
            return None
        return (self.numerator * 100 / self.denominator).quantize(ONE_PLACE, ROUND_HALF_UP)

    @property
    def records(self) -> Decimal:
        """How many records the measure counted: a share's denominator, a count's number."""
        return self.denominator if self.denominator is not None else self.numerator

    @property
    def text(self) -> str:
        if self.denominator is None:
            return str(self.numerator.normalize())
        share = self.share
        return f"{self.numerator.normalize()}/{self.denominator.normalize()}" + (f" ({share}%)" if share else "")


def judge(rule: Rule, observed: Observed) -> str:
    if rule.share is not None:
        share = observed.share
        return MET if share is not None and share >= rule.share else NOT_MET
    return MET if observed.records >= rule.count else NOT_MET


def credit(status: str, evidence: str) -> tuple[Decimal, bool]:
    """The credit of one component and whether it is flagged "declared live, not seen in use"."""
    if status == Status.LIVE and evidence == NOT_MET:
        return LIVE_UNSEEN, True
    return CREDIT[status], False


def observed_for(commune_codes: list[str], period: months.Period) -> dict[tuple[str, str], Observed]:
    """``{(commune, component): Observed}`` for every evidence rule: one grouped query over the figures
    (one conditional sum per measure and window) and one per window of approved returns."""
    chosen = rules()
    pairs = sorted({(r.measure, r.months) for r in chosen.values() if r.measure != APPROVED_RETURNS})
    sums: dict[tuple[str, str, int], Observed] = {}
    if pairs:
        aggregates, keys = {}, set()
        for i, (measure, n) in enumerate(pairs):
            span = [p.key for p in window(period, n)]
            keys.update(span)
            inside = Q(measure=measure, period__in=span)
            aggregates[f"n{i}"] = Sum("numerator", filter=inside)
            aggregates[f"d{i}"] = Sum("denominator", filter=inside)
        rows = (Figure.objects.filter(commune_id__in=commune_codes, period__in=keys,
                                      measure__in={m for m, _n in pairs})
                .values("commune_id").annotate(**aggregates).order_by())
        for row in rows:
            for i, (measure, n) in enumerate(pairs):
                shared = measures.get(measure).kind == measures.SHARE
                den = row[f"d{i}"] if shared else None
                sums[(row["commune_id"], measure, n)] = Observed(row[f"n{i}"] or Decimal(0),
                                                                 (den or Decimal(0)) if shared else None)
    for n in sorted({r.months for r in chosen.values() if r.measure == APPROVED_RETURNS}):
        for commune_id, approved in _approved_returns(commune_codes, window(period, n)).items():
            sums[(commune_id, APPROVED_RETURNS, n)] = Observed(Decimal(approved))
    empty = {}
    for rule in chosen.values():
        is_share = rule.measure != APPROVED_RETURNS and measures.get(rule.measure).kind == measures.SHARE
        empty[rule.component] = Observed(Decimal(0), Decimal(0) if is_share else None)
    return {(c, rule.component): sums.get((c, rule.measure, rule.months), empty[rule.component])
            for c in commune_codes for rule in chosen.values()}


def _approved_returns(commune_codes, span: list[months.Period]) -> dict[str, int]:
    from xaso.modules.datasets.models import Return
    from xaso.modules.datasets.models import Status as ReturnStatus

    rows = (Return.objects.filter(commune_id__in=commune_codes, status=ReturnStatus.APPROVED,
                                  period_end__gte=span[0].start, period_end__lte=span[-1].end)
            .values_list("commune_id").annotate(n=Count("pk")).order_by())
    return dict(rows)


# --- One commune ----------------------------------------------------------------------------------


@dataclass
class Item:
    component: Component
    status: str
    evidence: str
    credit: Decimal
    flagged: bool
    rule: Rule | None = None
    observed: Observed | None = None

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def evidence_label(self) -> str:
        return EVIDENCE_LABELS[self.evidence]


def percent(part: Decimal, whole: int) -> Decimal:
    return (Decimal(100) * part / whole).quantize(ONE_PLACE, ROUND_HALF_UP) if whole else Decimal(0)


@dataclass
class LayerLine:
    layer: Layer
    items: list[Item] = field(default_factory=list)
    credit: Decimal = Decimal(0)
    applicable: int = 0
    flagged: int = 0

    @property
    def percent(self) -> Decimal:
        return percent(self.credit, self.applicable)

    def add(self, credit_: Decimal, applicable: int, flagged: int) -> None:
        self.credit += credit_
        self.applicable += applicable
        self.flagged += flagged


@dataclass
class CommuneProgress:
    commune: object
    period: months.Period
    layers: list[LayerLine]

    @property
    def total(self) -> LayerLine:
        whole = LayerLine(layer=None)
        for line in self.layers:
            whole.add(line.credit, line.applicable, line.flagged)
        return whole

    @property
    def flagged(self) -> list[Item]:
        return [item for line in self.layers for item in line.items if item.flagged]


def assess(component: Component, status: str, observed: Observed | None) -> Item:
    rule = rules().get(component.key)
    evidence = judge(rule, observed) if rule is not None and observed is not None else NOT_APPLICABLE
    earned, flagged = credit(status, evidence)
    return Item(component, status, evidence, earned, flagged, rule, observed if rule else None)


def commune_progress(commune, period: months.Period) -> CommuneProgress:
    """Every component that applies to the commune, by layer, with status, evidence and credit. Runs in
    the caller's scope (adoption records and figures are the commune's)."""
    applicable = list(Component.objects.filter(Component.applicable_q(commune.area_type)).select_related("layer")
                      .order_by("position"))
    statuses = dict(Adoption.objects.filter(commune=commune).values_list("component_id", "status"))
    seen = observed_for([commune.code], period)
    items = [assess(c, statuses.get(c.key, Status.NOT_STARTED), seen.get((commune.code, c.key)))
             for c in applicable]
    lines = []
    for layer, layer_items in by_layer(items, layer_of=lambda item: item.component.layer):
        line = LayerLine(layer, layer_items)
        for item in layer_items:
            line.add(item.credit, 1, int(item.flagged))
        lines.append(line)
    return CommuneProgress(commune, period, lines)


# --- Communes × layers ----------------------------------------------------------------------------


@dataclass
class MatrixRow:
    commune: object
    cells: list[LayerLine]
    total: LayerLine


@dataclass
class Matrix:
    period: months.Period
    layers: list[Layer]
    rows: list[MatrixRow]
    totals: list[LayerLine]
    total: LayerLine

    def row_of(self, commune_code: str) -> MatrixRow | None:
        return next((r for r in self.rows if r.commune.code == commune_code), None)


def _applies() -> Q:
    """Only records of components that apply count (a commune whose area type changed keeps old records)."""
    return ~Q(component__tier=Tier.AREA) | Q(component__area=F("commune__area_type"))


def province_matrix(communes, period: months.Period) -> Matrix:
    """Communes × layers: each cell the layer's progress in percent, by the same credits as
    ``commune_progress``. Five queries whatever the number of communes."""
    communes = list(communes)
    codes = [c.code for c in communes]
    layers = list(Layer.objects.order_by("position"))
    applicable = applicable_counts()
    chosen = rules()
    records = Adoption.objects.filter(commune_id__in=codes).filter(_applies()).exclude(status=Status.NOT_STARTED)
    credits: dict[tuple[str, str], LayerLine] = defaultdict(lambda: LayerLine(layer=None))
    for commune_id, layer_id, status, n in (records.exclude(component_id__in=list(chosen))
                                            .values_list("commune_id", "component__layer_id", "status")
                                            .annotate(n=Count("pk")).order_by()):
        credits[(commune_id, layer_id)].add(CREDIT[status] * n, 0, 0)
    seen = observed_for(codes, period) if codes else {}
    for commune_id, component_id, layer_id, status in (records.filter(component_id__in=list(chosen))
                                                       .values_list("commune_id", "component_id",
                                                                    "component__layer_id", "status")):
        evidence = judge(chosen[component_id], seen[(commune_id, component_id)])
        earned, flagged = credit(status, evidence)
        credits[(commune_id, layer_id)].add(earned, 0, int(flagged))
    rows, totals, total = [], [LayerLine(layer) for layer in layers], LayerLine(layer=None)
    for commune in communes:
        cells = []
        row_total = LayerLine(layer=None)
        for i, layer in enumerate(layers):
            found = credits.get((commune.code, layer.key))
            cell = LayerLine(layer, credit=found.credit if found else Decimal(0),
                             applicable=applicable[commune.area_type][layer.key],
                             flagged=found.flagged if found else 0)
            cells.append(cell)
            for acc in (row_total, totals[i], total):
                acc.add(cell.credit, cell.applicable, cell.flagged)
        rows.append(MatrixRow(commune, cells, row_total))
    return Matrix(period, layers, rows, totals, total)
