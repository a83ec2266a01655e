# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Decision 766 index pages: a commune's score over twelve months, one month's criteria, the records that
cost points, the province's ranking, the manual entry of the figures xaso cannot count, and the rules.

Pages read the snapshots only (``Score``, ``Figure``); the drill-down alone lists raw records, with the same
conditions that counted them (``measures.lost``). A month in the address that is malformed or has not begun
is a page that does not exist: 404, with the reason on it. A month chosen in a filter (``?period=``) that is
wrong keeps the default month and says why (400), as the datasets pages do.

Who: the commune pages need ``measurement.dashboard.view`` (any official; a citizen gets 403) and the commune
in the user's scope (another commune's official, another province's official: 404). The ranking needs
``measurement.province.view``; the rules page is read by any official of the province and changed with
``measurement.rules.manage``; the entry form needs ``measurement.entry.manage``.
"""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.clock import calendar
from xaso.core.places.models import AreaType, Commune
from xaso.core.tenancy import unscoped
from xaso.core.ui import charts
from xaso.core.ui.forms import service_errors

from . import entries, measures, months, rules
from .compute import COUNTED, MISSING, NOTHING
from .models import Certainty, Figure, Origin, Score
from .rules import plain_number
from .selectors import commune_for, province_for

VIEW = "measurement.dashboard.view"
PROVINCE_VIEW = "measurement.province.view"
RULES_MANAGE = "measurement.rules.manage"
WINDOW = 12  # months on the commune's page
PAGE_SIZE = 50
WRITE_RATE = "30/m"  # entries and uploads: a person at work never comes near it


# --- Months ---------------------------------------------------------------------------------------


def _last_complete(today) -> months.Period:
    return months.containing(today).previous()


def _chosen_month(request, today) -> tuple[months.Period, str | None]:
    """``?period=`` (default: the last month that has ended), and the fault when it is refused."""
    key = request.GET.get("period")
    if not key:
        return _last_complete(today), None
    try:
        return months.parse(key, today), None
    except ValidationError as error:
        return _last_complete(today), error.messages[0]


def _window(chosen: months.Period, today) -> list[months.Period]:
    """The twelve months up to this one, or up to the chosen month when that is older (a look back)."""
    recent = months.recent(today, WINDOW)
    if chosen.start >= recent[0].start:
        return recent
    return months.between(months.containing(chosen.start.replace(year=chosen.start.year - 1)).next(), chosen)


def _bad_period(request, commune, message: str) -> HttpResponse:
    return render(request, "measurement/index_bad_period.html", {"commune": commune, "message": message},
                  status=404)


def _ranks(province_id: str, period_keys) -> dict:
    """``{(commune_id, period): (rank, ranked)}`` among the province's scored communes; equal totals share a
    rank. A deliberate read across communes: only the ranks leave this function."""
    with unscoped():
        rows = list(Score.objects.filter(commune__province_id=province_id, period__in=list(period_keys))
                    .values_list("commune_id", "period", "total"))
    by_period: dict[str, list] = {}
    for commune_id, period, total in rows:
        by_period.setdefault(period, []).append((commune_id, total))
    out = {}
    for period, scored in by_period.items():
        for commune_id, total in scored:
            out[(commune_id, period)] = (1 + sum(1 for _c, t in scored if t > total), len(scored))
    return out


def _group_name(code: str) -> str:
    vi, en = rules.GROUP_NAMES.get(code, (code, code))
    return en if (get_language() or "vi").startswith("en") else vi


# --- A commune's index over twelve months ---------------------------------------------------------


def _commune_rows(commune, window):
    scores = {s.period: s for s in Score.objects.filter(commune=commune, period__in=[p.key for p in window])
              .select_related("ruleset")}
    ranks = _ranks(commune.province_id, [p.key for p in window])
    rows = []
    for p in window:
        s = scores.get(p.key)
        rank, ranked = ranks.get((commune.pk, p.key), (None, None))
        rows.append({"period": p, "score": s, "total": None if s is None else float(s.total),
                     "band": s.band if s else "", "rank": rank, "ranked": ranked,
                     "ruleset": s.ruleset.code if s else "",
                     "groups": {g: (s.groups.get(g, {}).get("points") if s else None) for g in rules.GROUPS}})
    return rows


def _commune_export(fmt, commune, rows):
    columns = [("period", _("Month")), ("total", _("Total (of 100)")), ("band", _("Rating")),
               ("rank", _("Rank in the province")), ("ranked", _("Communes ranked")), ("ruleset", _("Rule set")),
               *[(g, f"{g} · {_group_name(g)} ({points})") for g, points in rules.GROUPS.items()]]
    return exports.respond(fmt, filename=f"xaso-index766-{commune.pk}", columns=columns, rows=[
        {"period": r["period"].key, "total": plain_number(r["total"]), "band": r["band"], "rank": r["rank"],
         "ranked": r["ranked"], "ruleset": r["ruleset"], **{g: plain_number(v) for g, v in r["groups"].items()}}
        for r in rows])


def _groups_of(score):
    if score is None:
        return []
    return [{"code": g, "name": _group_name(g), "points": score.groups.get(g, {}).get("points"),
             "max": score.groups.get(g, {}).get("max", maximum)} for g, maximum in rules.GROUPS.items()]


def _groups_chart(groups, title):
    return charts.bar_chart([f"{g['code']} · {g['name']}" for g in groups],
                            [(_("Points"), [g["points"] for g in groups]),
                             (_("Maximum points"), [g["max"] for g in groups])],
                            title=title, table=False)


@officials_only
@require_safe
def commune_index(request, commune_code):
    commune = commune_for(user=request.user, commune_code=commune_code)
    today = calendar.today()
    chosen, fault = _chosen_month(request, today)
    rows = _commune_rows(commune, _window(chosen, today))
    if fmt := exports.requested(request):
        return _commune_export(fmt, commune, rows)
    score = Score.objects.filter(commune=commune, period=chosen.key).select_related("ruleset").first()
    groups = _groups_of(score)
    trend = charts.line_chart([r["period"].label for r in rows], [(_("Total"), [r["total"] for r in rows])],
                              title=_("Decision 766 index, last twelve months"), unit=_("points"), maximum=100,
                              table=False)
    return render(request, "measurement/index_commune.html", {
        "commune": commune, "history": rows, "chosen": chosen, "fault": fault, "score": score, "group_rows": groups,
        "trend": trend, "groups_chart": _groups_chart(groups, _("Points by group, %(month)s")
                                                      % {"month": chosen.label}) if groups else "",
        "ruleset": score.ruleset if score else rules.ruleset_for(chosen.start),
        "group_codes": list(rules.GROUPS), "may_enter": can(request.user, entries.ENTER, commune)},
        status=400 if fault else 200)


# --- One month ------------------------------------------------------------------------------------


def _origin(line: dict, figure: Figure | None) -> dict:
    """The origin badge of a criterion's figure: computed, entered by hand (who, when), or received."""
    origin = line.get("origin") or ""
    out = {"code": origin, "label": {Origin.COMPUTED: _("Computed from xaso's data"),
                                     Origin.MANUAL: _("Entered by hand"),
                                     Origin.INTEGRATION: _("From another system")}.get(origin, "")}
    if origin == Origin.MANUAL and figure is not None and figure.origin == Origin.MANUAL:
        out.update(who=str(figure.entered_by or ""), when=figure.computed_at)
    return out


def _share(numerator, denominator):
    if not denominator or numerator is None:
        return None
    return round(numerator * 100 / denominator, 2)


def _lines(score, commune):
    criteria = {c.code: c for c in score.ruleset.criteria.all()}
    figures = {f.measure: f for f in Figure.objects.filter(commune=commune, period=score.period)
               .select_related("entered_by")}
    for line in score.detail:
        criterion, measure = criteria.get(line["code"]), measures.get(line["measure"])
        yield {**line, "name": criterion.name if criterion else line["code"],
               "certainty": criterion.certainty if criterion else "",
               "certainty_label": Certainty(criterion.certainty).label if criterion else "",
               "source": criterion.source if criterion else "",
               "measure_label": measure.label if measure else line["measure"],
               "external": measure is not None and measure.kind == measures.EXTERNAL,
               "share": _share(line["numerator"], line["denominator"]),
               "lost": round(line["max"] - line["points"], 2),
               "origin_badge": _origin(line, figures.get(line["measure"])),
               "numerator_text": charts.number(line["numerator"]),
               "denominator_text": charts.number(line["denominator"])}


def _month_export(fmt, commune, period, lines):
    columns = [("group", _("Group")), ("code", _("Code")), ("name", _("Criterion")), ("measure", _("Measure")),
               ("numerator", _("Succeeded")), ("denominator", _("Counted")), ("share", _("Share (%)")),
               ("points", _("Points")), ("max", _("Maximum points")), ("lost", _("Points lost")),
               ("certainty", _("Certainty")), ("origin", _("Origin")), ("state", _("State"))]
    return exports.respond(fmt, filename=f"xaso-index766-{commune.pk}-{period.key}", columns=columns, rows=[
        {**{k: line[k] for k in ("group", "code", "name", "measure", "share", "certainty", "state")},
         "numerator": plain_number(line["numerator"]), "denominator": plain_number(line["denominator"]),
         "points": plain_number(line["points"]), "max": plain_number(line["max"]), "lost": plain_number(line["lost"]),
         "origin": line["origin"]} for line in lines])


@officials_only
@require_safe
def commune_index_month(request, commune_code, period):
    commune = commune_for(user=request.user, commune_code=commune_code)
    today = calendar.today()
    try:
        month = months.parse(period, today)
    except ValidationError as error:
        return _bad_period(request, commune, error.messages[0])
    score = Score.objects.filter(commune=commune, period=month.key).select_related("ruleset").first()
    lines = list(_lines(score, commune)) if score else []
    if fmt := exports.requested(request):
        return _month_export(fmt, commune, month, lines)
    groups = _groups_of(score)
    return render(request, "measurement/index_month.html", {
        "commune": commune, "period": month, "score": score,
        "by_group": [{**g, "lines": [ln for ln in lines if ln["group"] == g["code"]]} for g in groups],
        "states": {"counted": COUNTED, "nothing": NOTHING, "missing": MISSING},
        "may_enter": can(request.user, entries.ENTER, commune),
        "groups_chart": _groups_chart(groups, _("Points by group, %(month)s") % {"month": month.label})
        if groups else ""})


# --- The records that cost points -----------------------------------------------------------------


# Per kind of record: the columns of its list, as (key, header, how to read it off the record).
RECORD_COLUMNS = {
    "dossiers.dossier": [
        ("code", gettext_lazy("Dossier code"), lambda r: r.code),
        ("procedure", gettext_lazy("Procedure"), lambda r: f"{r.procedure.code} {r.procedure.name}"),
        ("received", gettext_lazy("Received"), lambda r: r.received_at),
        ("due", gettext_lazy("Due"), lambda r: r.due_date),
        ("resolved", gettext_lazy("Resolved"), lambda r: r.resolved_on),
        ("channel", gettext_lazy("Channel"), lambda r: r.get_channel_display()),
        ("rating", gettext_lazy("Rating (of 5)"), lambda r: getattr(getattr(r, "rating", None), "score", None))],
    "reports.report": [
        ("code", gettext_lazy("Code"), lambda r: r.code),
        ("category", gettext_lazy("Category"), lambda r: str(r.category)),
        ("received", gettext_lazy("Received"), lambda r: r.created_at),
        ("due", gettext_lazy("Due"), lambda r: r.due_date),
        ("resolved", gettext_lazy("Resolved"), lambda r: r.resolved_at),
        ("rating", gettext_lazy("Rating (of 5)"), lambda r: r.rating)],
    "petitions.petition": [
        ("code", gettext_lazy("Code"), lambda r: r.code),
        ("subject", gettext_lazy("Subject"), lambda r: r.subject),
        ("received", gettext_lazy("Received"), lambda r: r.received_at),
        ("due", gettext_lazy("Due"), lambda r: r.due_date),
        ("resolved", gettext_lazy("Answered"), lambda r: r.answered_at)],
    "surveys.answer": [
        ("question", gettext_lazy("Question"), lambda r: r.question.text),
        ("received", gettext_lazy("Answered"), lambda r: r.response.submitted_at),
        ("rating", gettext_lazy("Answer (of 5)"), lambda r: r.number)],
    "procedures.procedure": [
        ("code", gettext_lazy("Code"), lambda r: r.code),
        ("procedure", gettext_lazy("Procedure"), lambda r: r.name),
        ("portal", gettext_lazy("Page on the national portal"), lambda r: r.national_portal_url)],
}
RELATED = {"dossiers.dossier": ("procedure", "rating"), "reports.report": ("category",),
           "surveys.answer": ("question", "response")}


def _records(measure, commune, period, today):
    records = measures.lost(measure, commune_id=commune.pk, period=period, today=today)
    if isinstance(records, QuerySet):
        label = records.model._meta.label_lower
        records = records.select_related(*RELATED.get(label, ()))
        if not records.ordered:
            records = records.order_by("pk")
        return records, label, records.count()
    label = records[0]._meta.label_lower if records else ""
    return records, label, len(records)


def _record_rows(measure, records, label):
    columns = RECORD_COLUMNS.get(label, [])
    for record in records:
        url = measures.record_url(measure, record) if measure.link else None
        yield {"url": url, "values": {key: read(record) for key, _h, read in columns}}


def _cell(value) -> str:
    """A record's value as the list shows it: dates and times in Vietnam's way, nothing as "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, datetime.datetime):
        return dateformat.format(timezone.localtime(value, calendar.LOCAL), "d/m/Y H:i")
    if isinstance(value, datetime.date):
        return dateformat.format(value, "d/m/Y")
    return str(value)


def _expected(line) -> int | None:
    """How many records the snapshot says cost points: counted − succeeded (a count: the count)."""
    if line is None or line["numerator"] is None:
        return None
    if line["denominator"] is None:
        return int(line["numerator"])
    return int(line["denominator"] - line["numerator"])


def _criterion_line(commune, month, criterion_code):
    """The snapshot's line of the criterion, or (no score yet) the rule in force, or 404."""
    score = Score.objects.filter(commune=commune, period=month.key).select_related("ruleset").first()
    line = next((d for d in score.detail if d["code"] == criterion_code), None) if score else None
    ruleset = score.ruleset if score else rules.ruleset_for(month.start)
    criterion = ruleset.criteria.filter(code=criterion_code).first() if ruleset else None
    if line is None and criterion is None:
        raise Http404
    measure = measures.get(line["measure"] if line else criterion.measure)
    if measure is None:
        raise Http404
    return score, line, criterion, measure


@officials_only
@require_safe
def commune_index_lost(request, commune_code, period, criterion):
    commune = commune_for(user=request.user, commune_code=commune_code)
    today = calendar.today()
    try:
        month = months.parse(period, today)
    except ValidationError as error:
        return _bad_period(request, commune, error.messages[0])
    score, line, crit, measure = _criterion_line(commune, month, criterion)
    records, label, count = _records(measure, commune, month, today)
    columns = RECORD_COLUMNS.get(label, [])
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-index766-{commune.pk}-{month.key}-{criterion}",
                               columns=[(k, h) for k, h, _r in columns],
                               rows=[r["values"] for r in _record_rows(measure, records, label)])
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    expected = _expected(line)
    return render(request, "measurement/index_lost.html", {
        "commune": commune, "period": month, "score": score, "line": line, "criterion": crit,
        "criterion_code": criterion, "measure": measure, "count": count, "expected": expected,
        "differs": expected is not None and expected != count, "state": measure.kind == measures.STATE,
        "external": measure.kind == measures.EXTERNAL, "page": page, "headers": [h for _k, h, _r in columns],
        "records": [{**r, "cells": [_cell(r["values"][k]) for k, _h, _r in columns]}
                 for r in _record_rows(measure, page.object_list, label)]})


# --- The province's ranking -----------------------------------------------------------------------


def _province_rows(province, chosen, area_type):
    communes = Commune.objects.filter(province=province).order_by("name", "code")
    previous = chosen.previous()
    scores = {(s.commune_id, s.period): s for s in Score.objects.filter(
        commune__province=province, period__in=[chosen.key, previous.key])}
    ranks = _ranks(province.pk, [chosen.key])
    rows = []
    for commune in communes:
        if area_type and commune.area_type != area_type:
            continue
        now, before = scores.get((commune.pk, chosen.key)), scores.get((commune.pk, previous.key))
        rank, ranked = ranks.get((commune.pk, chosen.key), (None, None))
        rows.append({"commune": commune, "rank": rank, "ranked": ranked, "total": float(now.total) if now else None,
                     "band": now.band if now else "",
                     "change": round(float(now.total - before.total), 2) if now and before else None,
                     "groups": [now.groups.get(g, {}).get("points") if now else None for g in rules.GROUPS]})
    return sorted(rows, key=lambda r: (r["rank"] is None, r["rank"] or 0, r["commune"].name))


def _month_choices(today, chosen) -> list[months.Period]:
    """The last two years, newest first, and the month chosen when it is older."""
    recent = list(reversed(months.recent(today, 24)))
    return recent if any(p.key == chosen.key for p in recent) else [*recent, chosen]


class ProvinceFilter(forms.Form):
    area_type = forms.ChoiceField(label=gettext_lazy("Area type"), required=False,
                                  choices=[("", gettext_lazy("All area types")), *AreaType.choices])


@officials_only
@require_safe
def province_index(request, province_code):
    province = province_for(user=request.user, province_code=province_code, verb=PROVINCE_VIEW)
    today = calendar.today()
    chosen, fault = _chosen_month(request, today)
    form = ProvinceFilter(request.GET)
    area_type = form.cleaned_data["area_type"] if form.is_valid() else ""
    rows = _province_rows(province, chosen, area_type)
    if fmt := exports.requested(request):
        columns = [("rank", _("Rank")), ("code", _("Commune code")), ("commune", _("Commune")),
                   ("area_type", _("Area type")), ("total", _("Total (of 100)")), ("band", _("Rating")),
                   ("change", _("Change from the month before")),
                   *[(g, f"{g} · {_group_name(g)} ({points})") for g, points in rules.GROUPS.items()]]
        return exports.respond(fmt, filename=f"xaso-index766-{province.pk}-{chosen.key}", columns=columns, rows=[
            {"rank": r["rank"], "code": r["commune"].pk, "commune": r["commune"].name,
             "area_type": r["commune"].get_area_type_display(), "total": plain_number(r["total"]), "band": r["band"],
             "change": plain_number(r["change"]),
             **{g: plain_number(v) for g, v in zip(rules.GROUPS, r["groups"], strict=True)}}
            for r in rows])
    chart = charts.bar_chart([r["commune"].name for r in rows], [(_("Total"), [r["total"] for r in rows])],
                             title=_("Decision 766 index by commune, %(month)s") % {"month": chosen.label},
                             unit=_("points"), maximum=100, table=False)
    return render(request, "measurement/index_province.html", {
        "province": province, "ranking": rows, "chosen": chosen, "fault": fault, "form": form, "chart": chart,
        "group_heads": [(g, _group_name(g), points) for g, points in rules.GROUPS.items()],
        "choices": _month_choices(today, chosen)}, status=400 if fault else 200)


# --- Manual entry ---------------------------------------------------------------------------------


class EntryForm(forms.Form):
    measure_key = forms.ChoiceField(label=gettext_lazy("Figure"))
    period_key = forms.CharField(label=gettext_lazy("Month"), max_length=8,
                                 help_text=gettext_lazy("As 2026M07 for July 2026."))
    numerator = forms.IntegerField(label=gettext_lazy("Number that succeeded"))
    denominator = forms.IntegerField(label=gettext_lazy("Number counted"))
    note = forms.CharField(label=gettext_lazy("Note (where the figure comes from)"), required=False,
                           max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure_key"].choices = [(m.key, m.label) for m in entries.external_measures()]


def _entry_rows(commune, window):
    keys = [m.key for m in entries.external_measures()]
    figures = Figure.objects.filter(commune=commune, measure__in=keys, period__in=[p.key for p in window]) \
        .select_related("entered_by").order_by("-period", "measure")
    labels = {m.key: m.label for m in entries.external_measures()}
    return [{"figure": f, "period": f.period, "measure": f.measure, "label": labels[f.measure],
             "numerator": plain_number(f.numerator), "denominator": plain_number(f.denominator),
             "share": _share(f.numerator, f.denominator), "origin": f.get_origin_display(),
             "origin_code": f.origin, "who": str(f.entered_by or ""),
             "when": f.computed_at, "note": f.note} for f in figures]


@officials_only
@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def commune_entries(request, commune_code):
    commune = commune_for(user=request.user, commune_code=commune_code, verb=entries.ENTER)
    today = calendar.today()
    initial = {"measure_key": request.GET.get("measure", ""),
               "period_key": request.GET.get("period") or _last_complete(today).key}
    form = EntryForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.is_valid()
            form.add_error(None, _("Too many tries; please wait a while and try again."))
        elif form.is_valid():
            try:
                figure = entries.figure_enter(actor=request.user, commune=commune, today=today,
                                              **form.cleaned_data)
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("Saved. The index of %(month)s was recomputed with it.")
                                 % {"month": months.periods.parse("monthly", figure.period).label})
                return redirect(reverse("measurement:commune_index_month", args=[commune.pk, figure.period]))
    rows = _entry_rows(commune, months.recent(today, WINDOW))
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-index766-entries-{commune.pk}", columns=[
            ("period", _("Month")), ("measure", _("Measure")), ("label", _("Figure")), ("numerator", _("Succeeded")),
            ("denominator", _("Counted")), ("share", _("Share (%)")), ("origin", _("Origin")),
            ("who", _("Entered by")), ("when", _("When")), ("note", _("Note"))], rows=rows)
    return render(request, "measurement/entry_list.html", {
        "commune": commune, "form": form, "figures": rows, "measures": entries.external_measures()},
        status=400 if form.errors else 200)
