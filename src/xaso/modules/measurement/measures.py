# SPDX-License-Identifier: AGPL-3.0-or-later
"""What xaso counts, each measure once: the indicators, the 766 index and the progress evidence all read
these, and the drill-down lists exactly the records a share left out.

A *share* measure is two conditions over one kind of record, assigned to a month by one of its dates: the
records that count (``population``, the denominator) and those among them that succeed (``success``, the
numerator). The records of the population that do not succeed are the ones that "cost points", and
:func:`lost` lists them with the same conditions, so the list and the counts cannot disagree. A *count*
measure counts its population. An *external* measure is one xaso holds no records for (online payments,
synchronisation with the national portal): its figures are entered by hand or received from an
integration, and marked as such. A *state* measure is a fact about today (the procedures a commune has
published), so only the current month's figure is computed and earlier months keep their snapshots.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import CharField, Count, Exists, F, Func, OuterRef, Q, Value
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import months

SHARE, COUNT, EXTERNAL, STATE = "share", "count", "external", "state"


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    kind: str
    unit: str = "%"
    model: str = ""  # "app_label.Model"
    date_field: str = ""  # the date that puts a record in a month
    commune_field: str = "commune_id"
    population: Q = field(default_factory=Q)
    success: Q | None = None
    # The record's page for the drill-down: (url name, attribute names of its arguments).
    link: tuple[str, tuple[str, ...]] | None = None
    # What the figure means when it is not computed, shown beside a manual entry.
    explain: str = ""
    # A state measure that can also be taken as of a past month's last day (the procedures in force then),
    # so that a rebuild of earlier months has it; work overdue on a past day cannot be read off today's rows.
    past: bool = False

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def annotations(self):
        """Extra columns a condition reads (Exists subqueries), added before counting."""
        return _ANNOTATIONS.get(self.key, {})


def _result_paper():
    from xaso.modules.dossiers.models import Paper

    return Exists(Paper.objects.filter(source=OuterRef("pk"), kind=Paper.Kind.RESULT))


def _component_missing_paper():
    from xaso.modules.dossiers.models import DossierComponent

    return Exists(DossierComponent.objects.filter(dossier=OuterRef("pk"), paper__isnull=True))


def _has_component():
    from xaso.modules.dossiers.models import DossierComponent

    return Exists(DossierComponent.objects.filter(dossier=OuterRef("pk")))


_ANNOTATIONS = {
    "dossiers.results_digitised": {"has_result_paper": _result_paper},
    "dossiers.digitised": {"has_component": _has_component, "missing_paper": _component_missing_paper},
}

_RESOLVED = ("result_ready", "returned", "closed")
_UNACCEPTED = ("received", "incomplete", "refused", "withdrawn")
_DOSSIER_LINK = ("dossiers:detail", ("commune_id", "code"))
_REPORT_LINK = ("reports:case", ("commune_id", "code"))

MEASURES: dict[str, Measure] = {m.key: m for m in (
    Measure("dossiers.received", _("Dossiers received"), COUNT, unit=_("dossiers"), model="dossiers.Dossier",
            date_field="received_at", link=_DOSSIER_LINK),
    Measure("dossiers.online", _("Dossiers filed online, of procedures offered fully online"), SHARE,
            model="dossiers.Dossier", date_field="received_at",
            population=Q(procedure__online_level="full"), success=Q(channel="2"), link=_DOSSIER_LINK),
    Measure("dossiers.on_time", _("Dossiers resolved on time or early"), SHARE, model="dossiers.Dossier",
            date_field="resolved_on", population=Q(status__in=_RESOLVED, resolved_on__isnull=False),
            success=Q(due_date__isnull=True) | Q(resolved_on__lte=F("due_date")), link=_DOSSIER_LINK),
    Measure("dossiers.digitised", _("Accepted dossiers whose every component is digitised"), SHARE,
            model="dossiers.Dossier", date_field="received_at", population=~Q(status__in=_UNACCEPTED),
            success=Q(has_component=True, missing_paper=False), link=_DOSSIER_LINK),
    Measure("dossiers.results_digitised", _("Resolved dossiers whose result is digitised"), SHARE,
            model="dossiers.Dossier", date_field="resolved_on",
            population=Q(status__in=_RESOLVED, resolved_on__isnull=False), success=Q(has_result_paper=True),
            link=_DOSSIER_LINK),
    # Decision 766 (lamdong.dcs.vn): (dossiers − dossiers rated dissatisfied) / dossiers within competence.
    Measure("dossiers.satisfied", _("Resolved dossiers not rated dissatisfied"), SHARE, model="dossiers.Dossier",
            date_field="resolved_on", population=Q(status__in=_RESOLVED, resolved_on__isnull=False),
            success=Q(rating__isnull=True) | Q(rating__score__gte=3), link=_DOSSIER_LINK),
    Measure("dossiers.overdue", _("Running dossiers past their appointment date"), STATE, unit=_("dossiers"),
            model="dossiers.Dossier", link=_DOSSIER_LINK),
    Measure("reports.overdue", _("Open field reports past their date"), STATE, unit=_("reports"),
            model="reports.Report", link=_REPORT_LINK),
    Measure("petitions.overdue", _("Petitions past their date"), STATE, unit=_("petitions"),
            model="petitions.Petition", link=("petitions:case", ("commune_id", "code"))),
    Measure("reports.received", _("Field reports received"), COUNT, unit=_("reports"), model="reports.Report",
            date_field="created_at", population=~Q(status="duplicate"), link=_REPORT_LINK),
    Measure("reports.on_time", _("Field reports resolved by their date"), SHARE, model="reports.Report",
            date_field="resolved_at", population=Q(resolved_at__isnull=False) & ~Q(status="duplicate"),
            success=Q(due_date__isnull=True) | Q(resolved_at__date__lte=F("due_date")),
            link=_REPORT_LINK),
    Measure("reports.satisfied", _("Resolved field reports not rated dissatisfied"), SHARE, model="reports.Report",
            date_field="resolved_at", population=Q(resolved_at__isnull=False) & ~Q(status="duplicate"),
            success=Q(rating__isnull=True) | Q(rating__gte=3), link=_REPORT_LINK),
    Measure("petitions.on_time", _("Petitions answered on time"), SHARE, model="petitions.Petition",
            date_field="answered_at", population=Q(answered_at__isnull=False),
            success=Q(answered_at__date__lte=F("due_date")), link=("petitions:case", ("commune_id", "code"))),
    # A 1–5 question of a satisfaction survey (ĐLHQ9) counts 4 and 5 as satisfied.
    Measure("surveys.satisfied", _("Survey answers satisfied (4 or 5 of 5)"), SHARE, model="surveys.Answer",
            date_field="response__submitted_at", commune_field="response__survey__commune",
            population=Q(question__measures_satisfaction=True, number__isnull=False), success=Q(number__gte=4)),
    Measure("procedures.published", _("Procedures the commune offers, published in full"), STATE, past=True,
            explain=_("A procedure is published in full when its components and its page on the national "
                      "portal are given.")),
    Measure("portal.synced", _("Dossiers synchronised with the national public service portal"), EXTERNAL,
            explain=_("The national portal's own count; xaso cannot see what the portal kept.")),
    Measure("procedures.updated_on_time", _("Procedures updated and published on time"), EXTERNAL,
            explain=_("As the province's procedure database reports it.")),
    Measure("payments.online", _("Dossiers with fees paid online"), EXTERNAL,
            explain=_("Payments go through PayGov or the national portal's payment platform, not through xaso.")),
)}


def get(key: str) -> Measure | None:
    return MEASURES.get(key)


def _aware(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _is_date_field(measure: Measure) -> bool:
    from django.db.models import DateTimeField

    model, *path, last = [measure.model_class, *measure.date_field.split("__")]
    for name in path:
        model = model._meta.get_field(name).related_model
    return not isinstance(model._meta.get_field(last), DateTimeField)


def _window(measure: Measure, first: datetime.date, after: datetime.date) -> Q:
    if _is_date_field(measure):
        return Q(**{f"{measure.date_field}__gte": first, f"{measure.date_field}__lt": after})
    return Q(**{f"{measure.date_field}__gte": _aware(first), f"{measure.date_field}__lt": _aware(after)})


def _month_of(measure: Measure, first: datetime.date, after: datetime.date):
    """The expression that puts a record in its local month. Django's ``TruncMonth`` is native on
    PostgreSQL; on SQLite it calls a Python function for every row, which made the counting three times
    slower than the same query with SQLite's own ``date(…, 'start of month')``. That form needs the offset
    of local time, so it is used when the time zone has one offset over the whole window (Vietnam keeps
    +07:00 all year); otherwise ``TruncMonth`` is."""
    if connection.vendor != "sqlite":
        return TruncMonth(measure.date_field)
    if _is_date_field(measure):
        return Func(F(measure.date_field), Value("start of month"), function="date", output_field=CharField())
    offsets = {timezone.get_current_timezone().utcoffset(datetime.datetime.combine(day, datetime.time.min))
               for day in (first, after)}
    if len(offsets) != 1:
        return TruncMonth(measure.date_field)
    minutes = int(offsets.pop().total_seconds() // 60)
    return Func(F(measure.date_field), Value(f"{minutes:+d} minutes"), Value("start of month"), function="date",
                output_field=CharField())


def _period_key(month) -> str:
    """"2026M07" from the month's first day, a date (``TruncMonth``) or its ISO text (SQLite's ``date``)."""
    if isinstance(month, str):
        return f"{month[:4]}M{month[5:7]}"
    return months.key_of(month)


def counted(keys, *, first: months.Period, last: months.Period, communes=None) -> dict:
    """``{(commune_id, period_key, measure_key): (numerator, denominator)}`` for the share and count
    measures among ``keys``, one grouped query per kind of record and date; pairs with no records are
    absent (the caller reads them as zero)."""
    wanted = [MEASURES[k] for k in keys if MEASURES[k].kind in (SHARE, COUNT)]
    by_source = defaultdict(list)
    for m in wanted:
        by_source[(m.model, m.date_field, m.commune_field)].append(m)
    after = last.end + datetime.timedelta(days=1)
    out = {}
    for (model, _date_field, commune_field), group in by_source.items():
        qs = apps.get_model(model).objects.filter(_window(group[0], first.start, after))
        if communes is not None:
            qs = qs.filter(**{f"{commune_field}__in": list(communes)})
        for m in group:
            qs = qs.annotate(**{name: make() for name, make in m.annotations().items()})
        aggregates = {}
        for i, m in enumerate(group):
            aggregates[f"d{i}"] = Count("pk", filter=m.population)
            if m.kind == SHARE:
                aggregates[f"n{i}"] = Count("pk", filter=m.population & m.success)
        rows = (qs.annotate(month=_month_of(group[0], first.start, after)).order_by()
                .values(commune_field, "month").annotate(**aggregates))
        for row in rows:
            period = _period_key(row["month"])
            for i, m in enumerate(group):
                if m.kind == SHARE:
                    out[(row[commune_field], period, m.key)] = (row[f"n{i}"], row[f"d{i}"])
                else:
                    out[(row[commune_field], period, m.key)] = (row[f"d{i}"], None)
    return out


def state_as_of(keys, *, communes, day: datetime.date) -> dict:
    """``{(commune_id, measure_key): (numerator, denominator)}`` for the state measures as of ``day`` (today
    for the current month; a past month's last day for the measures that allow it)."""
    communes = list(communes)
    out = {}
    for key in (k for k in keys if k in _OVERDUE):
        rows = (overdue(key, day).filter(commune_id__in=communes).order_by().values("commune_id")
                .annotate(n=Count("pk")))
        found = {r["commune_id"]: r["n"] for r in rows}
        out.update({(c, key): (found.get(c, 0), None) for c in communes})
    if "procedures.published" in keys:
        offered = _offered_procedures(communes, day)
        for c in communes:
            mine = offered.get(c, [])
            out[(c, "procedures.published")] = (sum(1 for p in mine if _published(p)), len(mine))
    return out


def _overdue_dossiers(today):
    from xaso.modules.dossiers.models import Dossier

    return Dossier.objects.overdue(today)


def _overdue_reports(today):
    from xaso.modules.reports.models import OPEN, Report

    return Report.objects.filter(status__in=OPEN, due_date__lt=today)


def _overdue_petitions(today):
    from xaso.modules.petitions.models import Petition

    return Petition.objects.overdue(today)


_OVERDUE = {"dossiers.overdue": _overdue_dossiers, "reports.overdue": _overdue_reports,
            "petitions.overdue": _overdue_petitions}


def overdue(key: str, today: datetime.date):
    """The records of an overdue measure that are past their date today (every commune in scope)."""
    return _OVERDUE[key](today)


def _offered_procedures(communes, day: datetime.date) -> dict[str, list]:
    """``{commune: [procedure versions]}``: the versions in force on ``day`` of the procedures each commune
    offers (its enablements as they stand: xaso keeps no history of them). Three queries for any number of
    communes."""
    from xaso.modules.procedures.models import Enablement, Procedure

    codes = defaultdict(list)
    for commune_id, code in Enablement.objects.filter(commune_id__in=list(communes)).values_list("commune_id",
                                                                                                "code"):
        codes[commune_id].append(code)
    wanted = {code for listed in codes.values() for code in listed}
    versions = {p.code: p for p in Procedure.objects.in_force(day).filter(code__in=wanted)
                .prefetch_related("components").order_by("code")}
    return {c: [versions[code] for code in sorted(listed) if code in versions] for c, listed in codes.items()}


def _published(procedure) -> bool:
    return bool(procedure.national_portal_url) and bool(procedure.components.all())


def lost(measure: Measure, *, commune_id: str, period: months.Period, today: datetime.date):
    """The records of a commune's month that the measure counted and that did not succeed (the dossiers
    that cost points). For a state measure, today's records (the procedures: those in force at the month's
    end); an external measure has none in xaso."""
    if measure.kind == STATE:
        if measure.key == "procedures.published":
            offered = _offered_procedures([commune_id], min(period.end, today)).get(commune_id, [])
            return [p for p in offered if not _published(p)]
        return overdue(measure.key, today).filter(commune_id=commune_id)
    if measure.kind == EXTERNAL:
        return []
    qs = measure.model_class.objects.filter(_window(measure, period.start, period.end
                                                          + datetime.timedelta(days=1)))
    qs = qs.filter(**{measure.commune_field: commune_id})
    qs = qs.annotate(**{name: make() for name, make in measure.annotations().items()})
    if measure.kind == COUNT:
        return qs.filter(measure.population)
    return qs.filter(measure.population).exclude(measure.success)


def record_url(measure: Measure, record) -> str | None:
    if measure.link is None:
        return None
    name, attrs = measure.link
    return reverse(name, args=[getattr(record, a) for a in attrs])
