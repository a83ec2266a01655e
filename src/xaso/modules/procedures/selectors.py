# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the procedure list: what is in force, what a commune handles, the public search."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone

from xaso.core import tenancy
from xaso.core.places.models import Commune
from xaso.core.text import fold

from .models import Enablement, Procedure, ProcedureComponent, Sector


def procedure_in_force(code: str, on: date | None = None) -> Procedure | None:
    on = on or timezone.localdate()
    return Procedure.objects.in_force(on).filter(code=code).order_by("-effective_from").first()


def _current(qs, on: date):
    """The version of each procedure in force on ``on`` (the newest if two overlap)."""
    rows = list(qs.in_force(on).select_related("sector").prefetch_related(
        Prefetch("components", queryset=ProcedureComponent.objects.order_by("order", "id")))
        .order_by("code", "-effective_from"))
    seen, found = set(), []
    for p in rows:
        if p.code not in seen:
            seen.add(p.code)
            found.append(p)
    return found


def sectors() -> list[Sector]:
    """The sectors that have a procedure in force today (the list page's filter)."""
    return list(Sector.objects.filter(procedures__in=Procedure.objects.in_force(timezone.localdate())).distinct())


def procedures(*, q: str = "", sector: str = "", online_level: str = "", on: date | None = None) -> list[Procedure]:
    qs = Procedure.objects.all()
    if q:
        key = fold(q)
        qs = qs.filter(Q(folded_name__contains=key) | Q(code__icontains=q.strip()))
    if sector:
        qs = qs.filter(sector__code=sector)
    if online_level:
        qs = qs.filter(online_level=online_level)
    return _current(qs, on or timezone.localdate())


def procedure_guide(code: str) -> Procedure:
    procedure = procedure_in_force(code)
    if procedure is None:
        raise Http404
    return procedure


def enabled_codes(commune) -> set[str]:
    with tenancy.unscoped():  # which procedures a commune handles is public
        return set(Enablement.objects.filter(commune=commune).values_list("code", flat=True))


def enabled_procedures(commune, on: date | None = None) -> list[Procedure]:
    return _current(Procedure.objects.filter(code__in=enabled_codes(commune)), on or timezone.localdate())


def communes_handling(code: str) -> list[Commune]:
    """The communes whose service center takes this procedure (public: people need to know where to go)."""
    with tenancy.unscoped():
        codes = list(Enablement.objects.filter(code=code).values_list("commune_id", flat=True))
    return list(Commune.objects.filter(pk__in=codes).order_by("name"))
