# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads for the dashboards: who may look at which commune or province, and the snapshots (indicator
values, scores, figures) of a commune or of a whole province for a month.

Everything here reads in the caller's scope (the request's, opened by the middleware): a province
official's queries see the communes of their province only, a commune official's their commune only.
The province's reads are grouped queries over all its communes at once — a fixed number of queries
whatever the number of communes — so its dashboard renders from the snapshots alone. Overdue work is a
fact of today, not of a month: it is counted from the records (one grouped query per kind of record).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import Http404

from xaso.core.accounts.permissions import can, require
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Commune, Province

from . import months, progress, rules
from .models import Figure, IndicatorValue, Origin, Score

VIEW = "measurement.dashboard.view"
PROVINCE = "measurement.province.view"
TREND_MONTHS = 12


# --- Who may look, at what ------------------------------------------------------------------------


def commune_for(*, user, commune_code: str, verb: str = VIEW) -> Commune:
    """The commune a measurement page or the feed is about: 403 for a role without the verb (a citizen),
    404 for an unknown commune and for another commune's or province's officials alike. Every page and
    endpoint of the module asks here."""
    require(user, verb)
    code = str(commune_code).strip()
    commune = (Commune.objects.select_related("province").filter(pk=code).first()
               if code.isascii() and code.isdigit() else None)
    if commune is None or not can(user, verb, commune):
        raise Http404
    return commune


def province_for(*, user, province_code: str, verb: str = PROVINCE) -> Province:
    """The province a page or the feed is about: 403 without the verb (``measurement.province.view`` unless
    told), 404 for an unknown province and for another province's officials alike."""
    require(user, verb)
    code = str(province_code).strip()
    province = Province.objects.filter(pk=code).first() if code.isascii() and code.isdigit() else None
    if province is None or not covers(user, province):
        raise Http404
    return province


def period_from(key: str | None, today: datetime.date) -> tuple[months.Period, list[str]]:
    """The month asked for (``?period=2026M07``), this month when none is; a malformed or future month
    gives this month and the reason it was refused."""
    if not key:
        return months.containing(today), []
    try:
        return months.parse(key, today), []
    except ValidationError as error:
        return months.containing(today), error.messages


# --- One commune ----------------------------------------------------------------------------------


@dataclass
class IndicatorLine:
    code: str
    name: str
    unit: str
    direction: str
    value: object = None
    target: object = None
    met: bool | None = None
    origin: str = ""

    @property
    def origin_label(self) -> str:
        return Origin(self.origin).label if self.origin in Origin.values else ""


def indicator_lines(commune, period: months.Period) -> list[IndicatorLine]:
    """The indicators in force in the month, with the commune's snapshot of each (empty when none yet)."""
    found = {v.indicator.code: v for v in IndicatorValue.objects.filter(commune=commune, period=period.key)
             .select_related("indicator")}
    lines = []
    for ind in rules.indicators_for(period.start):
        line = IndicatorLine(ind.code, ind.name, ind.unit, ind.direction, target=ind.target)
        if (v := found.get(ind.code)) is not None:
            line.value, line.target, line.met, line.origin = v.value, v.target, v.met, v.origin
        lines.append(line)
    return lines


def score_of(commune, period: months.Period) -> Score | None:
    return Score.objects.filter(commune=commune, period=period.key).select_related("ruleset").first()


@dataclass
class Trend:
    periods: list[months.Period]
    values: dict[str, list]  # indicator code → one value per period (None: no snapshot)
    totals: list  # the 766 total per period


def trend(commune, period: months.Period, count: int = TREND_MONTHS) -> Trend:
    """The last ``count`` months ending with ``period``: two queries."""
    span = progress.window(period, count)
    index = {p.key: i for i, p in enumerate(span)}
    values: dict[str, list] = defaultdict(lambda: [None] * len(span))
    for key, code, value in IndicatorValue.objects.filter(commune=commune, period__in=index).values_list(
            "period", "indicator__code", "value"):
        values[code][index[key]] = value
    totals = [None] * len(span)
    for key, total in Score.objects.filter(commune=commune, period__in=index).values_list("period", "total"):
        totals[index[key]] = total
    return Trend(span, dict(values), totals)


@dataclass
class Overdue:
    dossiers: list
    reports: list
    petitions: list

    @property
    def counts(self) -> dict[str, int]:
        return {"dossiers": len(self.dossiers), "reports": len(self.reports), "petitions": len(self.petitions)}


def overdue_work(commune, today: datetime.date) -> Overdue:
    """Dossiers past their appointment date, field reports past their date and petitions past theirs."""
    from xaso.modules.dossiers.models import Dossier
    from xaso.modules.petitions.models import Petition
    from xaso.modules.reports.models import OPEN as REPORTS_OPEN
    from xaso.modules.reports.models import Report

    return Overdue(
        dossiers=list(Dossier.objects.filter(commune=commune).overdue(today).select_related("procedure")
                      .order_by("due_date", "code")),
        reports=list(Report.objects.filter(commune=commune, status__in=REPORTS_OPEN, due_date__lt=today)
                     .select_related("category").order_by("due_date", "code")),
        petitions=list(Petition.objects.filter(commune=commune).overdue(today).order_by("due_date", "code")))


def field_reports(commune, period: months.Period):
    """The commune's field reports filed in the month: counts by status and by category."""
    from xaso.modules.reports.figures import figures

    return figures(commune=commune, start=period.start, end=period.end)


def satisfaction(commune, period: months.Period):
    from xaso.modules.surveys.selectors import satisfaction_summary

    return satisfaction_summary(commune, period.start, period.end)


# --- Data returns ---------------------------------------------------------------------------------


@dataclass
class ReturnsLine:
    """One commune's returns due as of a month: each dataset's cell, and the rates over them."""

    cells: list = field(default_factory=list)  # (dataset, datasets.selectors_province.Cell)
    states: dict[str, int] = field(default_factory=dict)
    expected: int = 0
    sent: int = 0

    @property
    def completeness(self) -> int | None:
        return round(100 * self.sent / self.expected) if self.expected else None


def returns_due(province, period: months.Period, today: datetime.date, *, area_type: str = "") -> dict:
    """``{commune code: ReturnsLine}``: for each published dataset of the province, the period its
    communes report as of the month's end (or today, in the current month), with the return's state now
    (approved, submitted on time or late, in progress, missing, not yet due). Two queries per dataset."""
    from xaso.modules.datasets import selectors_province as sp

    as_of = min(period.end, today)
    lines: dict[str, ReturnsLine] = defaultdict(lambda: ReturnsLine(states=dict.fromkeys(sp.State.values, 0)))
    for dataset in sp.published_datasets(province):
        grid = sp.status_grid(dataset, [sp.reporting_period(dataset, as_of)], area_type=area_type, today=today)
        for row in grid.rows:
            line = lines[row.commune.pk]
            for cell in row.cells:
                line.cells.append((dataset, cell))
                line.states[cell.state] += 1
                if cell.expected(today):
                    line.expected += 1
                    line.sent += cell.sent
    return dict(lines)


# --- The province ---------------------------------------------------------------------------------


@dataclass
class CommuneLine:
    commune: Commune
    total: object = None
    band: str = ""
    groups: dict = field(default_factory=dict)
    values: dict = field(default_factory=dict)  # indicator code → IndicatorLine
    cells: list = field(default_factory=list)  # IndicatorLine or None, in the order of the indicators
    progress: progress.MatrixRow | None = None
    returns: ReturnsLine | None = None
    overdue: dict[str, int] = field(default_factory=dict)


@dataclass
class ProvinceDashboard:
    province: Province
    period: months.Period
    indicators: list  # the Indicator rows in force in the month
    lines: list[CommuneLine]
    matrix: progress.Matrix


OVERDUE = {"dossiers": "dossiers.overdue", "reports": "reports.overdue", "petitions": "petitions.overdue"}


def _overdue_counts(codes, today: datetime.date) -> dict[str, dict[str, int]]:
    """Work past its date per commune, from the current month's snapshot (the background refresh counts it
    every few minutes): the province's page never counts millions of dossiers itself."""
    kinds = {measure: kind for kind, measure in OVERDUE.items()}
    out: dict[str, dict[str, int]] = {c: dict.fromkeys(OVERDUE, 0) for c in codes}
    for commune_id, measure, n in Figure.objects.filter(
            commune_id__in=codes, period=months.containing(today).key, measure__in=kinds).values_list(
            "commune_id", "measure", "numerator"):
        out[commune_id][kinds[measure]] = int(n)
    return out


def province_communes(province, *, area_type: str | None = None, commune: str | None = None):
    communes = Commune.objects.filter(province=province)
    if area_type:
        communes = communes.filter(area_type=area_type)
    if commune:
        communes = communes.filter(pk=commune)
    return communes.order_by("name", "code")


def province_dashboard(province, period: months.Period, area_type: str | None = None, commune: str | None = None,
                       *, today: datetime.date | None = None) -> ProvinceDashboard:
    """Every commune of the province (narrowed by area type or to one commune) for the month: the 766
    total, band and groups, each indicator's value against its target, progress by layer, data-return
    completeness and today's overdue work. A fixed number of queries: no query per commune."""
    from xaso.core.clock.calendar import today as local_today

    today = today or local_today()
    communes = list(province_communes(province, area_type=area_type, commune=commune))
    codes = [c.code for c in communes]
    lines = {c.code: CommuneLine(c) for c in communes}
    indicators = rules.indicators_for(period.start)
    named = {i.code: i for i in indicators}
    for commune_id, total, band, groups in Score.objects.filter(period=period.key, commune_id__in=codes).values_list(
            "commune_id", "total", "band", "groups"):
        line = lines[commune_id]
        line.total, line.band, line.groups = total, band, groups
    for commune_id, code, value, target, met, origin in IndicatorValue.objects.filter(
            period=period.key, commune_id__in=codes).values_list("commune_id", "indicator__code", "value", "target",
                                                                 "met", "origin"):
        if (ind := named.get(code)) is not None:
            lines[commune_id].values[code] = IndicatorLine(code, ind.name, ind.unit, ind.direction, value, target,
                                                           met, origin)
    matrix = progress.province_matrix(communes, period)
    for row in matrix.rows:
        lines[row.commune.code].progress = row
    returns = returns_due(province, period, today, area_type=area_type or "")
    overdue = _overdue_counts(codes, today)
    for code, line in lines.items():
        line.returns = returns.get(code, ReturnsLine())
        line.overdue = overdue[code]
        line.cells = [line.values.get(ind.code) for ind in indicators]
    return ProvinceDashboard(province, period, indicators, list(lines.values()), matrix)
