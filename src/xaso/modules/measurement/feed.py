# SPDX-License-Identifier: AGPL-3.0-or-later
"""The provincial dashboard feed (ĐLHQ8): one commune's month as JSON, read from the snapshots, pulled
through the API or pushed to the province's dashboard.

A month is pushed once it has ended (on or after the first day of the next month, after the refresh that
computed it), as revision 1. When its figures change later (a late dossier step, a figure entered by hand),
the next run pushes revision 2, and so on; an unchanged month is never resent. Each revision is a
``Publication`` row written in the same transaction as its outbox delivery, keyed ``<commune>.<period>.r<n>``:
a run cut short or repeated neither loses nor duplicates a revision, and the receiver keeps each key once.
The JSON and the contract: docs/provincial-dashboard-feed.md.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from xaso.core.clock.calendar import today as local_today
from xaso.core.integrations import province_dashboard
from xaso.core.places.models import Commune
from xaso.core.tenancy import unscoped

from . import months
from .compute import OVERLAP
from .models import Figure, IndicatorValue, Publication, Score

SCHEMA_VERSION = 1
# What the digest leaves out: when the JSON was made and which push carried it are not figures.
NOT_FIGURES = ("generated_at", "revision")


def _key(period) -> str:
    return getattr(period, "key", period)


def _number(value) -> float | None:
    return None if value is None else float(value)


def payload(commune: Commune, period, *, now: datetime.datetime | None = None) -> dict:
    """One commune's month (``period``: a Period or its key "2026M07")."""
    return payloads([commune], period, now=now)[0]


def payloads(communes, period, *, now: datetime.datetime | None = None) -> list[dict]:
    """The months of several communes, with one query per kind of snapshot. ``revision`` is the number
    of the push that carried exactly these figures, or None when they were not pushed (yet)."""
    key, now = _key(period), now or timezone.now()
    communes = list(communes)
    codes = [c.pk for c in communes]
    scores = {s.commune_id: s for s in Score.objects.filter(commune_id__in=codes, period=key).select_related("ruleset")}
    values, figures = _rows(IndicatorValue, codes, key), _rows(Figure, codes, key)
    pushed = _pushed(codes, key)
    out = []
    for commune in communes:
        body = _body(commune, key, scores.get(commune.pk), values.get(commune.pk, []), figures.get(commune.pk, []))
        out.append({**body, "generated_at": now.isoformat(), "revision": pushed.get((commune.pk, digest(body)))})
    return out


def _rows(model, codes, key) -> dict[str, list]:
    rows = model.objects.filter(commune_id__in=codes, period=key)
    if model is IndicatorValue:
        rows = rows.select_related("indicator").order_by("indicator__position", "indicator__code")
    else:
        rows = rows.order_by("measure")
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.commune_id, []).append(row)
    return grouped


def _pushed(codes, key) -> dict[tuple[str, str], int]:
    """``{(commune, digest): revision}``: the latest push of each content."""
    return {(c, d): r for c, d, r in Publication.objects.filter(commune_id__in=codes, period=key)
            .order_by("revision").values_list("commune_id", "digest", "revision")}


def _body(commune, key, score, values, figures) -> dict:
    return {
        "schema_version": SCHEMA_VERSION,
        "province": {"code": commune.province_id, "name": commune.province.name},
        "commune": {"code": commune.pk, "name": commune.name},
        "period": key,
        "ruleset": score.ruleset.code if score else None,
        "index766": _index(score),
        "indicators": [{"code": v.indicator.code, "name": v.indicator.name_vi, "value": _number(v.value),
                        "unit": v.indicator.unit, "target": _number(v.target), "met": v.met, "origin": v.origin}
                       for v in values],
        "figures": [{"measure": f.measure, "numerator": _number(f.numerator), "denominator": _number(f.denominator),
                     "origin": f.origin} for f in figures],
    }


def _index(score) -> dict | None:
    if score is None:
        return None
    return {"total": _number(score.total), "band": score.band,
            "groups": {code: {"points": g["points"], "max": g["max"]} for code, g in sorted(score.groups.items())}}


def digest(body: dict) -> str:
    """SHA-256 of the figures: the payload without when it was made and which push carried it."""
    figures = {k: v for k, v in body.items() if k not in NOT_FIGURES}
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def last_computed(codes, period) -> datetime.datetime | None:
    """When the newest snapshot of these communes' month was computed or pushed (the API's Last-Modified)."""
    key = _key(period)
    times = [model.objects.filter(commune_id__in=codes, period=key).aggregate(at=Max(field))["at"]
             for model, field in ((Score, "computed_at"), (IndicatorValue, "computed_at"), (Figure, "computed_at"),
                                  (Publication, "sent_at"))]
    times = [t for t in times if t is not None]
    return max(times) if times else None


# --- The push ---------------------------------------------------------------------------------------------


def publish_closed(today: datetime.date | None = None, *, now: datetime.datetime | None = None) -> list[Publication]:
    """Push every ended month that has a score snapshot and was never pushed, or whose figures changed since
    its last push (as the next revision). Returns the publications made."""
    today, now = today or local_today(), now or timezone.now()
    made = []
    with unscoped():
        for commune_id, key in _candidates(months.key_of(today)):
            publication = _publish(commune_id, key, now=now)
            if publication is not None:
                made.append(publication)
    return made


def _candidates(current: str) -> list[tuple[str, str]]:
    """The ended commune-months never pushed, or whose snapshots were written since (or a little before:
    a recomputation may commit after a push that read the snapshots it replaced) their last push."""
    last_push = _latest(Publication, "sent_at", current)
    written = _latest(Score, "computed_at", current)
    for model in (IndicatorValue, Figure):
        for pair, at in _latest(model, "computed_at", current).items():
            if pair in written:
                written[pair] = max(written[pair], at)
    return sorted(pair for pair, at in written.items() if pair not in last_push or at > last_push[pair] - OVERLAP)


def _latest(model, field: str, current: str) -> dict[tuple[str, str], datetime.datetime]:
    rows = (model.objects.filter(period__lt=current).order_by().values("commune_id", "period")
            .annotate(at=Max(field)).values_list("commune_id", "period", "at"))
    return {(c, p): at for c, p, at in rows}


def _publish(commune_id: str, key: str, *, now) -> Publication | None:
    commune = Commune.objects.select_related("province").get(pk=commune_id)
    body = payload(commune, key, now=now)
    content = digest(body)
    last = Publication.objects.filter(commune=commune, period=key).order_by("-revision").first()
    if last is not None and last.digest == content:
        return None
    revision = last.revision + 1 if last else 1
    try:
        with transaction.atomic():
            publication = Publication.objects.create(commune=commune, period=key, revision=revision, digest=content,
                                                     sent_at=now)
            province_dashboard.publish(key=province_dashboard.key_for(commune.pk, key, revision),
                                       payload={**body, "revision": revision})
    except IntegrityError:
        return None  # a run at the same time pushed this revision: it is sent once
    return publication

