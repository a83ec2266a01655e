# SPDX-License-Identifier: AGPL-3.0-or-later
"""Snapshots, made and kept up to date: the figures of each commune and month, the indicator values and
the 766 scores the rules in force make of them.

``rebuild`` computes a range of months for every commune with one grouped query per kind of record (the
pre-aggregated tables of DHIS2's analytics). ``refresh`` is the background run: it reads which records
changed since its watermark (steps of dossiers and returns, ratings, papers, reports, petitions, survey
responses), recomputes only the commune-months they belong to, and the current month of every commune
(overdue work grows with the calendar, not with a change). Both write with one upsert per table, so a run
cut short or repeated leaves correct snapshots: it is safe to run twice, and the next run finishes the job.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone

from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import Commune
from xaso.core.tenancy import unscoped

from . import measures, months, rules
from .models import Figure, IndicatorValue, Origin, Score, Watermark

# A change committed a little after the watermark was read may carry an earlier time: read back this far.
OVERLAP = datetime.timedelta(minutes=10)
WATERMARK = "refresh"
FIRST_REBUILD_MONTHS = 13  # when there is no watermark yet: this month and the twelve before it
TWO = Decimal("0.01")


def _communes() -> list[str]:
    """The communes that work in xaso: those with an official's account. The other communes of the country
    have no records here, and thousands of rows of zeros would say nothing."""
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.filter(commune__isnull=False, is_active=True)
    return list(Commune.objects.filter(pk__in=accounts.values("commune")).values_list("code", flat=True))


def rebuild(*, first: months.Period, last: months.Period, communes=None, today=None, now=None) -> int:
    """Recompute every snapshot of the months ``first``..``last`` (of ``communes``, or all). Returns how
    many commune-months were written."""
    today, now = today or local_today(), now or timezone.now()
    with unscoped():
        communes = list(communes) if communes is not None else _communes()
        span = months.between(first, last)
        counts = measures.counted(measures.MEASURES, first=first, last=last, communes=communes)
        return _write(communes, span, counts, today=today, now=now)


def recompute(pairs, *, today=None, now=None) -> int:
    """Recompute the given ``(commune_id, period_key)`` pairs, grouped by month."""
    today, now = today or local_today(), now or timezone.now()
    by_month = defaultdict(set)
    for commune_id, key in pairs:
        by_month[key].add(commune_id)
    written = 0
    with unscoped():
        for key in sorted(by_month):
            month = months.periods.parse("monthly", key)
            if month.start > today:
                continue
            counts = measures.counted(measures.MEASURES, first=month, last=month, communes=by_month[key])
            written += _write(sorted(by_month[key]), [month], counts, today=today, now=now)
    return written


def _write(communes, span, counts, *, today, now) -> int:
    current = months.containing(today).key
    computed = [m for m in measures.MEASURES.values() if m.kind in (measures.SHARE, measures.COUNT)]
    states = [m.key for m in measures.MEASURES.values() if m.kind == measures.STATE]
    figures = []
    for month in span:
        for c in communes:
            for m in computed:
                num, den = counts.get((c, month.key, m.key), (0, 0 if m.kind == measures.SHARE else None))
                figures.append(Figure(commune_id=c, period=month.key, measure=m.key, numerator=num,
                                      denominator=den, origin=Origin.COMPUTED, computed_at=now))
    for month in span:
        # This month: every state as of today; an earlier month: the states that can be taken as of its end.
        now_or_end = [k for k in states if month.key == current or measures.MEASURES[k].past]
        day = today if month.key == current else month.end
        for (c, key), (num, den) in measures.state_as_of(now_or_end, communes=communes, day=day).items():
            figures.append(Figure(commune_id=c, period=month.key, measure=key, numerator=num, denominator=den,
                                  origin=Origin.COMPUTED, computed_at=now))
    with transaction.atomic():
        Figure.objects.bulk_create(figures, batch_size=2000, update_conflicts=True,
                                   unique_fields=["commune", "period", "measure"],
                                   update_fields=["numerator", "denominator", "computed_at"])
        _derive(communes, span, now=now)
    return len(communes) * len(span)


def _derive(communes, span, *, now) -> None:
    """Indicator values and scores from the figures of these commune-months, by the rules of each month."""
    keys = [m.key for m in span]
    table = {(f.commune_id, f.period, f.measure): f for f in Figure.objects.filter(
        commune_id__in=communes, period__in=keys)}
    values, scores = [], []
    for month in span:
        indicators = rules.indicators_for(month.start)
        data = _data_values([i.source for i in indicators], communes, month)
        ruleset = rules.ruleset_for(month.start)
        criteria = list(ruleset.criteria.all()) if ruleset else []
        for c in communes:
            for ind in indicators:
                value, origin = indicator_value(ind, table.get((c, month.key, ind.source)), data.get((c, ind.source)))
                values.append(IndicatorValue(commune_id=c, period=month.key, indicator=ind, value=value,
                                             target=ind.target, met=met(ind, value), origin=origin, computed_at=now))
            if ruleset is not None:
                scores.append(score(ruleset, criteria, c, month.key, table, now=now))
    IndicatorValue.objects.bulk_create(values, batch_size=2000, update_conflicts=True,
                                       unique_fields=["commune", "period", "indicator"],
                                       update_fields=["value", "target", "met", "origin", "computed_at"])
    Score.objects.bulk_create(scores, batch_size=2000, update_conflicts=True, unique_fields=["commune", "period"],
                              update_fields=["ruleset", "total", "band", "groups", "detail", "computed_at"])


def _data_values(sources, communes, month) -> dict:
    """``{(commune_id, "data:DS/EL"): number}``: approved totals of the returns whose period holds the month."""
    wanted = [s for s in sources if s.startswith("data:")]
    if not wanted:
        return {}
    from xaso.modules.datasets.models import Status, Value

    out = {}
    for source in wanted:
        dataset, _slash, element = source[5:].partition("/")
        rows = Value.objects.filter(
            ret__dataset__code=dataset, element__code=element, slot="", ret__status=Status.APPROVED,
            ret__commune_id__in=communes, ret__period_start__lte=month.start, ret__period_end__gte=month.start,
        ).values_list("ret__commune_id", "number")
        out.update({(c, source): n for c, n in rows if n is not None})
    return out


def indicator_value(indicator, figure, data_value):
    if indicator.source.startswith("data:"):
        return data_value, Origin.INTEGRATION if data_value is not None else Origin.COMPUTED
    if figure is None:
        return None, Origin.COMPUTED
    if figure.denominator is None:
        return figure.numerator, figure.origin
    share = figure.share
    return (share.quantize(TWO, ROUND_HALF_UP) if share is not None else None), figure.origin


def met(indicator, value) -> bool | None:
    if indicator.target is None or value is None:
        return None
    return value >= indicator.target if indicator.direction == "up" else value <= indicator.target


# What a criterion's line says about its figure.
COUNTED, NOTHING, MISSING = "counted", "nothing", "missing"


def score(ruleset, criteria, commune_id, period, table, *, now) -> Score:
    """Points = the criterion's points × the share its measure reports. A criterion with nothing to count
    this month (no dossiers of that kind) loses nothing; a figure xaso cannot compute and nobody entered
    earns nothing until it is entered (the page says which)."""
    detail, groups = [], {g: {"points": Decimal(0), "max": Decimal(0)} for g in rules.GROUPS}
    for cr in criteria:
        figure = table.get((commune_id, period, cr.measure))
        if figure is None:
            state, earned, num, den, origin = MISSING, Decimal(0), None, None, ""
        elif not figure.denominator:
            state, earned, num, den, origin = NOTHING, cr.points, figure.numerator, figure.denominator, figure.origin
        else:
            state, num, den, origin = COUNTED, figure.numerator, figure.denominator, figure.origin
            earned = (cr.points * min(num / den, Decimal(1))).quantize(TWO, ROUND_HALF_UP)
        groups[cr.group]["points"] += earned
        groups[cr.group]["max"] += cr.points
        detail.append({"code": cr.code, "group": cr.group, "measure": cr.measure, "state": state, "origin": origin,
                       "numerator": _num(num), "denominator": _num(den), "points": float(earned),
                       "max": float(cr.points)})
    total = sum((g["points"] for g in groups.values()), Decimal(0))
    return Score(commune_id=commune_id, period=period, ruleset=ruleset, total=total, band=band(ruleset, total),
                 groups={k: {"points": float(v["points"]), "max": float(v["max"])} for k, v in groups.items()},
                 detail=detail, computed_at=now)


def _num(value):
    return None if value is None else float(value)


def band(ruleset, total) -> str:
    for b in sorted(ruleset.bands, key=lambda b: -b["min"]):
        if total >= Decimal(str(b["min"])):
            return b["label_vi"]
    return ""


def touched(since: datetime.datetime, until: datetime.datetime) -> set[tuple[str, str]]:
    """The commune-months whose records changed in ``(since, until]``."""
    from xaso.modules.datasets.models import ReturnStep
    from xaso.modules.dossiers.models import Dossier, DossierComponent, DossierStep, Paper, Rating
    from xaso.modules.petitions.models import Petition
    from xaso.modules.reports.models import Report

    window = {"gt": since, "lte": until}

    def when(name):
        return {f"{name}__{op}": t for op, t in window.items()}

    dossier_ids = set(DossierStep.objects.filter(**when("at")).values_list("dossier_id", flat=True))
    dossier_ids |= set(Rating.objects.filter(**when("at")).values_list("dossier_id", flat=True))
    dossier_ids |= set(DossierComponent.objects.filter(**when("added_at")).values_list("dossier_id", flat=True))
    dossier_ids |= set(Paper.objects.filter(source__isnull=False, **when("created_at"))
                       .values_list("source_id", flat=True))
    pairs = set()
    for c, *days in Dossier.objects.filter(pk__in=dossier_ids).values_list("commune_id", "received_at",
                                                                                  "resolved_on"):
        pairs.update((c, _key(d)) for d in days if d)
    for c, *days in Report.objects.filter(**when("updated_at")).values_list("commune_id", "created_at",
                                                                                   "resolved_at"):
        pairs.update((c, _key(d)) for d in days if d)
    for c, *days in Petition.objects.filter(**when("updated_at")).values_list("commune_id", "received_at",
                                                                                     "answered_at"):
        pairs.update((c, _key(d)) for d in days if d)
    for c, start, end in ReturnStep.objects.filter(**when("at")).values_list(
            "ret__commune_id", "ret__period_start", "ret__period_end"):
        pairs.update((c, m.key) for m in months.between(months.containing(start), months.containing(end)))
    from xaso.modules.surveys.models import Response

    for c, at in Response.objects.filter(**when("submitted_at")).values_list("survey__commune_id",
                                                                                   "submitted_at"):
        pairs.add((c, _key(at)))
    return pairs


def _key(value) -> str:
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return months.key_of(value)


def refresh(*, today=None, now=None) -> int:
    """The background run: what changed since the last run, and this month everywhere. Returns how many
    commune-months were written."""
    today, now = today or local_today(), now or timezone.now()
    with unscoped():
        mark = Watermark.objects.filter(name=WATERMARK).first()
        if mark is None:
            current = months.containing(today)
            first = months.recent(today, FIRST_REBUILD_MONTHS)[0]
            written = rebuild(first=first, last=current, today=today, now=now)
        else:
            pairs = touched(mark.at - OVERLAP, now)
            pairs |= {(c, months.containing(today).key) for c in _communes()}
            written = recompute(pairs, today=today, now=now)
        Watermark.objects.update_or_create(name=WATERMARK, defaults={"at": now})
    return written
