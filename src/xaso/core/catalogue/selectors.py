# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the catalogue across a permission line.

The model's layers and components are public. A commune's adoption records belong to the commune
(``tenancy.CommuneOwned``): its officials, the province's officials and administrators see them;
anyone else is an outsider and gets 404, as if there were nothing. The province matrix is for province
officials (their own province) and administrators (any province).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from xaso.core import tenancy
from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can, require
from xaso.core.accounts.roles import COMMUNE_ROLES
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune, Province

from . import registry
from .models import Adoption, AdoptionEvidence, Component, Layer, Status, Tier
from .seed import area_keys

VIEW = "catalogue.adoption.view"
CHANGE = "catalogue.adoption.change"
MATRIX = "catalogue.matrix.view"
ADOPTION_TYPE = Adoption._meta.label_lower  # "catalogue.adoption", as the audit trail names it


class NotApplicable(Exception):
    """The component does not apply to the commune's area type (an "area" component of another type)."""

    def __init__(self, component: Component, commune: Commune):
        super().__init__(component.key)
        self.component = component
        self.commune = commune


def percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- The model (public) -------------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentRow:
    component: Component
    provision: registry.Provision


def components(*, tier: str = "", area: str = "", layer: str = "", provision: str = "") -> list[ComponentRow]:
    """The components of the model in their order, filtered; ``provision`` is a registry kind."""
    queryset = Component.objects.select_related("layer").order_by("position")
    if tier:
        queryset = queryset.filter(tier=tier)
    if area:
        queryset = queryset.filter(area=area)
    if layer:
        queryset = queryset.filter(layer_id=layer)
    rows = [ComponentRow(c, registry.provision(c)) for c in queryset]
    if provision:
        rows = [r for r in rows if r.provision.kind == provision]
    return rows


def by_layer(rows: list, layer_of=lambda row: row.component.layer) -> list[tuple[Layer, list]]:
    """Rows grouped by layer, layers in the model's order (rows arrive in component order)."""
    groups: dict[str, tuple[Layer, list]] = {}
    for row in rows:
        layer = layer_of(row)
        groups.setdefault(layer.key, (layer, []))[1].append(row)
    return sorted(groups.values(), key=lambda group: group[0].position)


def layers() -> list[Layer]:
    return list(Layer.objects.order_by("position"))


def find_component(value: str) -> Component | None:
    """The component with this code (as the model writes it, "ỨDCQS19") or ASCII key ("UDCQS19")."""
    wanted = unicodedata.normalize("NFC", str(value or "")).strip().upper()
    if not wanted or len(wanted) > 12 or "\x00" in wanted:  # PostgreSQL refuses NUL in a string
        return None
    return Component.objects.select_related("layer").filter(Q(key=wanted) | Q(code=wanted)).first()


def component_get(*, component_key: str) -> Component:
    component = find_component(component_key)
    if component is None:
        raise Http404(_("There is no component %(code)s in the model.") % {"code": component_key})
    return component


@dataclass
class Standing:
    """What a signed-in official may see of one component beyond its public facts."""

    commune: Commune | None = None
    applies: bool = False
    adoption: Adoption | None = None
    province: Province | None = None
    applicable_communes: int = 0
    live: int = 0
    in_progress: int = 0


def component_standing(*, user, component: Component) -> Standing | None:
    """A commune official: their commune's adoption of it. A province official: how many communes of
    the province where it applies have it live or in progress. Anyone else: nothing more."""
    scope = tenancy.scope_for(user)
    if scope.kind == "commune":
        commune = Commune.objects.filter(pk=scope.commune_id).first()
        if commune is None or not can(user, VIEW, commune):
            return None
        standing = Standing(commune=commune, applies=component.applies_to(commune))
        if standing.applies:
            with tenancy.acting_as(user):
                standing.adoption = (Adoption.objects.select_related("owner")
                                     .filter(commune=commune, component=component).first())
        return standing
    if scope.kind == "province" and can(user, VIEW):
        province = Province.objects.filter(pk=scope.province_id).first()
        if province is None:
            return None
        communes = Commune.objects.filter(province=province)
        if component.tier == Tier.AREA:
            communes = communes.filter(area_type=component.area)
        standing = Standing(province=province, applicable_communes=communes.count())
        with tenancy.acting_as(user):
            counts = dict(Adoption.objects.filter(component=component, commune__in=communes)
                          .values_list("status").annotate(n=Count("id")).order_by())
        standing.live = counts.get(Status.LIVE, 0)
        standing.in_progress = counts.get(Status.IN_PROGRESS, 0)
        return standing
    return None


# --- One commune's roadmap ----------------------------------------------------------------------


def commune_for(*, user, commune_code: str) -> Commune:
    """A commune whose adoption records the user may see; 404 for an unknown code and for outsiders
    alike, so that an outsider learns nothing from the answer."""
    code = str(commune_code).strip()
    commune = (Commune.objects.select_related("province").filter(code=code).first()
               if code.isascii() and code.isdigit() else None)
    if commune is None or not can(user, VIEW, commune):
        raise Http404
    return commune


@dataclass
class RoadmapItem:
    component: Component
    adoption: Adoption | None
    provision: registry.Provision
    today: date

    @property
    def status(self) -> str:
        return self.adoption.status if self.adoption else Status.NOT_STARTED

    @property
    def status_label(self) -> str:
        return Status(self.status).label

    @property
    def owner(self):
        return self.adoption.owner if self.adoption else None

    @property
    def target_date(self) -> date | None:
        return self.adoption.target_date if self.adoption else None

    @property
    def overdue(self) -> bool:
        return bool(self.target_date and self.target_date < self.today and self.status != Status.LIVE)


@dataclass
class LayerProgress:
    layer: Layer
    items: list[RoadmapItem]  # those the filter keeps
    live: int
    applicable: int

    @property
    def percent(self) -> int:
        return percent(self.live, self.applicable)


@dataclass
class Roadmap:
    commune: Commune
    layers: list[LayerProgress]
    next_steps: list[RoadmapItem]
    live: int
    applicable: int
    counts: dict[str, int] = field(default_factory=dict)  # status -> applicable components in it

    @property
    def percent(self) -> int:
        return percent(self.live, self.applicable)

    @property
    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(value, Status(value).label, self.counts.get(value, 0)) for value in Status.values]

    @property
    def items(self) -> list[RoadmapItem]:
        return [item for progress in self.layers for item in progress.items]


def roadmap(*, user, commune: Commune, status: str = "", today: date | None = None) -> Roadmap:
    """What applies to the commune, layer by layer, with each component's status; two queries."""
    if not can(user, VIEW, commune):
        raise Http404
    today = today or timezone.localdate()
    applicable = list(Component.objects.filter(Component.applicable_q(commune.area_type))
                      .select_related("layer").order_by("position"))
    with tenancy.acting_as(user):
        adoptions = {a.component_id: a for a in Adoption.objects.filter(commune=commune).select_related("owner")}
    items = [RoadmapItem(c, adoptions.get(c.key), registry.provision(c), today) for c in applicable]
    progress = []
    for layer, layer_items in by_layer(items):
        live = sum(1 for item in layer_items if item.status == Status.LIVE)
        shown = [item for item in layer_items if not status or item.status == status]
        progress.append(LayerProgress(layer, shown, live, len(layer_items)))
    counts = {s: 0 for s in Status.values}
    for item in items:
        counts[item.status] += 1
    next_steps = sorted((item for item in items if item.status != Status.LIVE and item.target_date),
                        key=lambda item: (item.target_date, item.component.position))
    return Roadmap(commune=commune, layers=progress, next_steps=next_steps, live=counts[Status.LIVE],
                   applicable=len(items), counts=counts)


# --- One adoption record ------------------------------------------------------------------------


def adoption_get(*, user, commune: Commune, component_key: str) -> tuple[Component, Adoption | None]:
    """The component and the commune's record of it (None: not started, no record yet).

    Raises NotApplicable when the component is an area component of another area type."""
    if not can(user, VIEW, commune):
        raise Http404
    component = component_get(component_key=component_key)
    if not component.applies_to(commune):
        raise NotApplicable(component, commune)
    with tenancy.acting_as(user):
        adoption = (Adoption.objects.select_related("owner", "component__layer", "commune")
                    .filter(commune=commune, component=component).first())
    return component, adoption


def evidence_of(*, user, adoption: Adoption) -> list[AdoptionEvidence]:
    with tenancy.acting_as(user):
        return list(AdoptionEvidence.objects.filter(adoption_id=adoption.pk)
                    .select_related("file", "added_by").order_by("added_at", "id"))


@dataclass
class Change:
    label: str
    before: object
    after: object


@dataclass
class HistoryEntry:
    event: AuditEvent
    changes: list[Change]
    file_name: str = ""


def _shown(name: str, value) -> str:
    if value in (None, ""):
        return "—"
    if name == "status":
        return str(Status(value).label) if value in Status.values else str(value)
    if name == "target_date":
        try:
            return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def history_of(*, user, adoption: Adoption) -> list[HistoryEntry]:
    """Who changed what and when, newest first, read from the audit trail (which is never edited)."""
    if not can(user, VIEW, adoption.commune):
        raise Http404
    labels = {"status": _("Status"), "owner": _("Owner"), "target_date": _("Target date"),
              "notes": _("Evidence notes")}
    entries = []
    events = AuditEvent.objects.filter(object_type=ADOPTION_TYPE, object_id=str(adoption.pk)).order_by("-id")
    for event in events:
        before, after = event.before or {}, event.after or {}
        if "file" in after:
            entries.append(HistoryEntry(event, [], file_name=after["file"]))
            continue
        changes = [Change(label, _shown(name, before.get(name)), _shown(name, after.get(name)))
                   for name, label in labels.items() if before.get(name) != after.get(name)]
        entries.append(HistoryEntry(event, changes))
    return entries


def commune_officials(*, commune: Commune) -> QuerySet[User]:
    """The people who may own a component of this commune's roadmap: its active officials."""
    return (User.objects.filter(commune=commune, role__in=COMMUNE_ROLES, is_active=True)
            .order_by("full_name", "username"))


# --- The API's list -----------------------------------------------------------------------------


def adoptions_visible(*, user, commune: str = "", status: str = "", layer: str = "") -> QuerySet[Adoption]:
    """Every adoption record within the user's scope, filtered; only officials have such a list."""
    if not can(user, VIEW):
        raise PermissionDenied(VIEW)
    with tenancy.acting_as(user):
        queryset = Adoption.objects.select_related("component", "owner")
    if commune:
        queryset = queryset.filter(commune_id=commune)
    if status:
        queryset = queryset.filter(status=status)
    if layer:
        queryset = queryset.filter(component__layer_id=layer)
    return queryset.order_by("commune_id", "component__position")


def adoption_get_visible(*, user, adoption_id: int) -> Adoption:
    adoption = (adoptions_visible(user=user).select_related("commune", "component__layer")
                .filter(pk=adoption_id).first())
    if adoption is None:
        raise Http404
    return adoption


# --- The province matrix ------------------------------------------------------------------------


def matrix_province(*, user, province_code: str = "") -> tuple[Province, list[Province]]:
    """The province whose matrix the user sees, and the provinces they may choose from.

    A province official sees their own province (asking for another one is 404); an administrator
    any province, the first one unless ``province_code`` says which."""
    require(user, MATRIX)
    scope = tenancy.scope_for(user)
    if scope.kind == "system":
        provinces = list(Province.objects.order_by("code"))
        if not province_code:
            return provinces[0], provinces
        chosen = next((p for p in provinces if p.code == province_code), None)
        if chosen is None:
            raise Http404
        return chosen, provinces
    if scope.kind != "province":
        raise PermissionDenied(MATRIX)
    if province_code and province_code != scope.province_id:
        raise Http404
    province = Province.objects.filter(pk=scope.province_id).first()
    if province is None:
        raise Http404
    return province, [province]


@dataclass
class Cell:
    live: int = 0
    in_progress: int = 0
    applicable: int = 0

    @property
    def percent(self) -> int:
        return percent(self.live, self.applicable)


@dataclass
class MatrixRow:
    commune: Commune
    cells: list[Cell]
    total: Cell

    @property
    def totals(self) -> list[Cell]:
        return [self.total]


@dataclass
class Matrix:
    province: Province
    layers: list[Layer]
    rows: list[MatrixRow]
    totals: list[Cell]  # per layer, across the communes shown
    total: Cell

    @property
    def grand_total(self) -> list[Cell]:
        return [self.total]


def applicable_counts() -> dict[str, dict[str, int]]:
    """area type -> layer key -> how many components apply: one grouped query over the 170."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    rows = Component.objects.values_list("layer_id", "tier", "area").annotate(n=Count("key")).order_by()
    for layer_id, tier, area, n in rows:
        for area_type in area_keys():
            if tier != Tier.AREA or area == area_type:
                counts[area_type][layer_id] += n
    return counts


def matrix(*, user, province: Province, area_type: str = "") -> Matrix:
    """Communes × layers: live / applicable per cell. A fixed number of queries for any province:
    the layers, the applicable counts, the communes, and one grouped count of the adoption records."""
    require(user, MATRIX)
    all_layers = layers()
    applicable = applicable_counts()
    communes = Commune.objects.filter(province=province).order_by("name", "code")
    with tenancy.acting_as(user):
        adoptions = Adoption.objects.filter(commune__province=province,
                                            status__in=(Status.LIVE, Status.IN_PROGRESS))
    if area_type:
        communes = communes.filter(area_type=area_type)
        adoptions = adoptions.filter(commune__area_type=area_type)
    # Only records of components that apply count: a commune whose area type changed keeps its old
    # records, but they are no longer part of its share.
    adoptions = adoptions.filter(~Q(component__tier=Tier.AREA) | Q(component__area=F("commune__area_type")))
    # One grouped count: per commune and layer, how many records are live and how many in progress.
    done = {(commune_id, layer_id): (live, in_progress) for commune_id, layer_id, live, in_progress in (
        adoptions.values_list("commune_id", "component__layer_id")
        .annotate(live=Count("id", filter=Q(status=Status.LIVE)),
                  in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS)))
        .order_by())}
    nothing = (0, 0)
    rows = []
    totals = [Cell() for _ in all_layers]
    total = Cell()
    for commune in communes:
        cells = []
        row_total = Cell()
        counts = applicable[commune.area_type]
        for i, layer in enumerate(all_layers):
            live, in_progress = done.get((commune.code, layer.key), nothing)
            cell = Cell(live, in_progress, counts[layer.key])
            cells.append(cell)
            for acc in (row_total, totals[i]):
                acc.live += cell.live
                acc.in_progress += cell.in_progress
                acc.applicable += cell.applicable
        rows.append(MatrixRow(commune, cells, row_total))
        total.live += row_total.live
        total.in_progress += row_total.in_progress
        total.applicable += row_total.applicable
    return Matrix(province=province, layers=all_layers, rows=rows, totals=totals, total=total)
