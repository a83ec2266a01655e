# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of commune data across a permission line: a commune's returns, one return, its form."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune, Village

from . import periods, services
from .models import Dataset, Disaggregation, Return, Sex, ValueChange, slot_of
from .workflow import VIEW


def commune_for_official(*, user, commune_code: str) -> Commune:
    found = get_object_or_404(Commune, pk=commune_code)
    if not can(user, VIEW, found):
        raise Http404
    return found


def datasets_of(commune):
    """The published datasets this commune must report."""
    candidates = Dataset.objects.filter(province_id=commune.province_id, published_at__isnull=False)
    return [d for d in candidates.prefetch_related("communes") if d.reports(commune)]


def dataset_of(commune, dataset_code: str) -> Dataset:
    dataset = get_object_or_404(Dataset, province_id=commune.province_id, code=dataset_code,
                                published_at__isnull=False)
    if not dataset.reports(commune):
        raise Http404
    return dataset


@dataclass
class Todo:
    dataset: Dataset
    period: periods.Period
    ret: Return | None


def todo(commune, *, today=None, count: int = 4) -> list[Todo]:
    """For each dataset, its recent periods with the commune's return (or none yet), newest first."""
    today = today or timezone.localdate()
    rows = []
    for dataset in datasets_of(commune):
        recent = periods.recent(dataset.period_type, today, count)
        found = {r.period: r for r in Return.objects.filter(dataset=dataset, commune=commune,
                                                            period__in=[p.key for p in recent])}
        rows += [Todo(dataset, p, found.get(p.key)) for p in recent]
    return rows


def return_of(commune, dataset, period_key: str) -> Return | None:
    period = periods.parse(dataset.period_type, period_key)
    return Return.objects.filter(dataset=dataset, commune=commune, period=period.key).first()


@dataclass
class Cell:
    """One input of the form: an element for the commune, a village or a sex."""

    code: str
    slot: str
    place: str  # "" for the commune total, a village's name, or a sex
    element: object
    value: object  # Value or None
    previous: object  # last period's Value or None

    @property
    def name(self) -> str:
        return f"{self.code}:{self.slot}"


@dataclass
class Row:
    element: object
    section: str
    required: bool
    cells: list


def form_rows(ret: Return) -> list[Row]:
    """The return's form, from its dataset's definition: one row per element, one cell per place."""
    _totals, values = services.figures(ret)
    previous = services.previous_values(ret)
    villages = list(Village.objects.filter(commune=ret.commune, merged_into__isnull=True).order_by("name"))
    rows = []
    for item in ret.dataset.members():
        element = item.element
        if element.disaggregation == Disaggregation.VILLAGE:
            places = [(slot_of(v.pk, ""), v.name) for v in villages]
        elif element.disaggregation == Disaggregation.SEX:
            places = [(s.value, s.label) for s in Sex]
        else:
            places = [("", "")]
        cells = [Cell(element.code, slot, place, element, values.get((element.code, slot)),
                      previous.get((element.code, slot))) for slot, place in places]
        rows.append(Row(element, item.section, item.required, cells))
    return rows


def history(ret: Return):
    return (ValueChange.objects.filter(value__ret=ret).select_related("value__element", "value__village", "actor")
            .order_by("-at", "-id"))
