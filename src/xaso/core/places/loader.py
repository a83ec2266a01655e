# SPDX-License-Identifier: AGPL-3.0-or-later
"""Load the 34 provinces and 3,321 communes from the `vietnam-provinces` package.

Used by the data migration and by `xaso places sync` after the package is upgraded. It inserts new
units and renames changed ones; it never deletes (codes are never reused, and villages, users and
records point at communes) and never overwrites an area type a province official has set.
"""

from vietnam_provinces import Province as VnProvince
from vietnam_provinces import VietNamDivisionType
from vietnam_provinces import Ward as VnWard

from xaso.core.text import fold

_KINDS = {
    VietNamDivisionType.XA: "xa",
    VietNamDivisionType.PHUONG: "phuong",
    VietNamDivisionType.DAC_KHU: "dac_khu",
}
_DEFAULT_AREA = {"phuong": "urban", "xa": "rural", "dac_khu": "mountain"}


def province_rows() -> list[dict]:
    return [
        {
            "code": f"{int(p.code):02d}",
            "name": p.name,
            "codename": p.codename,
            "is_city": p.division_type == VietNamDivisionType.THANH_PHO_TRUNG_UONG,
        }
        for p in VnProvince.iter_all()
    ]


def commune_rows() -> list[dict]:
    rows = []
    for w in VnWard.iter_all():
        kind = _KINDS[w.division_type]
        rows.append({
            "code": f"{int(w.code):05d}",
            "name": w.name,
            "codename": w.codename,
            "kind": kind,
            "province_id": f"{int(w.province_code):02d}",
            "area_type": _DEFAULT_AREA[kind],
            "folded_name": fold(w.name),
        })
    return rows


def _fit(model, row: dict) -> dict:
    """The part of a row the given model has: migration 0002 runs with the model as it was then,
    before later columns (such as folded_name) existed."""
    names = {f.attname for f in model._meta.concrete_fields} | {f.name for f in model._meta.concrete_fields}
    return {k: v for k, v in row.items() if k in names}


def sync(province_model, commune_model) -> dict[str, int]:
    """Insert missing units, update names and kinds; return how many of each were created/updated.

    Keys: provinces_created, provinces_updated, communes_created, communes_updated, and the totals
    created and updated.
    """
    counts = dict.fromkeys(("provinces_created", "provinces_updated", "communes_created", "communes_updated"), 0)
    existing_p = {p.code: p for p in province_model.objects.all()}
    new_p = []
    for row in province_rows():
        have = existing_p.get(row["code"])
        if have is None:
            new_p.append(province_model(**row))
        elif (have.name, have.codename, have.is_city) != (row["name"], row["codename"], row["is_city"]):
            province_model.objects.filter(code=row["code"]).update(**row)
            counts["provinces_updated"] += 1
    province_model.objects.bulk_create(new_p)
    counts["provinces_created"] = len(new_p)

    existing_c = {c.code: c for c in commune_model.objects.all()}
    new_c = []
    for row in commune_rows():
        row = _fit(commune_model, row)
        have = existing_c.get(row["code"])
        if have is None:
            new_c.append(commune_model(**row))
            continue
        # Never area_type: a province official may have changed it, and the package knows nothing of that.
        fields = [k for k in ("name", "codename", "kind", "province_id", "folded_name") if k in row]
        changes = {k: row[k] for k in fields if getattr(have, k) != row[k]}
        if changes:
            commune_model.objects.filter(code=row["code"]).update(**changes)
            counts["communes_updated"] += 1
    commune_model.objects.bulk_create(new_c, batch_size=500)
    counts["communes_created"] = len(new_c)
    counts["created"] = counts["provinces_created"] + counts["communes_created"]
    counts["updated"] = counts["provinces_updated"] + counts["communes_updated"]
    return counts
