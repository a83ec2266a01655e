# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dashboards (ĐLHQ8): a commune's month for its officials, the province's communes side by side for
the province, and a commune's progress by layer of the model.

Every page reads snapshots (``selectors``) and shows each chart also as a table. Every table downloads as
CSV, XLSX or JSON the one way: ``?export=<format>&table=<name>`` (the names are the keys of each page's
``TABLES``; an unknown name is 404). ``?period=2026M07`` chooses the month (this month by default); a
malformed or future month is refused with its reason, and the page shows this month (status 400).

Who: ``measurement.dashboard.view`` for a commune's pages (its officials, and the province's officials
of its province); ``measurement.province.view`` for the province's. Outsiders get 404, citizens 403,
visitors who have not signed in are sent to sign in.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from functools import cached_property

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from xaso.core import exports
from xaso.core.catalogue.views import officials_only
from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import AreaType
from xaso.core.ui import charts
from xaso.core.ui.forms import LongSelect

from . import months, progress, rules, selectors

LISTED = 10  # overdue records listed per kind on the commune's page; the export has them all


def _num(value):
    """A figure as an export carries it: numbers stay numbers, whole ones as integers."""
    if value is None:
        return None
    return int(value) if value == int(value) else float(value)


def _table_name(request, tables) -> str:
    name = request.GET.get("table") or next(iter(tables))
    if name not in tables:
        raise Http404
    return name


def _respond(request, fmt, tables, filename: str):
    name = _table_name(request, tables)
    columns, rows = tables[name]()
    return exports.respond(fmt, filename=f"{filename}-{name}", columns=columns, rows=rows)


class PeriodForm(forms.Form):
    period = forms.CharField(label=gettext_lazy("Month"), required=False, max_length=8,
                             widget=forms.TextInput(attrs={"placeholder": "2026M07", "size": 8}))

    def __init__(self, data, *, today: datetime.date, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today

    def clean_period(self):
        key = self.cleaned_data.get("period")
        if not key:
            return months.containing(self.today)
        try:
            return months.parse(key, self.today)
        except ValidationError as error:
            raise ValidationError(error.messages) from None

    @property
    def chosen(self) -> months.Period:
        """The month shown: the one asked for, or this month when it was refused."""
        if self.is_valid() or "period" not in self.errors:
            return self.cleaned_data["period"]
        return months.containing(self.today)


# --- One commune ----------------------------------------------------------------------------------


class CommuneBoard:
    """What the commune's page and its exports read; each part read once, when first asked for."""

    def __init__(self, commune, period: months.Period, today: datetime.date):
        self.commune, self.period, self.today = commune, period, today

    @cached_property
    def indicators(self):
        return selectors.indicator_lines(self.commune, self.period)

    @cached_property
    def score(self):
        return selectors.score_of(self.commune, self.period)

    @cached_property
    def trend(self):
        return selectors.trend(self.commune, self.period)

    @cached_property
    def overdue(self):
        return selectors.overdue_work(self.commune, self.today)

    @cached_property
    def reports(self):
        return selectors.field_reports(self.commune, self.period)

    @cached_property
    def returns(self):
        lines = selectors.returns_due(self.commune.province, self.period, self.today)
        return lines.get(self.commune.code, selectors.ReturnsLine())

    @cached_property
    def satisfaction(self):
        return selectors.satisfaction(self.commune, self.period)

    @cached_property
    def progress(self):
        return progress.commune_progress(self.commune, self.period)

    @cached_property
    def groups(self) -> list[dict]:
        if self.score is None:
            return []
        return [{"code": code, "name": _group_name(code), "points": _num(g["points"]), "max": _num(g["max"])}
                for code, g in self.score.groups.items()]

    # Each table: (columns, rows), the rows the page shows.

    def indicators_table(self):
        columns = [("code", _("Code")), ("name", _("Indicator")), ("value", _("Value")), ("unit", _("Unit")),
                   ("target", _("Target")), ("met", _("Target met")), ("origin", _("Origin"))]
        rows = [{"code": i.code, "name": i.name, "value": _num(i.value), "unit": i.unit, "target": _num(i.target),
                 "met": i.met, "origin": str(i.origin_label)} for i in self.indicators]
        return columns, rows

    def trend_table(self):
        codes = [i.code for i in self.indicators]
        columns = [("period", _("Month")), ("score", _("Decision 766 index")), *[(c, c) for c in codes]]
        rows = [{"period": p.key, "score": _num(self.trend.totals[n]),
                 **{c: _num(self.trend.values.get(c, [None] * len(self.trend.periods))[n]) for c in codes}}
                for n, p in enumerate(self.trend.periods)]
        return columns, rows

    def groups_table(self):
        columns = [("code", _("Group")), ("name", _("Name")), ("points", _("Points")), ("max", _("Maximum"))]
        return columns, self.groups

    def overdue_table(self):
        columns = [("kind", _("Kind")), ("code", _("Code")), ("due_date", _("Due")), ("status", _("Status"))]
        rows = [{"kind": str(label), "code": r.code, "due_date": r.due_date, "status": r.get_status_display()}
                for label, records in self.overdue_kinds() for r in records]
        return columns, rows

    def overdue_kinds(self):
        return [(_("Dossier"), self.overdue.dossiers), (_("Field report"), self.overdue.reports),
                (_("Petition"), self.overdue.petitions)]

    def overdue_lists(self) -> list[dict]:
        """Each kind's first records with their pages; the rest are counted (all of them in the export)."""
        pages = ("dossiers:detail", "reports:case", "petitions:case")
        return [{"label": label, "more": max(0, len(records) - LISTED),
                 "shown": [(r, reverse(page, args=[self.commune.code, r.code])) for r in records[:LISTED]]}
                for (label, records), page in zip(self.overdue_kinds(), pages, strict=True) if records]

    def reports_table(self):
        columns = [("by", _("Counted by")), ("label", _("Label")), ("count", _("Reports"))]
        rows = [{"by": _("Status"), "label": label, "count": n} for label, n in self.reports.by_status]
        rows += [{"by": _("Category"), "label": label, "count": n} for label, n in self.reports.by_category]
        return columns, rows

    def returns_table(self):
        columns = [("dataset", _("Dataset")), ("title", _("Title")), ("period", _("Period")), ("due", _("Due")),
                   ("state", _("State"))]
        rows = [{"dataset": d.code, "title": d.title, "period": cell.period.label, "due": cell.due,
                 "state": str(cell.label)} for d, cell in self.returns.cells]
        return columns, rows

    def satisfaction_table(self):
        columns = [("source", _("Source")), ("answers", _("Answers")), ("satisfied", _("Satisfied (4–5)")),
                   ("percent", _("Satisfied (%)")), ("mean", _("Mean (1–5)"))]
        sources = [*self.satisfaction.sources, self.satisfaction.total]
        rows = [{"source": s.label, "answers": s.total, "satisfied": s.satisfied, "percent": s.satisfied_percent,
                 "mean": s.mean} for s in sources]
        return columns, rows

    def progress_table(self):
        return progress_layers_table(self.progress)

    def tables(self):
        return {"indicators": self.indicators_table, "trend": self.trend_table, "groups": self.groups_table,
                "overdue": self.overdue_table, "reports": self.reports_table, "returns": self.returns_table,
                "satisfaction": self.satisfaction_table, "progress": self.progress_table}

    def charts(self) -> dict[str, str]:
        labels = [p.label for p in self.trend.periods]
        shares = [i for i in self.indicators if i.unit == "%"]
        counts = [i for i in self.indicators if i.unit != "%"]

        def series(lines):
            return [(f"{i.code} {i.name}", self.trend.values.get(i.code, [None] * len(labels))) for i in lines]

        return {
            "score": charts.line_chart(labels, [(_("Decision 766 index"), self.trend.totals)],
                                       title=_("Decision 766 index over 12 months"), unit=_("points"), maximum=100),
            "shares": charts.line_chart(labels, series(shares), title=_("Indicators in percent over 12 months"),
                                        unit="%", maximum=100),
            "counts": charts.line_chart(labels, series(counts), title=_("Counted indicators over 12 months")),
            "groups": charts.bar_chart([f"{g['code']} {g['name']}" for g in self.groups],
                                       [(_("Points"), [g["points"] for g in self.groups]),
                                        (_("Maximum"), [g["max"] for g in self.groups])],
                                       title=_("Decision 766 index by group"), unit=_("points")),
            "progress": charts.bar_chart([f"{line.layer.number}. {line.layer.name}" for line in self.progress.layers],
                                         [(_("Progress"), [line.percent for line in self.progress.layers])],
                                         title=_("Progress by layer"), unit="%", maximum=100),
        }


def _group_name(code: str) -> str:
    vi, en = rules.GROUP_NAMES.get(code, (code, code))
    return en if (get_language() or "vi").startswith("en") else vi


def progress_layers_table(plan: progress.CommuneProgress):
    columns = [("layer", _("Layer")), ("name", _("Name")), ("applicable", _("Components that apply")),
               ("credit", _("Credit")), ("percent", _("Progress (%)")),
               ("flagged", _("Declared live, not seen in use"))]
    rows = [{"layer": line.layer.key, "name": line.layer.name, "applicable": line.applicable,
             "credit": _num(line.credit), "percent": _num(line.percent), "flagged": line.flagged}
            for line in plan.layers]
    return columns, rows


def _index_url(commune, period) -> str:
    return reverse("measurement:commune_index_month", args=[commune.code, period.key])


@require_safe
@officials_only
def commune_dashboard(request, commune_code: str):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    today = local_today()
    form = PeriodForm(request.GET, today=today)
    period = form.chosen
    board = CommuneBoard(commune, period, today)
    if fmt := exports.requested(request):
        return _respond(request, fmt, board.tables(), f"xaso-dashboard-{commune.code}-{period.key}")
    return render(request, "measurement/dashboard_commune.html", {
        "commune": commune, "period": period, "form": form, "board": board, "charts": board.charts(),
        "index_url": _index_url(commune, period),
        "report_url": reverse("measurement:commune_report", args=[commune.code, period.key]),
    }, status=400 if form.errors else 200)


# --- A commune's progress -------------------------------------------------------------------------


def progress_components_table(plan: progress.CommuneProgress):
    columns = [("layer", _("Layer")), ("code", _("Code")), ("name", _("Component")), ("status", _("Status")),
               ("evidence", _("Evidence")), ("measure", _("Measure")), ("threshold", _("Threshold")),
               ("observed", _("Observed")), ("credit", _("Credit")),
               ("flagged", _("Declared live, not seen in use"))]
    rows = [{"layer": line.layer.key, "code": item.component.code, "name": item.component.name,
             "status": str(item.status_label), "evidence": str(item.evidence_label),
             "measure": item.rule.measure if item.rule else "",
             "threshold": item.rule.threshold_text if item.rule else "",
             "observed": item.observed.text if item.observed else "", "credit": _num(item.credit),
             "flagged": item.flagged} for line in plan.layers for item in line.items]
    return columns, rows


@require_safe
@officials_only
def commune_progress(request, commune_code: str):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    today = local_today()
    form = PeriodForm(request.GET, today=today)
    period = form.chosen
    plan = progress.commune_progress(commune, period)
    tables = {"components": lambda: progress_components_table(plan), "layers": lambda: progress_layers_table(plan)}
    if fmt := exports.requested(request):
        return _respond(request, fmt, tables, f"xaso-progress-{commune.code}-{period.key}")
    return render(request, "measurement/progress_commune.html", {
        "commune": commune, "period": period, "form": form, "plan": plan, "rules": progress.rules(),
        "credits": progress.CREDIT, "live_unseen": progress.LIVE_UNSEEN,
    }, status=400 if form.errors else 200)


# --- The province ---------------------------------------------------------------------------------


class ProvinceForm(PeriodForm):
    area_type = forms.ChoiceField(label=gettext_lazy("Area type"), required=False,
                                  choices=[("", gettext_lazy("All area types")), *AreaType.choices])
    commune = forms.ChoiceField(label=gettext_lazy("Commune"), required=False, widget=LongSelect)

    def __init__(self, data, *, today, communes):
        super().__init__(data, today=today)
        self.fields["commune"].choices = [("", _("All communes")), *[(c.code, c.name) for c in communes]]

    def value(self, name: str) -> str:
        """A filter as asked for, or none when it was refused (the message says why)."""
        self.is_valid()
        return "" if name in self.errors else (self.cleaned_data.get(name) or "")


class ProvinceBoard:
    def __init__(self, data: selectors.ProvinceDashboard):
        self.data = data

    def communes_table(self):
        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")), ("area_type", _("Area type")),
                   ("score", _("Decision 766 index")), ("band", _("Rating"))]
        for ind in self.data.indicators:
            columns += [(ind.code, ind.code), (f"{ind.code}_target", _("%(code)s — target") % {"code": ind.code}),
                        (f"{ind.code}_met", _("%(code)s — met") % {"code": ind.code})]
        rows = []
        for line in self.data.lines:
            row = {"commune_code": line.commune.code, "commune": line.commune.name,
                   "area_type": line.commune.get_area_type_display(), "score": _num(line.total), "band": line.band}
            for ind in self.data.indicators:
                value = line.values.get(ind.code)
                row[ind.code] = _num(value.value) if value else None
                row[f"{ind.code}_target"] = _num(value.target if value else ind.target)
                row[f"{ind.code}_met"] = value.met if value else None
            rows.append(row)
        return columns, rows

    def progress_table(self):
        layers = self.data.matrix.layers
        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")),
                   *[(layer.key, f"{layer.key} (%)") for layer in layers], ("total", _("Total (%)")),
                   ("flagged", _("Declared live, not seen in use"))]
        rows = [{"commune_code": row.commune.code, "commune": row.commune.name,
                 **{cell.layer.key: _num(cell.percent) for cell in row.cells}, "total": _num(row.total.percent),
                 "flagged": row.total.flagged} for row in self.data.matrix.rows]
        return columns, rows

    def returns_table(self):
        from xaso.modules.datasets.selectors_province import State

        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")), ("expected", _("Returns due")),
                   ("sent", _("Returns submitted")), ("completeness", _("Completeness (%)")),
                   *[(s.value, s.label) for s in State]]
        rows = [{"commune_code": line.commune.code, "commune": line.commune.name, "expected": line.returns.expected,
                 "sent": line.returns.sent, "completeness": line.returns.completeness,
                 **{s.value: line.returns.states.get(s.value, 0) for s in State}} for line in self.data.lines]
        return columns, rows

    def overdue_table(self):
        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")), ("dossiers", _("Dossiers overdue")),
                   ("reports", _("Field reports overdue")), ("petitions", _("Petitions overdue"))]
        rows = [{"commune_code": line.commune.code, "commune": line.commune.name, **line.overdue}
                for line in self.data.lines]
        return columns, rows

    def tables(self):
        return {"communes": self.communes_table, "progress": self.progress_table, "returns": self.returns_table,
                "overdue": self.overdue_table}

    def charts(self) -> dict[str, str]:
        # The numbers of both charts are in the tables right beside them (the score column, the total column).
        names = [line.commune.name for line in self.data.lines]
        return {
            "score": charts.bar_chart(names, [(_("Decision 766 index"), [line.total for line in self.data.lines])],
                                      title=_("Decision 766 index by commune"), unit=_("points"), maximum=100,
                                      table=False),
            "progress": charts.bar_chart(names, [(_("Progress"), [row.total.percent for row in self.data.matrix.rows])],
                                         title=_("Digital-transformation progress by commune"), unit="%",
                                         maximum=100, table=False),
        }

    # The bodies of the big tables, written here rather than in the template: for a province of 170
    # communes the template engine would spend most of the page's time on these cells.

    @cached_property
    def number(self):
        """``charts.number``'s format with the separators read once: thousands of cells call it."""
        point, thousands = get_format("DECIMAL_SEPARATOR"), get_format("THOUSAND_SEPARATOR")

        def shown(value) -> str:
            if value is None:
                return "—"
            value = Decimal(value)
            text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value.normalize():,f}"
            return text.replace(",", "\0").replace(".", point).replace("\0", thousands)

        return shown

    def _commune_cell(self, line, url_name: str) -> str:
        url = reverse(url_name, args=[line.commune.code])
        return format_html('<th scope="row"><a href="{}?period={}">{}</a></th>', url, self.data.period.key,
                           line.commune.name)

    def communes_html(self) -> str:
        # A cell holds a number this class formatted (digits and separators) and a fixed mark, both safe.
        marks = {True: format_html(' <span class="status status-live" title="{}">✓</span>', _("Met")),
                 False: format_html(' <span class="flag-overdue" title="{}">✗</span>', _("Not met")), None: ""}
        rows = []
        for line in self.data.lines:
            cells = "".join("<td>—</td>" if v is None else f"<td>{self.number(v.value)}{marks[v.met]}</td>"
                            for v in line.cells)
            rows.append(format_html('<tr data-commune="{}">{}<td class="score">{}</td><td>{}</td>{}</tr>',
                                    line.commune.code, self._commune_cell(line, "measurement:commune_dashboard"),
                                    self.number(line.total), line.band or "—", mark_safe(cells)))  # noqa: S308
        return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)

    def progress_html(self) -> str:
        flag = format_html(' <span class="flag-overdue" title="{}">⚑', _("Declared live, not seen in use"))
        rows = []
        for line in self.data.lines:
            row = line.progress
            cells = "".join(f"<td>{self.number(cell.percent)}%"
                            + (f"{flag}{cell.flagged}</span>" if cell.flagged else "") + "</td>" for cell in row.cells)
            rows.append(format_html('<tr data-commune="{}">{}{}<td class="total">{}%</td></tr>', line.commune.code,
                                    self._commune_cell(line, "measurement:progress"), mark_safe(cells),  # noqa: S308
                                    self.number(row.total.percent)))
        return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)

    def work_html(self) -> str:
        """Data returns and overdue work, one row per commune."""
        rows = [format_html('<tr data-commune="{}"><th scope="row">{}</th><td>{} / {}</td><td>{}</td><td>{}</td>'
                            "<td>{}</td><td>{}</td></tr>", line.commune.code, line.commune.name, line.returns.sent,
                            line.returns.expected, "—" if line.returns.completeness is None
                            else f"{line.returns.completeness}%", line.overdue["dossiers"], line.overdue["reports"],
                            line.overdue["petitions"]) for line in self.data.lines]
        return mark_safe("".join(rows))  # noqa: S308 (each row built by format_html)


@require_safe
@officials_only
def province_dashboard(request, province_code: str):
    province = selectors.province_for(user=request.user, province_code=province_code)
    today = local_today()
    form = ProvinceForm(request.GET, today=today, communes=selectors.province_communes(province))
    period = form.chosen
    data = selectors.province_dashboard(province, period, area_type=form.value("area_type"),
                                        commune=form.value("commune"), today=today)
    board = ProvinceBoard(data)
    if fmt := exports.requested(request):
        return _respond(request, fmt, board.tables(), f"xaso-province-{province.code}-{period.key}")
    return render(request, "measurement/dashboard_province.html", {
        "province": province, "period": period, "form": form, "data": data, "charts": board.charts(),
        "board": board,
        "report_url": reverse("measurement:province_report", args=[province.code, period.key]),
    }, status=400 if form.errors else 200)
