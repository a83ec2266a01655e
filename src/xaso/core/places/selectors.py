# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of places across a permission line.

Provinces and communes are public reference data: anyone may read their facts. Villages belong to a
commune (``tenancy.CommuneOwned``): its officials see them, a province official those of the
province, a system administrator all; anybody else is an outsider and gets 404, as if the commune
kept no villages.
"""

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404

from xaso.core import tenancy
from xaso.core.accounts.permissions import can, require
from xaso.core.text import fold

from .models import Commune, Province, Village

VIEW_VILLAGES = "places.village.view"
MANAGE_VILLAGES = "places.village.manage"
LIST_COMMUNES = "places.commune.list"
SET_AREA_TYPE = "places.commune.set_area_type"

# Active villages first, then the merged ones (kept for history).
_ACTIVE_FIRST = Case(When(merged_into__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField())


def provinces() -> QuerySet[Province]:
    return Province.objects.order_by("code")


def province_get(*, province_code: str) -> Province:
    province = Province.objects.filter(code=province_code).first()
    if province is None:
        raise Http404
    return province


def find_commune(code: str) -> Commune | None:
    """The commune with this code, or None (for validating a code someone typed)."""
    return Commune.objects.select_related("province").filter(code=str(code).strip()).first()


def commune_get(*, commune_code: str) -> Commune:
    """A commune's public facts; an unknown code is 404."""
    commune = find_commune(commune_code)
    if commune is None:
        raise Http404
    return commune


def communes(*, province: str | None = None, kind: str | None = None, area_type: str | None = None,
             search: str | None = None) -> QuerySet[Commune]:
    """Every commune (public), filtered. ``search`` is folded, so "ha long" finds "Hạ Long"; a code
    typed in full finds its commune too."""
    queryset = Commune.objects.select_related("province").order_by("province_id", "name", "code")
    if province:
        queryset = queryset.filter(province_id=province)
    if kind:
        queryset = queryset.filter(kind=kind)
    if area_type:
        queryset = queryset.filter(area_type=area_type)
    if search and (needle := " ".join(fold(search).split())):
        queryset = queryset.filter(Q(folded_name__contains=needle) | Q(code=search.strip()))
    return queryset


def communes_for_user(*, user, **filters) -> QuerySet[Commune]:
    """The communes list of the province office: a province official's own province, an administrator's
    every province. Others have no such list (403)."""
    require(user, LIST_COMMUNES)
    queryset = communes(**filters)
    scope = tenancy.scope_for(user)
    if scope.kind != "system":
        queryset = queryset.filter(province_id=scope.province_id)
    return queryset


def commune_for_villages(*, user, commune_code: str) -> Commune:
    """The commune whose villages the user may see; 404 for an unknown code and for outsiders alike,
    so that an outsider learns nothing from the answer."""
    commune = find_commune(commune_code)
    if commune is None or not can(user, VIEW_VILLAGES, commune):
        raise Http404
    return commune


def villages_of(*, user, commune: Commune) -> QuerySet[Village]:
    """Active and merged villages of one commune: active ones first, each group by name."""
    if not can(user, VIEW_VILLAGES, commune):
        raise Http404
    with tenancy.acting_as(user):
        # Built inside the user's own scope; the queryset keeps that filter when evaluated later.
        queryset = Village.objects.filter(commune=commune)
    return queryset.select_related("merged_into").order_by(_ACTIVE_FIRST, "name", "id")


def village_get(*, user, commune: Commune, village_id: int) -> Village:
    """One village of this commune the user may see, else 404."""
    village = villages_of(user=user, commune=commune).filter(pk=village_id).first()
    if village is None:
        raise Http404
    return village


def villages_visible(*, user, commune: str | None = None) -> QuerySet[Village]:
    """Every village within the user's scope (the API's list), optionally of one commune."""
    with tenancy.acting_as(user):
        queryset = Village.objects.select_related("merged_into", "commune")
    if commune:
        queryset = queryset.filter(commune_id=commune)
    return queryset.order_by("commune_id", _ACTIVE_FIRST, "name", "id")


def village_get_visible(*, user, village_id: int) -> Village:
    village = villages_visible(user=user).filter(pk=village_id).first()
    if village is None:
        raise Http404
    return village


def active_villages(*, user, commune: Commune, exclude: Village | None = None) -> QuerySet[Village]:
    """The active villages of a commune: the targets a village may merge into."""
    queryset = villages_of(user=user, commune=commune).filter(merged_into__isnull=True)
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude.pk)
    return queryset
