# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes of places: a commune's area type, and the villages a commune keeps.

Every service checks the actor's permission itself (views and API views check it too, earlier, to
answer 403 before reading input), runs in one transaction, and records one audit event per change; a
call that changes nothing records nothing, so a retried request is harmless.

Village writes lock the commune's row first: two officials of one commune writing at once queue, so
"is this name free?" stays true until the write commits (on SQLite the IMMEDIATE transaction mode
serialises writers anyway; on PostgreSQL the row lock does it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import require
from xaso.core.audit.services import record, snapshot
from xaso.core.text import fold

from . import boundary as boundaries
from .models import AreaType, Commune, Village, clean_village_name, village_name_key

MANAGE = "places.village.manage"
SET_AREA_TYPE = "places.commune.set_area_type"
SET_BOUNDARY = "places.commune.set_boundary"
NAME_MAX_LENGTH = Village._meta.get_field("name").max_length


# --- Rules of one village's fields, shared by the forms, the API and the import ---------------------

def name_error(name: str) -> str | None:
    """What is wrong with a village name as typed, or None."""
    cleaned = clean_village_name(name)
    if not cleaned:
        return _("The village name is empty.")
    if len(cleaned) > NAME_MAX_LENGTH:
        return _("The village name is longer than %(max)d characters.") % {"max": NAME_MAX_LENGTH}
    if not any(c.isalnum() for c in cleaned):
        return _("The village name must contain a letter or a digit.")
    return None


@cache  # the same in every language: both languages' labels are in it
def _kind_words() -> dict[str, str]:
    """Every way a kind may be written → its code: the code, and the Vietnamese words people use
    ("thôn", "bản", "ấp", "buôn", "tổ dân phố", "khu phố"); compared folded and case-insensitively."""
    words = {
        "thon": Village.Kind.THON, "ban": Village.Kind.BAN, "ap": Village.Kind.AP, "buon": Village.Kind.BUON,
        "to dan pho": Village.Kind.TO_DAN_PHO, "khu pho": Village.Kind.KHU_PHO,
    }
    for code, _label in Village.Kind.choices:
        words[_fold_word(code)] = code
        for language in ("vi", "en"):
            with translation.override(language):
                words[_fold_word(str(Village.Kind(code).label))] = code
    return words


def _fold_word(text: str) -> str:
    return " ".join(fold(str(text)).replace("_", " ").split())


def parse_kind(text: str | None) -> tuple[str | None, str | None]:
    """(kind code, None) or (None, error). Blank means the default, thôn."""
    if text is None or not str(text).strip():
        return Village.Kind.THON.value, None
    code = _kind_words().get(_fold_word(text))
    if code is None:
        return None, _("“%(value)s” is not a kind of village; use one of: %(kinds)s.") % {
            "value": str(text).strip(), "kinds": kind_list()}
    return str(code), None


def kind_list() -> str:
    return ", ".join(str(label) for label in Village.Kind.labels)


def _validate(name: str, kind: str) -> tuple[str, str]:
    errors = {}
    if problem := name_error(name):
        errors["name"] = problem
    code, problem = parse_kind(kind)
    if problem:
        errors["kind"] = problem
    if errors:
        raise ValidationError(errors)
    return clean_village_name(name), code


def _lock_commune(commune: Commune) -> Commune:
    return Commune.objects.select_for_update().get(pk=commune.pk)


def _active_named(commune: Commune, name: str):
    return Village.objects.filter(commune=commune, name_key=village_name_key(name), merged_into__isnull=True)


def _taken(name: str) -> ValidationError:
    return ValidationError({"name": _("A village named “%(name)s” already exists in this commune.") % {"name": name}})


# --- Commune ---------------------------------------------------------------------------------------

@transaction.atomic
def commune_set_area_type(*, actor, commune: Commune, area_type: str) -> Commune:
    """A province official sets the area type that decides which "area" components of the model apply."""
    require(actor, SET_AREA_TYPE, commune)
    if area_type not in AreaType.values:
        raise ValidationError({"area_type": _("“%(value)s” is not an area type; use one of: %(types)s.") % {
            "value": area_type, "types": ", ".join(AreaType.values)}})
    commune = _lock_commune(commune)
    if commune.area_type == area_type:
        return commune
    before = snapshot(commune, ["area_type"])
    commune.area_type = area_type
    commune.save(update_fields=["area_type"])
    record(actor=actor, action="xaso.places.commune.area_type_changed", obj=commune, before=before,
           after=snapshot(commune, ["area_type"]))
    return commune


def _boundary_facts(geometry: dict | None) -> dict:
    # The audit trail keeps a digest, not the polygon: a boundary can hold thousands of points.
    if not geometry:
        return {"boundary": None}
    text = json.dumps(geometry, sort_keys=True, separators=(",", ":"))
    return {"boundary": {"type": geometry["type"], "sha256": hashlib.sha256(text.encode()).hexdigest(),
                         "bounds": [round(v, 6) for v in boundaries.bounds(geometry)]}}


@transaction.atomic
def commune_set_boundary(*, actor, commune: Commune, geometry) -> Commune:
    """A province official sets (or, with None, removes) the commune's area; reports outside it are refused.
    `geometry` is GeoJSON text or a parsed object (see boundary.geometry_from)."""
    require(actor, SET_BOUNDARY, commune)
    geometry = None if geometry is None else boundaries.geometry_from(geometry)
    _set_boundary(actor, commune, geometry)
    return Commune.objects.get(pk=commune.pk)


def _set_boundary(actor, commune: Commune, geometry: dict | None) -> bool:
    """Whether the boundary changed (a second run of the same import changes nothing, records nothing)."""
    commune = _lock_commune(commune)
    if commune.boundary == geometry:
        return False
    before = _boundary_facts(commune.boundary)
    commune.boundary = geometry
    commune.save(update_fields=["boundary"])
    record(actor=actor, action="xaso.places.commune.boundary_changed", obj=commune, before=before,
           after=_boundary_facts(geometry))
    return True


CODE_PROPERTIES = ("code", "commune_code", "ma_xa", "maxa", "ma")  # as GIS exports name the unit's code


@transaction.atomic
def boundaries_import(*, collection, code_property: str | None = None) -> int:
    """Boundaries of many communes from one GeoJSON FeatureCollection, each feature naming its commune's
    code in a property: all or nothing, every fault listed by feature. Run by the server's operator
    (`xaso places boundaries`), who is trusted like `places sync`; the audit trail names no person.
    Returns how many communes changed; a second run changes none."""
    collection = boundaries.read_json(collection)
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise ValidationError(_("The file must be a GeoJSON FeatureCollection, one feature per commune."))
    errors, found = [], []
    for number, feature in enumerate(collection.get("features") or [], start=1):
        properties = (feature or {}).get("properties") or {}
        names = (code_property,) if code_property else CODE_PROPERTIES
        code = next((str(properties[n]).strip() for n in names if properties.get(n) not in (None, "")), "")
        commune = Commune.objects.filter(pk=code.zfill(5)).first() if code.isdigit() else None
        if commune is None:
            errors.append(_("Feature %(n)d: no commune has the code “%(code)s”.") % {"n": number, "code": code})
            continue
        try:
            found.append((commune, boundaries.geometry_from(feature)))
        except ValidationError as error:
            errors.extend(_("Feature %(n)d (%(code)s): %(error)s") % {"n": number, "code": commune.code,
                                                                     "error": message}
                          for message in error.messages)
    if not found and not errors:
        errors.append(_("The file holds no features."))
    if errors:
        raise ValidationError(errors)
    return sum(_set_boundary(None, commune, geometry) for commune, geometry in found)


# --- Villages --------------------------------------------------------------------------------------

@transaction.atomic
def village_create(*, actor, commune: Commune, name: str, kind: str = Village.Kind.THON) -> Village:
    require(actor, MANAGE, commune)
    name, kind = _validate(name, kind)
    _lock_commune(commune)
    if existing := _active_named(commune, name).first():
        raise _taken(existing.name)
    village = Village(commune=commune, name=name, kind=kind)
    village.save()
    record(actor=actor, action="xaso.places.village.created", obj=village, after=snapshot(village, ["name", "kind"]))
    return village


@transaction.atomic
def village_rename(*, actor, village: Village, name: str) -> Village:
    require(actor, MANAGE, village.commune)
    if problem := name_error(name):
        raise ValidationError({"name": problem})
    name = clean_village_name(name)
    _lock_commune(village.commune)
    village = Village.objects.select_for_update(of=("self",)).select_related("merged_into").get(pk=village.pk)
    if not village.is_active:
        raise ValidationError({"name": _("“%(name)s” has been merged into “%(target)s” and can no longer be "
                                         "renamed.") % {"name": village.name, "target": village.merged_into.name}})
    if village.name == name:
        return village
    if village_name_key(name) != village.name_key and (existing := _active_named(village.commune, name).first()):
        raise _taken(existing.name)
    before = snapshot(village, ["name"])
    village.name = name
    village.save(update_fields=["name"])
    record(actor=actor, action="xaso.places.village.renamed", obj=village, before=before,
           after=snapshot(village, ["name"]))
    return village


@transaction.atomic
def village_merge(*, actor, village: Village, into: Village | None) -> Village:
    """Merge ``village`` into ``into``, an active village of the same commune.

    The merged village keeps its row (records elsewhere point at it and history names it), with
    ``merged_into`` set. Villages merged into it earlier keep pointing at it: that is what happened
    then; ``Village.current()`` follows the chain to today's village.
    """
    require(actor, MANAGE, village.commune)
    if into is None:
        raise ValidationError({"into": _("Choose the village to merge into.")})
    _lock_commune(village.commune)
    locked = {v.pk: v for v in Village.objects.select_for_update(of=("self",)).select_related("merged_into")
              .filter(pk__in=[village.pk, into.pk])}
    village, into = locked.get(village.pk), locked.get(into.pk)
    if village is None or into is None or into.commune_id != village.commune_id:
        raise ValidationError({"into": _("Choose a village of this commune.")})
    if into.pk == village.pk:
        raise ValidationError({"into": _("A village cannot be merged into itself.")})
    if village.merged_into_id == into.pk:
        return village  # already done (a repeated request): nothing changes, nothing is recorded
    if not village.is_active:
        raise ValidationError({"into": _("“%(name)s” has already been merged into “%(target)s”.") % {
            "name": village.name, "target": village.merged_into.name}})
    if not into.is_active:
        raise ValidationError({"into": _("“%(name)s” has itself been merged into “%(target)s”; choose an active "
                                         "village.") % {"name": into.name, "target": into.merged_into.name}})
    village.merged_into = into
    village.save(update_fields=["merged_into"])
    record(actor=actor, action="xaso.places.village.merged", obj=village, before={"merged_into": None},
           after={"merged_into": into.pk, "merged_into_name": into.name})
    return village


@dataclass(frozen=True)
class VillageRow:
    """One row of an import file, as read: its row number in the file (the header is row 1 when it
    is the first line), the name and the kind code."""

    row: int
    name: str
    kind: str


@dataclass
class ImportResult:
    created: list[Village] = field(default_factory=list)
    already_present: list[VillageRow] = field(default_factory=list)


@transaction.atomic
def villages_import(*, actor, commune: Commune, rows: Sequence[VillageRow], source: str = "") -> ImportResult:
    """Create the villages of ``rows`` that the commune does not have yet; all of them or none.

    The rows come checked from ``imports.read_villages``; they are checked again here (a service
    never trusts its caller) and any error stops the whole import. A row naming an active village
    the commune already has is reported as already present and skipped, so importing the same file
    twice creates nothing the second time.

    Audit: one event per created village, the same ``xaso.places.village.created`` a single creation
    records, with the file named in ``after``. A village's history is read by its own object id, so
    its first event must be its creation however it arrived; one event for the whole import would
    leave imported villages without one.
    """
    require(actor, MANAGE, commune)
    errors, seen = [], {}
    for row in rows:
        problem = name_error(row.name) or parse_kind(row.kind)[1]
        key = village_name_key(row.name)
        if problem is None and key in seen:
            problem = _("“%(name)s” is already on row %(other)d of this file.") % {"name": row.name, "other": seen[key]}
        seen.setdefault(key, row.row)
        if problem:
            errors.append(_("Row %(row)d: %(message)s") % {"row": row.row, "message": problem})
    if errors:
        raise ValidationError(errors)
    _lock_commune(commune)
    present = set(Village.objects.filter(commune=commune, merged_into__isnull=True).values_list("name_key", flat=True))
    result = ImportResult()
    for row in rows:
        if village_name_key(row.name) in present:
            result.already_present.append(row)
            continue
        village = Village(commune=commune, name=clean_village_name(row.name), kind=parse_kind(row.kind)[0])
        village.save()
        record(actor=actor, action="xaso.places.village.created", obj=village,
               after={**snapshot(village, ["name", "kind"]), "source": "import", "file": source, "row": row.row})
        result.created.append(village)
    return result
