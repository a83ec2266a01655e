# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rules as dated data: indicators and the 766 rule sets, loaded from YAML (all or nothing, every
fault named) and chosen by the day they apply to."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from importlib import resources

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from xaso.core.audit.services import record
from xaso.core.catalogue.models import Component

from . import measures
from .models import Certainty, Criterion, Direction, Indicator, RuleSet

GROUPS = {"CKMB": 18, "TDGQ": 20, "DVCTT": 12, "MDSH": 22, "MDHL": 18, "TTTT": 10}
GROUP_NAMES = {"CKMB": ("Công khai, minh bạch", "Transparency"),
               "TDGQ": ("Tiến độ, kết quả giải quyết", "Resolution progress"),
               "DVCTT": ("Cung cấp dịch vụ công trực tuyến", "Online services"),
               "MDSH": ("Mức độ số hóa hồ sơ", "Digitisation"),
               "MDHL": ("Mức độ hài lòng", "Satisfaction"),
               "TTTT": ("Thanh toán trực tuyến", "Online payment")}


def in_force(queryset, day: datetime.date):
    return queryset.filter(effective_from__lte=day).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))


def ruleset_for(day: datetime.date) -> RuleSet | None:
    return in_force(RuleSet.objects, day).order_by("-effective_from").first()


def indicators_for(day: datetime.date) -> list[Indicator]:
    """One row per code: the version in force on ``day``."""
    chosen = {}
    for ind in in_force(Indicator.objects.select_related("component"), day).order_by("code", "-effective_from"):
        chosen.setdefault(ind.code, ind)
    return sorted(chosen.values(), key=lambda i: (i.position, i.code))


def source_error(source: str) -> str | None:
    """Why a source names nothing xaso can count, or None when it does."""
    if source.startswith("data:"):
        from xaso.modules.datasets.models import DatasetElement

        dataset, _slash, element = source[5:].partition("/")
        if not DatasetElement.objects.filter(dataset__code=dataset, element__code=element).exists():
            return _("“%(source)s” names no element %(element)s of a dataset %(dataset)s.") % {
                "source": source, "element": element or "—", "dataset": dataset or "—"}
        return None
    if measures.get(source) is None:
        return _("“%(source)s” is not something xaso counts; known: %(known)s, or data:<dataset>/<element>.") % {
            "source": source, "known": ", ".join(sorted(measures.MEASURES))}
    return None


def _date(value, where: str, faults: list) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        faults.append(_("%(where)s: “%(value)s” is not a date (YYYY-MM-DD).") % {"where": where, "value": value})
        return None


def _decimal(value, where: str, faults: list) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        faults.append(_("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value})
        return None


def _read(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationError(_("The file is not valid YAML: %(error)s") % {"error": error}) from None
    if not isinstance(data, dict):
        raise ValidationError(_("The file must be a YAML mapping."))
    return data


def indicators_load(text: str, *, actor=None) -> list[Indicator]:
    """Indicators from YAML, all or none: a source that names nothing, an unknown component, a bad number
    or direction refuses the whole file with every fault listed."""
    data = _read(text)
    faults: list[str] = []
    start = _date(data.get("effective_from"), "effective_from", faults)
    rows = data.get("indicators") or []
    components = set(Component.objects.values_list("key", flat=True))
    made = []
    for n, row in enumerate(rows, 1):
        if not isinstance(row, dict):
            faults.append(_("indicator %(n)s: must be a mapping of code, source, vi, en.") % {"n": n})
            continue
        where = _("indicator %(n)s (%(code)s)") % {"n": n, "code": row.get("code", "?")}
        missing = [k for k in ("code", "source", "vi", "en") if not row.get(k)]
        if missing:
            faults.append(_("%(where)s: missing %(fields)s.") % {"where": where, "fields": ", ".join(missing)})
            continue
        if (error := source_error(str(row["source"]))) is not None:
            faults.append(f"{where}: {error}")
        if row.get("component") and row["component"] not in components:
            faults.append(_("%(where)s: “%(component)s” is not a component of the model.") % {
                "where": where, "component": row["component"]})
        direction = row.get("direction", Direction.UP)
        if direction not in Direction.values:
            faults.append(_("%(where)s: the direction must be “up” or “down”.") % {"where": where})
        made.append(Indicator(code=row["code"], name_vi=row["vi"], name_en=row["en"], source=row["source"],
                              unit=row.get("unit", ""), direction=direction,
                              target=_decimal(row.get("target"), where, faults), component_id=row.get("component"),
                              position=n, legal_basis=row.get("legal_basis", ""), effective_from=start))
    if faults:
        raise ValidationError(faults)
    with transaction.atomic():
        for ind in made:
            Indicator.objects.filter(code=ind.code, effective_from=start).delete()
            # The version before this one ends the day before: its snapshots stay as they were.
            Indicator.objects.filter(code=ind.code, effective_from__lt=start, effective_to__isnull=True).update(
                effective_to=start - datetime.timedelta(days=1))
            ind.save()
        if actor is not None and made:
            record(actor=actor, action="measurement.indicators.load", obj=made[0],
                   after={"effective_from": str(start), "codes": [i.code for i in made]})
    return made


def ruleset_load(text: str, *, actor=None) -> RuleSet:
    """A 766 rule set from YAML, all or nothing. Each group's criteria must add up to the group's points as
    the national portal shows them; every criterion must read a known measure."""
    data = _read(text)
    faults: list[str] = []
    start = _date(data.get("effective_from"), "effective_from", faults)
    bands = data.get("bands") or []
    if not bands or any(not isinstance(b, dict) or "min" not in b or "label_vi" not in b for b in bands):
        faults.append(_("The rating bands need a minimum and a Vietnamese label each."))
    criteria = data.get("criteria") or []
    totals = dict.fromkeys(GROUPS, Decimal(0))
    for n, row in enumerate(criteria, 1):
        if not isinstance(row, dict):
            faults.append(_("criterion %(n)s: must be a mapping of group, code, points, measure, vi, en.") % {"n": n})
            continue
        where = _("criterion %(n)s (%(code)s)") % {"n": n, "code": row.get("code", "?")}
        missing = [k for k in ("code", "vi", "en") if not row.get(k)]
        if missing:
            faults.append(_("%(where)s: missing %(fields)s.") % {"where": where, "fields": ", ".join(missing)})
        if row.get("group") not in GROUPS:
            faults.append(_("%(where)s: the group must be one of %(groups)s.") % {"where": where,
                                                                                  "groups": ", ".join(GROUPS)})
            continue
        if measures.get(str(row.get("measure"))) is None:
            faults.append(f"{where}: " + source_error(str(row.get("measure"))))
        points = _decimal(row.get("points"), where, faults)
        totals[row["group"]] += points or 0
    for group, expected in GROUPS.items():
        if criteria and totals[group] != expected:
            faults.append(_("Group %(group)s adds up to %(got)s points; Decision 766 gives it %(expected)s.") % {
                "group": group, "got": totals[group].normalize(), "expected": expected})
    if not data.get("code"):
        faults.append(_("The rule set needs a code."))
    if faults:
        raise ValidationError(faults)
    with transaction.atomic():
        RuleSet.objects.filter(effective_from__lt=start, effective_to__isnull=True).exclude(
            code=data["code"]).update(effective_to=start - datetime.timedelta(days=1))
        ruleset, _created = RuleSet.objects.update_or_create(code=data["code"], defaults={
            "name": data.get("name", data["code"]), "legal_basis": data.get("legal_basis", ""), "bands": bands,
            "bands_certainty": data.get("bands_certainty", Certainty.UNVERIFIED), "effective_from": start,
            "effective_to": data.get("effective_to")})
        ruleset.criteria.all().delete()
        Criterion.objects.bulk_create(Criterion(
            ruleset=ruleset, group=row["group"], code=row["code"], name_vi=row["vi"], name_en=row["en"],
            measure=row["measure"], points=Decimal(str(row["points"])), certainty=row.get("certainty", "U"),
            source=row.get("source", ""), position=n) for n, row in enumerate(criteria, 1))
        if actor is not None:
            record(actor=actor, action="measurement.ruleset.load", obj=ruleset,
                   after={"code": ruleset.code, "effective_from": str(start)})
    return ruleset


def load_shipped() -> None:
    """The rules xaso ships (the 766 index, the default indicators), loaded where none are yet."""
    folder = resources.files("xaso.modules.measurement") / "data"
    if not RuleSet.objects.exists():
        ruleset_load((folder / "index766.yaml").read_text(encoding="utf-8"))
    if not Indicator.objects.exists():
        indicators_load((folder / "indicators.yaml").read_text(encoding="utf-8"))


# --- Files out: what the loaders read back ----------------------------------------------------------------


def plain_number(value):
    """A figure as exports and YAML carry it: whole numbers as integers, None kept."""
    if value is None:
        return None
    return int(value) if value == int(value) else round(float(value), 2)


def _yaml(data) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)


def ruleset_dump(ruleset) -> str:
    """A rule set as the file ``rules.ruleset_load`` reads back."""
    return _yaml({"code": ruleset.code, "name": ruleset.name, "effective_from": ruleset.effective_from,
                  **({"effective_to": ruleset.effective_to} if ruleset.effective_to else {}),
                  "legal_basis": ruleset.legal_basis, "bands_certainty": ruleset.bands_certainty,
                  "bands": ruleset.bands,
                  "criteria": [{"group": c.group, "code": c.code, "points": plain_number(c.points),
                                "measure": c.measure,
                                "certainty": c.certainty, **({"source": c.source} if c.source else {}),
                                "vi": c.name_vi, "en": c.name_en} for c in ruleset.criteria.all()]})


def indicators_dump(indicators) -> str:
    """The indicators in force as the file ``rules.indicators_load`` reads back (dated from the latest of them:
    edit the date before loading a change)."""
    start = max((i.effective_from for i in indicators), default=None)
    return _yaml({"effective_from": start, "indicators": [
        {"code": i.code, "source": i.source, **({"unit": i.unit} if i.unit else {}), "direction": i.direction,
         **({"target": plain_number(i.target)} if i.target is not None else {}),
         **({"component": i.component_id} if i.component_id else {}), "vi": i.name_vi, "en": i.name_en,
         **({"legal_basis": i.legal_basis} if i.legal_basis else {})} for i in indicators]})
