# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's data dictionary and catalogue (DL6, DL7): writing data elements, datasets, their
elements and rules, publishing them. The same definitions as a file, and the sample area datasets, are in
``definitions_file``.

Only a province official of the province (or an administrator) changes them. A change that would break
what communes already reported is refused: an element's type or disaggregation once a value exists, a
dataset's period type once a return exists. A change of a dataset's element list raises its template
version, so that a spreadsheet made from the old list is refused where spreadsheets are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import tenancy
from xaso.core.accounts.permissions import can, require
from xaso.core.audit.services import record
from xaso.core.catalogue.models import Component
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Commune, Province

from . import sources, validation
from .models import (
    NUMERIC,
    Approver,
    AreaType,
    DataElement,
    Dataset,
    DatasetElement,
    Disaggregation,
    Operator,
    PeriodType,
    Return,
    Severity,
    ValidationRule,
    Value,
    ValueType,
    code_validator,
)

MANAGE = "datasets.definition.manage"
VIEW = "datasets.return.view"
MAX_CHOICES = 100
MAX_KEYWORDS = 20
# Rounded as the database keeps them (DecimalField: 20 digits, 4 after the point).
_PLACES = Decimal("0.0001")
_LIMIT = Decimal(10) ** 16


# --- Who may read and change ---------------------------------------------------------------------


def may_manage(user, province) -> bool:
    return can(user, MANAGE) and covers(user, province)


def may_read(user, province) -> bool:
    """Officials of the province read its catalogue (commune officials too, read-only)."""
    return can(user, VIEW) and covers(user, province)


def _require(actor, province) -> None:
    if actor is None:  # the command line (`xaso datasets`): whoever runs the server, audited as the system
        return
    require(actor, MANAGE)
    if not covers(actor, province):
        raise PermissionDenied(MANAGE)


# --- Reads (selectors): an outsider gets 404 ------------------------------------------------------


def province_for_reader(*, user, province_code: str) -> Province:
    province = Province.objects.filter(pk=province_code).first()
    if province is None or not may_read(user, province):
        raise Http404
    return province


def province_public(*, province_code: str) -> Province:
    province = Province.objects.filter(pk=province_code).first()
    if province is None:
        raise Http404
    return province


def datasets_of(*, province):
    return Dataset.objects.filter(province=province).prefetch_related("items", "communes")


def published_of(*, province):
    return datasets_of(province=province).filter(published_at__isnull=False)


def dataset_of(*, province, dataset_code: str, published: bool = False) -> Dataset:
    qs = published_of(province=province) if published else datasets_of(province=province)
    dataset = qs.filter(code=dataset_code).first()
    if dataset is None:
        raise Http404
    return dataset


def elements_of(*, province):
    return DataElement.objects.filter(province=province).prefetch_related("datasets")


def element_of(*, province, element_code: str) -> DataElement:
    element = DataElement.objects.filter(province=province, code=element_code).first()
    if element is None:
        raise Http404
    return element


# --- Cleaning what was given ----------------------------------------------------------------------


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # a service's argument not given: the field keeps its value


class _Faults:
    """Every fault of one thing, by field, raised together so that the person fixes them at once."""

    def __init__(self):
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.by_field.setdefault(field, []).append(str(message))

    def check(self, field: str, fn, *args):
        try:
            return fn(*args)
        except ValidationError as error:
            for message in error.messages:
                self.add(field, message)
            return None

    def raise_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _code(value) -> str:
    code = str(value or "").strip()
    if not code:
        raise ValidationError(_("Give a code."), code="required")
    if len(code) > 40:
        raise ValidationError(_("A code has at most 40 characters."), code="length")
    code_validator(code)
    return code


def _text(value, limit: int, required: bool = False) -> str:
    if value is not None and (not isinstance(value, str | int | float) or isinstance(value, bool)):
        raise ValidationError(_("Give text."), code="text")
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValidationError(_("This is required."), code="required")
    if len(text) > limit:
        raise ValidationError(_("At most %(n)d characters.") % {"n": limit}, code="length")
    return text


def _one_of(value, choices, default) -> str:
    value = default if value in (None, "") else str(value)
    if value not in choices:
        raise ValidationError(_("“%(value)s” is not one of: %(choices)s.")
                              % {"value": value, "choices": ", ".join(choices)}, code="choice")
    return value


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
        if isinstance(value, bool) or not number.is_finite():  # "NaN" and "Infinity" parse, but are no figures
            raise InvalidOperation
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": str(value)[:40]}, code="number") from None
    if abs(number) >= _LIMIT:
        raise ValidationError(_("The number is too large."), code="range")
    return number.quantize(_PLACES)


def _strings(value, limit: int, count: int, what) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple):
        raise ValidationError(_("Give a list of %(what)s.") % {"what": what}, code="list")
    out, seen = [], set()
    for item in value:
        if not isinstance(item, str | int | float) or isinstance(item, bool):
            raise ValidationError(_("Give a list of %(what)s.") % {"what": what}, code="list")
        text = str(item).strip()
        if not text:
            continue
        if len(text) > limit:
            raise ValidationError(_("“%(value)s…” is longer than %(n)d characters.")
                                  % {"value": text[:20], "n": limit}, code="length")
        if text.casefold() in seen:
            raise ValidationError(_("“%(value)s” is given twice.") % {"value": text}, code="duplicate")
        seen.add(text.casefold())
        out.append(text)
    if len(out) > count:
        raise ValidationError(_("At most %(n)d items.") % {"n": count}, code="length")
    return out


def _plain(number: Decimal | None) -> str | None:
    return None if number is None else format(number.normalize(), "f")


# --- Data elements -----------------------------------------------------------------------------------


def _element_state(e: DataElement) -> dict:
    # str(): a field set from a TextChoices member holds the member until reloaded; YAML and JSON want text.
    return {"name": e.name, "name_en": e.name_en, "value_type": str(e.value_type), "unit": e.unit,
            "choices": list(e.choices or []), "minimum": _plain(e.minimum), "maximum": _plain(e.maximum),
            "disaggregation": str(e.disaggregation), "definition": e.definition, "source": e.source}


def _merged(current: dict, defaults: dict, given: dict) -> dict:
    """What was given, field by field: ``KEEP`` keeps the current value (the default for a new thing),
    None takes the default (an empty field)."""
    return {k: current[k] if given.get(k, KEEP) is KEEP else defaults[k] if given[k] is None else given[k]
            for k in current}


def _clean_element(existing: DataElement | None, given: dict) -> dict:
    """The element's fields after the change, or ValidationError by field."""
    defaults = _element_state(DataElement())
    merged = _merged(_element_state(existing) if existing else defaults, defaults, given)
    f = _Faults()
    out = {
        "name": f.check("name", _text, merged["name"], 200, True),
        "name_en": f.check("name_en", _text, merged["name_en"], 200),
        "value_type": f.check("value_type", _one_of, merged["value_type"], ValueType.values, ValueType.INTEGER),
        "unit": f.check("unit", _text, merged["unit"], 40),
        "choices": f.check("choices", _strings, merged["choices"], 100, MAX_CHOICES, _("allowed values")) or [],
        "minimum": f.check("minimum", _decimal, merged["minimum"]),
        "maximum": f.check("maximum", _decimal, merged["maximum"]),
        "disaggregation": f.check("disaggregation", _one_of, merged["disaggregation"], Disaggregation.values,
                                  Disaggregation.NONE),
        "definition": f.check("definition", _text, merged["definition"], 4000),
        "source": f.check("source", _text, merged["source"], 60),
    }
    kind = out["value_type"]
    if kind == ValueType.CHOICE and not out["choices"] and "choices" not in f.by_field:
        f.add("choices", _("An element of this type needs at least one allowed value."))
    if kind != ValueType.CHOICE and out["choices"]:
        f.add("choices", _("Only an element of the type “one of a list” has allowed values."))
    if kind not in NUMERIC and (out["minimum"] is not None or out["maximum"] is not None):
        f.add("minimum", _("Only a numeric element has a minimum and a maximum."))
    if out["minimum"] is not None and out["maximum"] is not None and out["minimum"] > out["maximum"]:
        f.add("maximum", _("The maximum is smaller than the minimum."))
    _check_source(f, out)
    f.raise_any()
    return out


def _check_source(f: _Faults, out: dict) -> None:
    key = out["source"]
    if not key:
        return
    source = sources.SOURCES.get(key)
    if source is None:
        f.add("source", _("xaso knows no figure “%(key)s”.") % {"key": key})
    elif out["value_type"] not in (ValueType.INTEGER, ValueType.NUMBER):
        f.add("source", _("A figure taken from xaso is a count: give the element the type whole number."))
    elif out["disaggregation"] == Disaggregation.SEX or (
            out["disaggregation"] == Disaggregation.VILLAGE and source.by_village is None):
        f.add("source", _("xaso cannot split this figure that way: keep it as a commune total."))


def _numeric_in_rules(element: DataElement) -> list[str]:
    """The rules that name this element (they need it to stay numeric)."""
    rules = ValidationRule.objects.filter(dataset__items__element=element).select_related("dataset")
    return [f"{r.dataset.code}/{r.code}" for r in rules
            if element.code in {t for _, t in validation.terms(r.left) + validation.terms(r.right)}]


def _check_element_change(element: DataElement, after: dict) -> None:
    changes_shape = (after["value_type"] != element.value_type or after["disaggregation"] != element.disaggregation)
    if changes_shape:
        with tenancy.unscoped():  # a deliberate look across every commune's returns
            reported = Value.objects.filter(element=element).exists()
        if reported:
            raise ValidationError({"value_type": _("Communes have already reported this element: its type and "
                                                   "disaggregation can no longer change. Make a new element.")})
    leaves_numbers = after["value_type"] not in NUMERIC and element.value_type in NUMERIC
    if leaves_numbers and (used := _numeric_in_rules(element)):
        raise ValidationError({"value_type": _("The rules %(rules)s use this element as a number.")
                               % {"rules": ", ".join(used)}})


@transaction.atomic
def element_save(*, actor, province, code, name=KEEP, name_en=KEEP, value_type=KEEP, unit=KEEP, choices=KEEP,
                 minimum=KEEP, maximum=KEEP, disaggregation=KEEP, definition=KEEP, source=KEEP) -> DataElement:
    """Create or change the province's element ``code``. A field not given keeps its value (a new element
    takes the default); None empties it. Changing nothing records nothing."""
    _require(actor, province)
    try:
        code = _code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    element = DataElement.objects.select_for_update().filter(province=province, code=code).first()
    after = _clean_element(element, {"name": name, "name_en": name_en, "value_type": value_type, "unit": unit,
                                     "choices": choices, "minimum": minimum, "maximum": maximum,
                                     "disaggregation": disaggregation, "definition": definition, "source": source})
    if element is None:
        element = DataElement.objects.create(province=province, code=code, **after)
        record(actor=actor, action="xaso.datasets.element.created", obj=element, after=_element_state(element))
        return element
    before = _element_state(element)
    if before == _element_state(DataElement(**after)):
        return element
    _check_element_change(element, after)
    for key, value in after.items():
        setattr(element, key, value)
    element.save()
    record(actor=actor, action="xaso.datasets.element.updated", obj=element, before=before,
           after=_element_state(element))
    return element


# --- Datasets ---------------------------------------------------------------------------------------


def _dataset_state(d: Dataset, communes: list[str] | None = None) -> dict:
    if communes is None:
        communes = sorted(d.communes.values_list("pk", flat=True)) if d.pk else []
    return {"title": d.title, "title_en": d.title_en, "description": d.description, "publisher": d.publisher,
            "licence": d.licence, "keywords": list(d.keywords or []), "component": d.component,
            "period_type": str(d.period_type), "due_days": d.due_days,
            "area_types": sorted(map(str, d.area_types or [])),
            "approver": str(d.approver), "jump_percent": d.jump_percent, "communes": communes}


def _whole(value, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise ValidationError(_("Give a whole number."), code="integer") from None
    if not low <= number <= high:
        raise ValidationError(_("Give a whole number from %(low)d to %(high)d.") % {"low": low, "high": high},
                              code="range")
    return number


def _component(value) -> str:
    key = str(value or "").strip()
    if key and not Component.objects.filter(key=key).exists():
        raise ValidationError(_("The model has no component “%(key)s”.") % {"key": key}, code="component")
    return key


def _communes(province, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple | set):
        raise ValidationError(_("Give a list of %(what)s.") % {"what": _("commune codes")}, code="list")
    codes = sorted({str(getattr(c, "pk", c)).strip() for c in value})
    found = set(Commune.objects.filter(province=province, pk__in=codes).values_list("pk", flat=True))
    if missing := [c for c in codes if c not in found]:
        raise ValidationError(_("No commune of this province has the code %(codes)s.")
                              % {"codes": ", ".join(map(str, missing))}, code="commune")
    return codes


def _clean_dataset(province, existing: Dataset | None, given: dict) -> dict:
    defaults = _dataset_state(Dataset(province=province))
    merged = _merged(_dataset_state(existing) if existing else defaults, defaults, given)
    f = _Faults()
    out = {
        "title": f.check("title", _text, merged["title"], 200, True),
        "title_en": f.check("title_en", _text, merged["title_en"], 200),
        "description": f.check("description", _text, merged["description"], 4000),
        "publisher": f.check("publisher", _text, merged["publisher"], 200),
        "licence": f.check("licence", _text, merged["licence"], 100, True),
        "keywords": f.check("keywords", _strings, merged["keywords"], 60, MAX_KEYWORDS, _("keywords")) or [],
        "component": f.check("component", _component, merged["component"]),
        "period_type": f.check("period_type", _one_of, merged["period_type"], PeriodType.values,
                               PeriodType.QUARTERLY),
        "due_days": f.check("due_days", _whole, merged["due_days"], 0, 366),
        "area_types": sorted(f.check("area_types", _strings, merged["area_types"], 10, 3, _("area types")) or []),
        "approver": f.check("approver", _one_of, merged["approver"], Approver.values, Approver.PROVINCE),
        "jump_percent": f.check("jump_percent", _whole, merged["jump_percent"], 1, 1000),
        "communes": f.check("communes", _communes, province, merged["communes"]) or [],
    }
    if unknown := [a for a in out["area_types"] if a not in AreaType.values]:
        f.add("area_types", _("“%(value)s” is not one of: %(choices)s.")
              % {"value": ", ".join(unknown), "choices": ", ".join(AreaType.values)})
    f.raise_any()
    return out


def _reported(dataset) -> bool:
    with tenancy.unscoped():  # a deliberate look across every commune's returns
        return Return.objects.filter(dataset=dataset).exists()


@transaction.atomic
def dataset_save(*, actor, province, code, title=KEEP, title_en=KEEP, description=KEEP, publisher=KEEP,
                 licence=KEEP, keywords=KEEP, component=KEEP, period_type=KEEP, due_days=KEEP, area_types=KEEP,
                 approver=KEEP, jump_percent=KEEP, communes=KEEP, is_sample: bool | None = None) -> Dataset:
    """Create or change the province's dataset ``code`` (its metadata and who reports it). A field not
    given keeps its value (a new dataset takes the default); None empties it. A new dataset starts
    unpublished; ``is_sample`` None keeps the mark."""
    _require(actor, province)
    try:
        code = _code(code)
    except ValidationError as error:
        raise ValidationError({"code": error.messages}) from None
    dataset = Dataset.objects.select_for_update().filter(province=province, code=code).first()
    after = _clean_dataset(province, dataset, {
        "title": title, "title_en": title_en, "description": description, "publisher": publisher,
        "licence": licence, "keywords": keywords, "component": component, "period_type": period_type,
        "due_days": due_days, "area_types": area_types, "approver": approver, "jump_percent": jump_percent,
        "communes": communes})
    commune_codes = after.pop("communes")
    if dataset is None:
        dataset = Dataset.objects.create(province=province, code=code, is_sample=bool(is_sample), **after)
        dataset.communes.set(commune_codes)
        record(actor=actor, action="xaso.datasets.dataset.created", obj=dataset,
               after={**_dataset_state(dataset), "is_sample": dataset.is_sample})
        return dataset
    before = {**_dataset_state(dataset), "is_sample": dataset.is_sample}
    # A published dataset is the province's own: a file marking it as a sample does not make it one again.
    sample = dataset.is_sample if is_sample is None else bool(is_sample) and dataset.published_at is None
    if before == {**after, "communes": commune_codes, "is_sample": sample}:
        return dataset
    if after["period_type"] != dataset.period_type and _reported(dataset):
        raise ValidationError({"period_type": _("Communes have already reported this dataset: its period can no "
                                                "longer change. Make a new dataset.")})
    for key, value in after.items():
        setattr(dataset, key, value)
    dataset.is_sample = sample
    dataset.save()
    dataset.communes.set(commune_codes)
    record(actor=actor, action="xaso.datasets.dataset.updated", obj=dataset, before=before,
           after={**_dataset_state(dataset), "is_sample": dataset.is_sample})
    return dataset


@dataclass(frozen=True)
class Item:
    """One element of a dataset, in order: the element's code, the form's section, whether required."""

    code: str
    section: str = ""
    required: bool = True


def _items(items) -> list[Item]:
    out = []
    for item in items:
        if isinstance(item, str):
            item = Item(item.strip())
        elif isinstance(item, dict):
            item = Item(str(item.get("code") or "").strip(), str(item.get("section") or "").strip(),
                        item.get("required", True) is not False)
        out.append(item)
    return out


def _rule_terms(rule) -> set[str]:
    return {t for _, t in validation.terms(rule.left) + validation.terms(rule.right)
            if not t.replace(".", "", 1).isdigit()}


@transaction.atomic
def dataset_set_elements(*, actor, dataset, items) -> Dataset:
    """Set the dataset's elements, in order (``items``: ``Item``s or dicts with code, section, required).
    A change of which elements, or of their order, raises the template version by one."""
    _require(actor, dataset.province)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    items = _items(items)
    known = {e.code: e for e in DataElement.objects.filter(province=dataset.province,
                                                            code__in=[i.code for i in items])}
    faults, seen = [], set()
    for item in items:
        if item.code not in known:
            faults.append(_("No element of the province's dictionary has the code “%(code)s”.") % {"code": item.code})
        elif item.code in seen:
            faults.append(_("The element %(code)s is listed twice.") % {"code": item.code})
        elif len(item.section) > 100:
            faults.append(_("%(code)s: a section's name has at most 100 characters.") % {"code": item.code})
        seen.add(item.code)
    numeric = {c for c, e in known.items() if e.is_numeric}
    for rule in dataset.rules.all():
        if missing := sorted(_rule_terms(rule) - numeric):
            faults.append(_("The rule %(rule)s uses %(codes)s: change or delete the rule first.")
                          % {"rule": rule.code, "codes": ", ".join(missing)})
    if faults:
        raise ValidationError(faults)
    current = list(dataset.members())
    before = [(i.element.code, i.section, i.required) for i in current]
    after = [(i.code, i.section, i.required) for i in items]
    if before == after:
        return dataset
    by_code = {i.element.code: i for i in current}
    DatasetElement.objects.filter(dataset=dataset).exclude(element__code__in=seen).delete()
    for order, item in enumerate(items):
        row = by_code.get(item.code) or DatasetElement(dataset=dataset, element=known[item.code])
        row.order, row.section, row.required = order, item.section, item.required
        row.save()
    if [c for c, _s, _r in before] != [c for c, _s, _r in after]:
        dataset.version += 1
        dataset.save(update_fields=["version", "updated_at"])
    record(actor=actor, action="xaso.datasets.dataset.elements_set", obj=dataset,
           before={"elements": before}, after={"elements": after, "version": dataset.version})
    return dataset


# --- Rules ---------------------------------------------------------------------------------------------


def _expression(value) -> str:
    return " ".join(str(value or "").split())


@transaction.atomic
def rule_save(*, actor, dataset, code, left, operator, right, message, message_en="",
              severity=Severity.ERROR) -> ValidationRule:
    """Create or change the dataset's rule ``code``: ``left operator right``, each side a sum of the
    dataset's numeric element codes and numbers, separated by " + " or " - "."""
    _require(actor, dataset.province)
    numeric = {i.element.code for i in dataset.members() if i.element.is_numeric}
    f = _Faults()
    after = {"left": _expression(left), "operator": f.check("operator", _one_of, operator, Operator.values, ""),
             "right": _expression(right), "message": f.check("message", _text, message, 300, True),
             "message_en": f.check("message_en", _text, message_en, 300),
             "severity": f.check("severity", _one_of, severity, Severity.values, Severity.ERROR)}
    code = f.check("code", _code, code)
    for side in ("left", "right"):
        if f.check(side, _text, after[side], 300, True):
            f.check(side, validation.check_expression, after[side], numeric)
    f.raise_any()
    rule = ValidationRule.objects.select_for_update().filter(dataset=dataset, code=code).first()
    if rule is None:
        rule = ValidationRule.objects.create(dataset=dataset, code=code, **after)
        record(actor=actor, action="xaso.datasets.rule.created", obj=rule, after=after)
        return rule
    before = {k: getattr(rule, k) for k in after}
    if before == after:
        return rule
    for key, value in after.items():
        setattr(rule, key, value)
    rule.save()
    record(actor=actor, action="xaso.datasets.rule.updated", obj=rule, before=before, after=after)
    return rule


@transaction.atomic
def rule_delete(*, actor, rule) -> None:
    _require(actor, rule.dataset.province)
    record(actor=actor, action="xaso.datasets.rule.deleted", obj=rule,
           before={"code": rule.code, "left": rule.left, "operator": rule.operator, "right": rule.right})
    rule.delete()


# --- Publishing ------------------------------------------------------------------------------------


@transaction.atomic
def dataset_publish(*, actor, dataset) -> Dataset:
    """Communes report a dataset once it is published. A sample the province publishes is its own
    definition from then on."""
    _require(actor, dataset.province)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.published_at is not None:
        return dataset
    if not dataset.items.exists():
        raise ValidationError(_("Add at least one element before publishing the dataset."), code="empty")
    dataset.published_at = timezone.now()
    dataset.is_sample = False
    dataset.save(update_fields=["published_at", "is_sample", "updated_at"])
    record(actor=actor, action="xaso.datasets.dataset.published", obj=dataset,
           after={"published_at": dataset.published_at.isoformat(), "version": dataset.version})
    return dataset


@transaction.atomic
def dataset_unpublish(*, actor, dataset) -> Dataset:
    """No new return is opened; returns already made stay as they are."""
    _require(actor, dataset.province)
    dataset = Dataset.objects.select_for_update().get(pk=dataset.pk)
    if dataset.published_at is None:
        return dataset
    before = {"published_at": dataset.published_at.isoformat()}
    dataset.published_at = None
    dataset.save(update_fields=["published_at", "updated_at"])
    record(actor=actor, action="xaso.datasets.dataset.unpublished", obj=dataset, before=before)
    return dataset
