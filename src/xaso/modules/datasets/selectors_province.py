# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's reads of its communes' returns (DL11, DL12): who must report a dataset, what each commune
sent for each period, how complete and timely that is, and the approved figures summed across communes,
with drill-down to each commune and to each village of one commune.

Return and Value are commune-owned, so every query here runs in the caller's scope: a province official's
request sees the communes of their province only, whatever the arguments say. ``province_for`` decides
first whether the user may look at the province at all (403 for a role without ``datasets.province.view``,
404 for another province's official), ``dataset_for`` and ``commune_for`` keep the rest inside it.

**States** of a commune's return for a period (the status grid, after DHIS2's reporting-rate summary):

* approved — approved by the approver (and locked);
* submitted on time / late — submitted and waiting for approval; on time when its *first* submission came
  by the due date (a resubmission after a correction does not make it late);
* in progress — a draft before its due date, or returned for correction;
* missing — no return, or a draft never submitted, after the due date;
* not yet due — no return and the due date has not passed.

**Rates**: a cell is *expected* once its due date has passed, or earlier if it was already submitted (an
early return counts; nobody is marked down for a period still open). Completeness is the share of expected
cells submitted or approved now; timeliness the share of expected cells first submitted by the due date.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from xaso.core.accounts.permissions import require
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Commune, Province, Village

from . import periods
from .models import Dataset, PeriodType, Return, Status, Value, ValueType

VIEW = "datasets.province.view"
MAX_PERIODS = 24  # a grid wider than two years of months is no longer readable, nor cheap


# --- Who may look, at what ------------------------------------------------------------------------


def province_for(*, user, province_code: str) -> Province:
    """The province whose returns the user may read: 403 for a role without the verb, 404 for an unknown
    province and for another province's officials alike."""
    require(user, VIEW)
    province = Province.objects.filter(pk=str(province_code).strip()).first()
    if province is None or not covers(user, province):
        raise Http404
    return province


def published_datasets(province: Province):
    return Dataset.objects.filter(province=province, published_at__isnull=False).order_by("code")


def dataset_for(*, province: Province, dataset_code: str) -> Dataset:
    dataset = published_datasets(province).filter(code=dataset_code).first()
    if dataset is None:
        raise Http404
    return dataset


def commune_for(*, province: Province, commune_code: str) -> Commune:
    commune = Commune.objects.filter(province=province, pk=commune_code).first()
    if commune is None:
        raise Http404
    return commune


def reporting_communes(dataset: Dataset, *, area_type: str = ""):
    """``Dataset.reports`` as one query: the province's communes of the dataset's area types (all of them
    when it names none), and the communes it names; ``area_type`` narrows the list for a filter."""
    communes = Commune.objects.filter(province_id=dataset.province_id)
    if dataset.area_types:
        communes = communes.filter(Q(area_type__in=dataset.area_types) | Q(pk__in=dataset.communes.values("pk")))
    if area_type:
        communes = communes.filter(area_type=area_type)
    return communes.order_by("name", "code")


# --- Periods --------------------------------------------------------------------------------------


def due_date(dataset: Dataset, period: periods.Period) -> datetime.date:
    """When the period's return is due; the same rule as ``services.return_open`` for a return not opened."""
    if dataset.period_type == PeriodType.ONCE:
        if dataset.published_at is None:  # not published: nobody reports it yet
            return period.end
        return timezone.localdate(dataset.published_at) + datetime.timedelta(days=dataset.due_days)
    return period.due(dataset.due_days)


def reporting_period(dataset: Dataset, today: datetime.date) -> periods.Period:
    """The period communes report now: the last one that has ended (its return is being sent or is due)."""
    current = periods.containing(dataset.period_type, today)
    if dataset.period_type == PeriodType.ONCE or current.end < today:
        return current
    return current.previous()


def last_periods(dataset: Dataset, until: periods.Period, count: int) -> list[periods.Period]:
    """``count`` periods ending with ``until``, oldest first (the order a table over time is read in)."""
    out = [until]
    while len(out) < count and (before := out[-1].previous()) is not None:
        out.append(before)
    return out[::-1]


def period_range(dataset: Dataset, first: str, last: str) -> list[periods.Period]:
    """The periods from ``first`` to ``last`` inclusive, oldest first; a malformed key, a range backwards
    or one longer than MAX_PERIODS is refused with a message."""
    start, end = periods.parse(dataset.period_type, first), periods.parse(dataset.period_type, last)
    if start.start > end.start:
        raise ValidationError(_("The first period must come before the last one."), code="range")
    out = [start]
    while out[-1].key != end.key:
        if len(out) >= MAX_PERIODS:
            raise ValidationError(_("Choose at most %(n)d periods.") % {"n": MAX_PERIODS}, code="range")
        out.append(out[-1].next())
    return out


# --- The status grid ------------------------------------------------------------------------------


class State(models.TextChoices):
    APPROVED = "approved", pgettext_lazy("return", "Approved")
    ON_TIME = "on_time", pgettext_lazy("return", "Submitted on time")
    LATE = "late", pgettext_lazy("return", "Submitted late")
    IN_PROGRESS = "in_progress", pgettext_lazy("return", "In progress")
    MISSING = "missing", pgettext_lazy("return", "Missing")
    NOT_DUE = "not_due", pgettext_lazy("return", "Not yet due")


SENT = frozenset({State.APPROVED, State.ON_TIME, State.LATE})


def state_of(status: str | None, first_submitted_at, due: datetime.date,
             today: datetime.date) -> tuple[str, bool | None]:
    """A cell's state and whether its first submission came by the due date (None: never submitted)."""
    on_time = None if first_submitted_at is None else timezone.localdate(first_submitted_at) <= due
    if status == Status.APPROVED:
        return State.APPROVED, on_time
    if status == Status.SUBMITTED:
        return (State.ON_TIME if on_time else State.LATE), on_time
    if status == Status.RETURNED or (status == Status.DRAFT and today <= due):
        return State.IN_PROGRESS, on_time
    return (State.MISSING if today > due else State.NOT_DUE), on_time


@dataclass(frozen=True)
class Cell:
    commune_id: str
    period: periods.Period
    state: str
    due: datetime.date
    on_time: bool | None = None
    ret_id: int | None = None
    status: str = ""  # the return's own status, "" when there is none

    @property
    def label(self) -> str:
        return State(self.state).label

    def expected(self, today: datetime.date) -> bool:
        """Counted in the rates: its due date has passed, or it was submitted already."""
        return self.due < today or self.on_time is not None

    @property
    def sent(self) -> bool:
        return self.state in SENT


@dataclass
class Rate:
    done: int = 0
    expected: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.done / self.expected) if self.expected else None

    def add(self, hit: bool) -> None:
        self.done += bool(hit)
        self.expected += 1


@dataclass
class Line:
    """A commune's row of the grid, or a period's totals (``commune`` None), with its rates."""

    commune: Commune | None
    period: periods.Period | None
    cells: list[Cell] = field(default_factory=list)
    completeness: Rate = field(default_factory=Rate)
    timeliness: Rate = field(default_factory=Rate)
    states: dict[str, int] = field(default_factory=lambda: dict.fromkeys(State.values, 0))

    def count(self, cell: Cell, today: datetime.date) -> None:
        self.cells.append(cell)
        self.states[cell.state] += 1
        if cell.expected(today):
            self.completeness.add(cell.sent)
            self.timeliness.add(bool(cell.on_time))


@dataclass
class Grid:
    dataset: Dataset
    periods: list[periods.Period]
    rows: list[Line]  # one per commune that must report
    columns: list[Line]  # one per period
    total: Line


def status_grid(dataset: Dataset, period_list: list[periods.Period], *, area_type: str = "",
                today: datetime.date | None = None) -> Grid:
    """Every reporting commune × period with its state, and the rates per commune, per period and overall."""
    today = today or timezone.localdate()
    communes = list(reporting_communes(dataset, area_type=area_type))
    keys = [p.key for p in period_list]
    found = {(c, p): (pk, status, first, due) for pk, c, p, status, first, due in
             Return.objects.filter(dataset=dataset, period__in=keys, commune_id__in=[c.pk for c in communes])
             .values_list("pk", "commune_id", "period", "status", "first_submitted_at", "due_date")}
    rows = [Line(commune, None) for commune in communes]
    columns = [Line(None, period) for period in period_list]
    total = Line(None, None)
    dues = {p.key: due_date(dataset, p) for p in period_list}
    for row in rows:
        for column in columns:
            pk, status, first, due = found.get((row.commune.pk, column.period.key),
                                               (None, "", None, dues[column.period.key]))
            state, on_time = state_of(status or None, first, due, today)
            cell = Cell(row.commune.pk, column.period, state, due, on_time, pk, status)
            for line in (row, column, total):
                line.count(cell, today)
    total.cells = []  # the overall line keeps the rates only
    return Grid(dataset, period_list, rows, columns, total)


# --- Aggregates of approved figures ---------------------------------------------------------------


@dataclass
class Figure:
    """What the approved values of one element add up to in one place and period: the sum of their numbers
    (a yes counts 1), how many numbers there were, and for a choice element how often each choice came."""

    total: Decimal | None = None
    count: int = 0
    choices: dict[str, int] = field(default_factory=dict)

    def add(self, other: Figure) -> None:
        if other.total is not None:
            self.total = (self.total or Decimal(0)) + other.total
        self.count += other.count
        for choice, n in other.choices.items():
            self.choices[choice] = self.choices.get(choice, 0) + n


def shown(element, figure: Figure | None):
    """The figure as the province reads it: a sum; for a percentage the (unweighted) mean, since rates do
    not add up; for yes/no the number of "yes"; for a choice the count of each choice."""
    if figure is None:
        return None
    if element.value_type == ValueType.CHOICE:
        return {c: figure.choices[c] for c in [*element.choices, *sorted(figure.choices)]
                if figure.choices.get(c)} or None
    if figure.total is None:
        return None
    if element.value_type == ValueType.PERCENT:
        return (figure.total / figure.count).quantize(Decimal("0.01")) if figure.count else None
    return figure.total


def aggregated_members(dataset: Dataset):
    """The dataset's elements that aggregate: every one but free text."""
    return [item.element for item in dataset.members() if item.element.value_type != ValueType.TEXT]


def _figures(values, by: tuple[str, ...], choice_ids: set[int]) -> dict[tuple, Figure]:
    """Approved values grouped by element and ``by``: one GROUP BY for the numbers (yes/no included: a yes is
    stored as 1), and one for the choices when the dataset has any."""
    out: dict[tuple, Figure] = defaultdict(Figure)
    for row in values.values("element_id", *by).annotate(total=Sum("number"), n=Count("number")).order_by():
        if row["total"] is not None:
            out[(row["element_id"], *(row[b] for b in by))].add(Figure(row["total"], row["n"]))
    if choice_ids:
        for row in (values.filter(element_id__in=choice_ids).exclude(text="").values("element_id", *by, "text")
                    .annotate(n=Count("pk")).order_by()):
            out[(row["element_id"], *(row[b] for b in by))].add(Figure(choices={row["text"]: row["n"]}))
    return out


def _approved(dataset: Dataset, period_keys):
    return Value.objects.filter(ret__dataset=dataset, ret__status=Status.APPROVED, ret__period__in=period_keys)


@dataclass
class Aggregate:
    periods: list[periods.Period]
    elements: list  # DataElement, in the dataset's order
    figures: dict[tuple[int, str], Figure]  # (element id, period key) → Figure
    approved: dict[str, int]  # period key → approved returns

    def rows(self):
        """(element, [shown value per period]) in the dataset's order."""
        return [(e, [shown(e, self.figures.get((e.pk, p.key))) for p in self.periods]) for e in self.elements]


def aggregate(dataset: Dataset, period_list: list[periods.Period]) -> Aggregate:
    """The approved figures of every commune summed per element and period (three queries in all)."""
    elements = aggregated_members(dataset)
    keys = [p.key for p in period_list]
    choice_ids = {e.pk for e in elements if e.value_type == ValueType.CHOICE}
    figures = _figures(_approved(dataset, keys), ("ret__period",), choice_ids)
    approved = dict(Return.objects.filter(dataset=dataset, status=Status.APPROVED, period__in=keys)
                    .values_list("period").annotate(n=Count("pk")).order_by())
    return Aggregate(period_list, elements, figures, approved)


@dataclass
class Breakdown:
    """One period's approved figures per place (communes of the province, or villages of one commune)."""

    places: list[tuple[object, str]]  # (key, name): a commune code, a village id, or None for "the commune"
    elements: list
    figures: dict[tuple[int, object], Figure]

    def value(self, element, place):
        return shown(element, self.figures.get((element.pk, place)))

    def total(self, element):
        """The same figure over every place: equal to the province's aggregate for the period."""
        whole = Figure()
        for (element_id, _place), figure in self.figures.items():
            if element_id == element.pk:
                whole.add(figure)
        return shown(element, whole) if whole.count or whole.choices else None


def by_commune(dataset: Dataset, period: periods.Period, *, elements=None, area_type: str = "") -> Breakdown:
    """Each commune's approved figures for one period: the reporting communes, and any other commune with an
    approved return (one that stopped reporting still counts in the total)."""
    elements = elements if elements is not None else aggregated_members(dataset)
    choice_ids = {e.pk for e in elements if e.value_type == ValueType.CHOICE}
    values = _approved(dataset, [period.key]).filter(element_id__in=[e.pk for e in elements])
    if area_type:
        values = values.filter(ret__commune__area_type=area_type)
    figures = _figures(values, ("ret__commune_id",), choice_ids)
    places = [(c.pk, c.name) for c in reporting_communes(dataset, area_type=area_type)]
    listed = {code for code, _name in places}
    extra = {code for (_e, code) in figures if code not in listed}
    places += [(c.pk, c.name) for c in Commune.objects.filter(pk__in=extra).order_by("name")]
    return Breakdown(places, elements, figures)


def by_village(dataset: Dataset, commune: Commune, period: periods.Period) -> Breakdown:
    """One commune's approved figures for one period by village; figures kept for the commune as a whole (or
    by sex) are the place None."""
    elements = aggregated_members(dataset)
    choice_ids = {e.pk for e in elements if e.value_type == ValueType.CHOICE}
    values = _approved(dataset, [period.key]).filter(ret__commune=commune)
    figures = _figures(values, ("village_id",), choice_ids)
    used = {village for (_e, village) in figures if village is not None}
    villages = Village.objects.filter(Q(commune=commune, merged_into__isnull=True) | Q(pk__in=used))
    places = [(v.pk, v.name) for v in villages.order_by("name")]
    return Breakdown([*places, (None, _("The commune as a whole"))], elements, figures)
