# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's pages on its communes' returns (DL11, DL12): the overview of its published datasets, the
status grid of one dataset (commune × period), the approved figures summed with drill-down to communes and
villages, and the six-principle quality score. Every table answers ``?export=csv|xlsx|json``; every chart is
shown with its numbers.

Who: ``datasets.province.view`` in the province (its province officials; administrators everywhere). A
commune official's role lacks the verb (403); another province's official is an outsider (404).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from xaso.core import exports
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import AreaType
from xaso.core.ui import charts

from . import periods, quality
from . import selectors_province as sp
from .models import ValueType

GRID_PERIODS = 6  # the grid's default: the last six periods, the one still open included
SUMMARY_PERIODS = 4  # aggregates and quality by default: the last four periods that have ended
CHOOSABLE = 24  # how many recent periods the aggregate's list offers
AGGREGATED_AS = {ValueType.PERCENT: gettext_lazy("mean"), ValueType.YES_NO: gettext_lazy("number of “yes”"),
                 ValueType.CHOICE: gettext_lazy("count of each choice")}


class RangeForm(forms.Form):
    first = forms.CharField(label=gettext_lazy("From period"), required=False, max_length=8)
    last = forms.CharField(label=gettext_lazy("To period"), required=False, max_length=8)
    area_type = forms.ChoiceField(label=gettext_lazy("Area type"), required=False,
                                  choices=[("", gettext_lazy("All area types")), *AreaType.choices])

    def __init__(self, data, *, dataset, default):
        super().__init__(data)
        self.dataset, self.default = dataset, default
        for name in ("first", "last"):
            self.fields[name].widget.attrs["placeholder"] = periods.example(dataset.period_type)

    def clean(self):
        data = super().clean()
        first, last = data.get("first") or self.default[0].key, data.get("last") or self.default[-1].key
        try:
            data["periods"] = sp.period_range(self.dataset, first, last)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
        return data


def _filters(request, dataset, default):
    """The periods and area type asked for; on bad input, the defaults and the form with its message."""
    form = RangeForm(request.GET, dataset=dataset, default=default)
    if form.is_valid():
        return form, form.cleaned_data["periods"], form.cleaned_data["area_type"]
    return form, default, ""


def _text(value) -> str:
    """A figure as a cell shows it: a number, the counts of each choice, or "—"."""
    if isinstance(value, dict):
        return "; ".join(f"{choice}: {n}" for choice, n in value.items())
    return charts.number(value)


def _export_value(value):
    """A figure as an export carries it: numbers stay numbers (whole ones as integers)."""
    if isinstance(value, dict):
        return _text(value)
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _return_url(commune_code: str, dataset_code: str, period: str) -> str:
    """The commune's return page (where it is approved or sent back); "" while that page does not exist."""
    try:
        return reverse("datasets:return", kwargs={"commune_code": commune_code, "dataset_code": dataset_code,
                                                  "period": period})
    except NoReverseMatch:
        return ""


def _period(request, dataset, today):
    """The one period of a drill-down (?period=), by default the one being reported now."""
    key = request.GET.get("period") or sp.reporting_period(dataset, today).key
    try:
        return periods.parse(dataset.period_type, key), None
    except ValidationError as error:
        return sp.reporting_period(dataset, today), error.messages[0]


def _element(request, elements):
    """The element asked for by ?element=code (None: all of them), and the one to chart: the one asked for, or
    the first that has a number; none for a choice (its counts are in the table)."""
    code = request.GET.get("element", "")
    chosen = next((e for e in elements if e.code == code), None)
    if chosen is not None:
        return chosen, None if chosen.value_type == ValueType.CHOICE else chosen
    return None, next((e for e in elements if e.value_type != ValueType.CHOICE), None)


# --- The overview ---------------------------------------------------------------------------------


OVERVIEW_COLUMNS = [("code", gettext_lazy("Code")), ("title", gettext_lazy("Dataset")),
                    ("period", gettext_lazy("Period reported")), ("due", gettext_lazy("Due")),
                    ("expected", gettext_lazy("Returns expected")), ("sent", gettext_lazy("Returns submitted")),
                    ("completeness", gettext_lazy("Completeness (%)")), ("timeliness", gettext_lazy("Timeliness (%)")),
                    ("quality", gettext_lazy("Quality score"))]


@officials_only
@require_safe
def returns(request, province_code):
    province = sp.province_for(user=request.user, province_code=province_code)
    today = timezone.localdate()
    rows = []
    for dataset in sp.published_datasets(province):
        period = sp.reporting_period(dataset, today)
        grid = sp.status_grid(dataset, [period], today=today)
        score = quality.scores(dataset, sp.last_periods(dataset, period, SUMMARY_PERIODS), today=today).total
        rows.append({"dataset": dataset, "code": dataset.code, "title": dataset.title, "period": period.label,
                     "period_key": period.key, "due": sp.due_date(dataset, period),
                     "expected": len(grid.rows), "sent": grid.total.completeness.done,
                     "completeness": grid.total.completeness.percent, "timeliness": grid.total.timeliness.percent,
                     "quality": score.overall})
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-returns-{province.code}", columns=OVERVIEW_COLUMNS, rows=rows)
    chart = charts.bar_chart([f"{r['code']} · {r['period']}" for r in rows],
                             [(_("Completeness"), [r["completeness"] for r in rows]),
                              (_("Timeliness"), [r["timeliness"] for r in rows])],
                             title=_("Returns of the period being reported"), unit="%", maximum=100, table=False)
    return render(request, "datasets/province/returns.html", {"province": province, "rows": rows, "chart": chart})


# --- One dataset: the status grid ----------------------------------------------------------------


def _grid_rows(grid, dataset):
    for line in grid.rows:
        cells = [{"cell": c, "url": _return_url(c.commune_id, dataset.code, c.period.key) if c.ret_id else ""}
                 for c in line.cells]
        yield {"commune": line.commune, "cells": cells, "completeness": line.completeness.percent,
               "timeliness": line.timeliness.percent}


def _grid_export(fmt, grid, dataset, table):
    if table == "periods":
        columns = [("period", _("Period")), ("due", _("Due")), ("expected", _("Returns expected")),
                   ("sent", _("Returns submitted")), ("completeness", _("Completeness (%)")),
                   ("timeliness", _("Timeliness (%)")), *[(s.value, s.label) for s in sp.State]]
        rows = [{"period": c.period.key, "due": sp.due_date(dataset, c.period), "expected": c.completeness.expected,
                 "sent": c.completeness.done, "completeness": c.completeness.percent,
                 "timeliness": c.timeliness.percent, **c.states} for c in grid.columns]
    else:
        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")), ("area_type", _("Area type")),
                   *[(p.key, p.label) for p in grid.periods], ("completeness", _("Completeness (%)")),
                   ("timeliness", _("Timeliness (%)"))]
        rows = [{"commune_code": line.commune.code, "commune": line.commune.name,
                 "area_type": line.commune.get_area_type_display(), "completeness": line.completeness.percent,
                 "timeliness": line.timeliness.percent, **{c.period.key: c.label for c in line.cells}}
                for line in grid.rows]
    return exports.respond(fmt, filename=f"xaso-returns-{dataset.code}-{table}", columns=columns, rows=rows)


@officials_only
@require_safe
def dataset_returns(request, province_code, dataset_code):
    province = sp.province_for(user=request.user, province_code=province_code)
    dataset = sp.dataset_for(province=province, dataset_code=dataset_code)
    today = timezone.localdate()
    default = sp.last_periods(dataset, periods.containing(dataset.period_type, today), GRID_PERIODS)
    form, period_list, area_type = _filters(request, dataset, default)
    grid = sp.status_grid(dataset, period_list, area_type=area_type, today=today)
    if fmt := exports.requested(request):
        return _grid_export(fmt, grid, dataset, request.GET.get("table", "grid"))
    chart = charts.bar_chart([c.period.label for c in grid.columns],
                             [(_("Completeness"), [c.completeness.percent for c in grid.columns]),
                              (_("Timeliness"), [c.timeliness.percent for c in grid.columns])],
                             title=_("Completeness and timeliness by period"), unit="%", maximum=100, table=False)
    return render(request, "datasets/province/dataset.html", {
        "province": province, "dataset": dataset, "form": form, "grid": grid, "rows": list(_grid_rows(grid, dataset)),
        "columns": [{"line": c, "due": sp.due_date(dataset, c.period)} for c in grid.columns], "chart": chart,
        "states": sp.State, "area_type": area_type}, status=400 if form.errors else 200)


# --- Aggregates with drill-down -------------------------------------------------------------------


def _chosen_periods(request, dataset, today):
    """The periods of ?period=…&period=… (oldest first), or the last four that have ended; and any fault."""
    keys = request.GET.getlist("period")
    default = sp.last_periods(dataset, sp.reporting_period(dataset, today), SUMMARY_PERIODS)
    try:
        chosen = {p.key: p for p in (periods.parse(dataset.period_type, k) for k in keys[:sp.MAX_PERIODS])}
    except ValidationError as error:
        return default, error.messages[0]
    return (sorted(chosen.values(), key=lambda p: p.start) or default), None


def _how(element) -> str:
    return str(AGGREGATED_AS.get(element.value_type, _("sum")))


@officials_only
@require_safe
def aggregate(request, province_code, dataset_code):
    province = sp.province_for(user=request.user, province_code=province_code)
    dataset = sp.dataset_for(province=province, dataset_code=dataset_code)
    today = timezone.localdate()
    period_list, fault = _chosen_periods(request, dataset, today)
    result = sp.aggregate(dataset, period_list)
    rows = result.rows()
    if fmt := exports.requested(request):
        columns = [("code", _("Code")), ("element", _("Element")), ("unit", _("Unit")), ("how", _("Aggregated as")),
                   *[(p.key, p.label) for p in period_list]]
        return exports.respond(fmt, filename=f"xaso-aggregate-{dataset.code}", columns=columns, rows=[
            {"code": e.code, "element": e.name, "unit": e.unit, "how": _how(e),
             **{p.key: _export_value(v) for p, v in zip(period_list, values, strict=True)}} for e, values in rows])
    _chosen, charted = _element(request, result.elements)
    chart = ""
    if charted is not None:
        line = next(values for e, values in rows if e.pk == charted.pk)
        chart = charts.line_chart([p.label for p in period_list], [(charted.name, line)],
                                  title=f"{charted.code} {charted.name} ({_how(charted)})", unit=charted.unit)
    recent = sp.last_periods(dataset, periods.containing(dataset.period_type, today), CHOOSABLE)[::-1]
    return render(request, "datasets/province/aggregate.html", {
        "province": province, "dataset": dataset, "periods": period_list, "fault": fault, "chart": chart,
        "charted": charted, "choices": [(p, p in period_list) for p in recent],
        "rows": [{"element": e, "how": _how(e),
                  "cells": [(p, _text(v)) for p, v in zip(period_list, values, strict=True)]} for e, values in rows],
        "approved": [result.approved.get(p.key, 0) for p in period_list]}, status=400 if fault else 200)


def _breakdown_rows(breakdown, elements):
    return [{"key": key, "name": name, "cells": [breakdown.value(e, key) for e in elements]}
            for key, name in breakdown.places]


def _breakdown_chart(breakdown, charted, title_place: str):
    if charted is None:
        return ""
    return charts.bar_chart([name for _key, name in breakdown.places],
                            [(charted.name, [breakdown.value(charted, key) for key, _name in breakdown.places])],
                            title=f"{charted.code} {charted.name} ({_how(charted)}) · {title_place}",
                            unit=charted.unit, table=False)


def _breakdown_export(fmt, filename, place_header, rows, elements, total):
    columns = [("key", _("Code")), ("name", place_header), *[(e.code, f"{e.code} {e.name}") for e in elements]]
    out = [{"key": r["key"], "name": r["name"], **{e.code: _export_value(v) for e, v in
                                                   zip(elements, r["cells"], strict=True)}} for r in rows]
    out.append({"key": "", "name": _("Total"), **{e.code: _export_value(v) for e, v in zip(elements, total,
                                                                                           strict=True)}})
    return exports.respond(fmt, filename=filename, columns=columns, rows=out)


@officials_only
@require_safe
def aggregate_communes(request, province_code, dataset_code):
    """One period's figures by commune (all elements, or the one of ?element=), each linked to its villages."""
    province = sp.province_for(user=request.user, province_code=province_code)
    dataset = sp.dataset_for(province=province, dataset_code=dataset_code)
    period, fault = _period(request, dataset, timezone.localdate())
    elements = sp.aggregated_members(dataset)
    chosen, charted = _element(request, elements)
    shown = [chosen] if chosen is not None else elements
    breakdown = sp.by_commune(dataset, period, elements=shown)
    rows, total = _breakdown_rows(breakdown, shown), [breakdown.total(e) for e in shown]
    if fmt := exports.requested(request):
        return _breakdown_export(fmt, f"xaso-aggregate-{dataset.code}-{period.key}-communes", _("Commune"), rows,
                                 shown, total)
    return render(request, "datasets/province/communes.html", {
        "province": province, "dataset": dataset, "period": period, "fault": fault, "elements": shown,
        "all_elements": elements, "chosen": chosen, "chart": _breakdown_chart(breakdown, charted, period.label),
        "rows": [{**r, "cells": [_text(v) for v in r["cells"]]} for r in rows], "total": [_text(v) for v in total]},
        status=400 if fault else 200)


@officials_only
@require_safe
def aggregate_villages(request, province_code, dataset_code, commune_code):
    """One commune's approved figures of one period by village."""
    province = sp.province_for(user=request.user, province_code=province_code)
    dataset = sp.dataset_for(province=province, dataset_code=dataset_code)
    commune = sp.commune_for(province=province, commune_code=commune_code)
    period, fault = _period(request, dataset, timezone.localdate())
    breakdown = sp.by_village(dataset, commune, period)
    elements = breakdown.elements
    rows, total = _breakdown_rows(breakdown, elements), [breakdown.total(e) for e in elements]
    if fmt := exports.requested(request):
        return _breakdown_export(fmt, f"xaso-aggregate-{dataset.code}-{period.key}-{commune.code}", _("Village"),
                                 [{**r, "key": r["key"] or ""} for r in rows], elements, total)
    _chosen, charted = _element(request, elements)
    return render(request, "datasets/province/villages.html", {
        "province": province, "dataset": dataset, "commune": commune, "period": period, "fault": fault,
        "elements": elements, "chart": _breakdown_chart(breakdown, charted, commune.name),
        "rows": [{**r, "cells": [_text(v) for v in r["cells"]]} for r in rows], "total": [_text(v) for v in total],
        "return_url": _return_url(commune.code, dataset.code, period.key)}, status=400 if fault else 200)


# --- Quality --------------------------------------------------------------------------------------


@officials_only
@require_safe
def dataset_quality(request, province_code, dataset_code):
    province = sp.province_for(user=request.user, province_code=province_code)
    dataset = sp.dataset_for(province=province, dataset_code=dataset_code)
    today = timezone.localdate()
    default = sp.last_periods(dataset, sp.reporting_period(dataset, today), SUMMARY_PERIODS)
    form, period_list, area_type = _filters(request, dataset, default)
    result = quality.scores(dataset, period_list, area_type=area_type, today=today)
    keys = [key for key, _label in quality.PRINCIPLES]

    def row(score, code, name):
        values = [score.percent(k) for k in keys]
        return {"code": code, "name": name, "overall": score.overall, "values": values, **dict(zip(keys, values,
                                                                                                  strict=True))}

    rows = [row(s, s.commune.code, s.commune.name) for s in result.communes]
    total = row(result.total, "", _("All communes shown"))
    if fmt := exports.requested(request):
        columns = [("code", _("Commune code")), ("name", _("Commune")), *quality.PRINCIPLES,
                   ("overall", _("Overall"))]
        return exports.respond(fmt, filename=f"xaso-quality-{dataset.code}", columns=columns, rows=[total, *rows])
    chart = charts.bar_chart([label for _key, label in quality.PRINCIPLES],
                             [(_("All communes shown"), [result.total.percent(k) for k in keys])],
                             title=_("Data quality by principle"), unit="%", maximum=100, table=False)
    return render(request, "datasets/province/quality.html", {
        "province": province, "dataset": dataset, "form": form, "chart": chart,
        "first": period_list[0].label, "last": period_list[-1].label,
        "principles": [(key, label, quality.EXPLAINED[key]) for key, label in quality.PRINCIPLES],
        "keys": keys, "rows": rows, "total": total}, status=400 if form.errors else 200)
