# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's definitions as a file: the YAML-shaped dict a province exports, edits and re-imports, and
the sample area datasets (DL14–DL28) it loads to adapt. Loading goes through the services of
``definitions``, all or nothing, each fault named by dataset, element and field.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .definitions import (
    _dataset_state,
    _expression,
    _require,
    dataset_save,
    dataset_set_elements,
    element_save,
    rule_delete,
    rule_save,
)
from .models import DataElement, Dataset, DatasetElement, Severity, ValidationRule

DATASET_FIELDS = ("title", "title_en", "description", "publisher", "licence", "keywords", "component",
                  "period_type", "due_days", "area_types", "communes", "approver", "jump_percent")
ELEMENT_FIELDS = ("name", "name_en", "value_type", "unit", "choices", "minimum", "maximum", "disaggregation",
                  "definition", "source")
RULE_FIELDS = ("left", "operator", "right", "message", "message_en", "severity")
_KEYS = {"dataset": {"code", "sample", "elements", "rules", *DATASET_FIELDS},
         "elements": {"code", "section", "required", *ELEMENT_FIELDS}, "rules": {"code", *RULE_FIELDS}}
MAX_DATASETS, MAX_ROWS = 200, 300
SAMPLES = Path(__file__).parent / "samples" / "area_datasets.yaml"


class _Loader(yaml.SafeLoader):
    """YAML without aliases: a small file cannot then stand for a huge tree."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise yaml.composer.ComposerError(None, None, "anchors and aliases (*name) are not accepted",
                                              self.peek_event().start_mark)
        return super().compose_node(parent, index)


def definitions_parse(text: str) -> dict:
    """The definitions a YAML text holds, or ValidationError saying where it is malformed."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader, without aliases)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ValidationError(_("The file is not valid YAML (line %(line)s): %(problem)s")
                              % {"line": mark.line + 1 if mark else "?",
                                 "problem": getattr(error, "problem", None) or error}, code="yaml") from None
    if not isinstance(data, dict):
        raise ValidationError(_("The file must hold a mapping with a list “datasets”."), code="shape")
    return data


def sample_definitions() -> dict:
    return definitions_parse(SAMPLES.read_text(encoding="utf-8"))


def _unknown(where: str, row: dict, kind: str) -> list[str]:
    extra = sorted(map(str, set(row) - _KEYS[kind]))
    return [_("%(where)s: unknown keys %(keys)s.") % {"where": where, "keys": ", ".join(extra)}] if extra else []


def _shape(data) -> list[dict]:
    """The file's datasets, or every fault of its shape (wrong types, unknown keys, repeated codes) at once."""
    if not isinstance(data, dict) or not isinstance(data.get("datasets"), list) or not data["datasets"]:
        raise ValidationError(_("The file must hold a mapping with a list “datasets”."), code="shape")
    faults = [_("unknown keys %(keys)s.") % {"keys": ", ".join(map(str, extra))}
              for extra in [sorted(set(data) - {"datasets", "sample"})] if extra]
    if len(data["datasets"]) > MAX_DATASETS:
        raise ValidationError(_("At most %(n)d datasets in one file.") % {"n": MAX_DATASETS}, code="shape")
    seen = set()
    for n, entry in enumerate(data["datasets"], start=1):
        if not isinstance(entry, dict) or not str(entry.get("code") or "").strip():
            faults.append(_("Dataset %(n)d: give a mapping with a code.") % {"n": n})
            continue
        entry["code"] = where = str(entry["code"]).strip()
        faults += _unknown(where, entry, "dataset")
        if where in seen:
            faults.append(_("%(where)s: the code is given twice.") % {"where": where})
        seen.add(where)
        for kind in ("elements", "rules"):
            rows = entry.get(kind)
            if rows is None:
                continue
            if not isinstance(rows, list) or len(rows) > MAX_ROWS or not all(
                    isinstance(r, dict) and str(r.get("code") or "").strip() for r in rows):
                faults.append(_("%(where)s: “%(key)s” must be a list (at most %(n)d) of mappings with a code.")
                              % {"where": where, "key": kind, "n": MAX_ROWS})
                continue
            for row in rows:
                row["code"] = str(row["code"]).strip()
                faults += _unknown(f"{where} / {row['code']}", row, kind)
    if faults:
        raise ValidationError(faults, code="shape")
    return data["datasets"]


def _collect(faults: list, where: str, fn, **kwargs):
    """Call a service; its faults go to the list, named by where they are in the file."""
    try:
        with transaction.atomic():
            return fn(**kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            faults += [f"{where} / {field}: {m}" for field, ms in error.message_dict.items() for m in ms]
        else:
            faults += [f"{where}: {m}" for m in error.messages]
        return None


def _element_definitions(entries: list[dict], faults: list) -> dict[str, tuple[str, dict]]:
    """Each element the file defines (a row with more than code, section and required), with where."""
    defined: dict[str, tuple[str, dict]] = {}
    for entry in entries:
        for row in entry.get("elements") or []:
            given = {k: row.get(k) for k in ELEMENT_FIELDS}
            if not any(k in row for k in ELEMENT_FIELDS):
                continue
            if row["code"] in defined and defined[row["code"]][1] != given:
                faults.append(_("%(where)s / %(code)s: defined differently in %(other)s; name it there only by "
                                "its code.") % {"where": entry["code"], "code": row["code"],
                                                "other": defined[row["code"]][0]})
            defined.setdefault(row["code"], (entry["code"], given))
    return defined


def _load_elements(actor, province, entries, todo, sample: bool, faults: list) -> set[str]:
    """Write the elements the datasets to write need (defined anywhere in the file); the codes that failed."""
    defined = _element_definitions(entries, faults)
    have = set(DataElement.objects.filter(province=province).values_list("code", flat=True))
    needed = sorted({row["code"] for e in todo for row in e.get("elements") or []})
    failed = set()
    for code in needed:
        if code in defined and not (sample and code in have):
            where, given = defined[code]
            if _collect(faults, f"{where} / {code}", element_save, actor=actor, province=province, code=code,
                        **given) is None:
                failed.add(code)
        elif code not in defined and code not in have:
            faults.append(_("%(code)s: no element of the province or of the file has this code.") % {"code": code})
            failed.add(code)
    return failed


def _same_rule(rule: ValidationRule, row: dict) -> bool:
    return (rule.left, rule.operator, rule.right, rule.message, rule.message_en, rule.severity) == (
        _expression(row.get("left")), row.get("operator"), _expression(row.get("right")),
        str(row.get("message") or "").strip(), str(row.get("message_en") or "").strip(),
        row.get("severity") or Severity.ERROR)


def _load_dataset(actor, province, entry: dict, is_sample: bool, failed: set, faults: list) -> None:
    where = entry["code"]
    dataset = _collect(faults, where, dataset_save, actor=actor, province=province, code=where,
                       is_sample=is_sample, **{k: entry.get(k) for k in DATASET_FIELDS})
    if dataset is None:
        return
    rows = entry.get("rules")
    if rows is not None:  # rules the file changes or drops go first: they may name an element it drops
        wanted = {row["code"]: row for row in rows}
        for rule in list(dataset.rules.all()):
            if rule.code not in wanted or not _same_rule(rule, wanted[rule.code]):
                rule_delete(actor=actor, rule=rule)
    items = entry.get("elements")
    if items is not None:
        if failed.intersection(row["code"] for row in items):
            return  # its elements' faults are listed; its rules could only add noise
        if _collect(faults, where, dataset_set_elements, actor=actor, dataset=dataset, items=items) is None:
            return
    for row in rows or []:
        _collect(faults, f"{where} / {row['code']}", rule_save, actor=actor, dataset=dataset, code=row["code"],
                 **{k: row.get(k) for k in RULE_FIELDS})


def definitions_load(*, actor, province, data: dict, sample: bool = False) -> list[Dataset]:
    """Create or update the elements, datasets, their element lists and rules a definitions file holds:
    all of it, or nothing with every fault named by dataset and element. Loading the same file again
    changes nothing.

    ``sample``: the samples a province adapts. Only what the province lacks is made (marked as a sample,
    unpublished); a dataset or element it already has is left as the province made it."""
    _require(actor, province)
    entries = _shape(data)
    codes = [e["code"] for e in entries]
    have = set(Dataset.objects.filter(province=province, code__in=codes).values_list("code", flat=True))
    todo = [e for e in entries if not (sample and e["code"] in have)]
    faults: list[str] = []
    with transaction.atomic():
        failed = _load_elements(actor, province, entries, todo, sample, faults)
        for entry in todo:
            marked = sample or data.get("sample") is True or entry.get("sample") is True
            _load_dataset(actor, province, entry, marked, failed, faults)
        if faults:
            raise ValidationError(faults, code="definitions")
    return list(Dataset.objects.filter(province=province, code__in=codes).order_by("code"))


def samples_load(*, actor, province) -> list[Dataset]:
    """Load the sample area datasets (DL14–DL28) the province lacks, as unpublished samples to adapt; the
    sample datasets as they now stand (those it had are left as they were)."""
    return definitions_load(actor=actor, province=province, data=sample_definitions(), sample=True)


def _number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _element_row(item: DatasetElement) -> dict:
    e = item.element
    row = {"code": e.code, "name": e.name, "name_en": e.name_en, "value_type": e.value_type, "unit": e.unit,
           "choices": list(e.choices or []), "minimum": _number(e.minimum), "maximum": _number(e.maximum),
           "disaggregation": e.disaggregation, "definition": e.definition, "source": e.source,
           "section": item.section}
    row = {k: v for k, v in row.items() if v not in ("", None, []) and not (k == "disaggregation" and v == "none")}
    if not item.required:
        row["required"] = False
    return row


def definitions_dump(datasets) -> dict:
    """The datasets in the file format ``definitions_load`` reads: what a province exports, edits and loads."""
    out = []
    for d in datasets:
        entry = {"code": d.code, **{k: v for k, v in _dataset_state(d).items()}}
        if d.is_sample:
            entry["sample"] = True
        entry["elements"] = [_element_row(item) for item in d.members()]
        entry["rules"] = [{"code": r.code, "left": r.left, "operator": r.operator, "right": r.right,
                           "message": r.message, **({"message_en": r.message_en} if r.message_en else {}),
                           "severity": r.severity} for r in d.rules.all()]
        out.append(entry)
    return {"datasets": out}
