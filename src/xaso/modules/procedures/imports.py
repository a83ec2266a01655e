# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading a procedure list from XLSX or CSV (docs/procedure-import.md): every row checked, all or nothing.

One column per fact; ``components`` lists the papers as ``name|originals|copies|digital|required``
separated by ``;`` (digital and required: có/không or yes/no); ``form_fields`` is optional JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from .forms import FIELD_TYPES
from .models import Procedure

COLUMNS = ("code", "name", "sector_code", "sector_name", "level", "processing_days", "cutoff_time", "fee",
           "fee_note", "result_type", "forms", "legal_basis", "online_level", "effective_from", "effective_to",
           "components", "form_fields")
REQUIRED = ("code", "name", "sector_code", "sector_name", "processing_days", "effective_from")
YES = {"yes", "y", "có", "co", "1", "x", "true"}
NO = {"no", "n", "không", "khong", "0", "", "false"}
MAX_ROWS = 5000


@dataclass
class Row:
    number: int
    values: dict
    components: list[dict] = field(default_factory=list)


def read(upload) -> list[dict]:
    """The rows of an XLSX or CSV file as dicts keyed by the template's column names."""
    name = (getattr(upload, "name", "") or "").lower()
    upload.seek(0)
    if name.endswith(".xlsx"):
        try:
            sheet = load_workbook(upload, read_only=True, data_only=True).worksheets[0]
        except Exception as error:  # openpyxl raises many kinds for a broken file
            raise ValidationError(_("The file is not a readable Excel workbook.")) from error
        lines = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    elif name.endswith(".csv"):
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("The CSV file must be saved as UTF-8.")) from error
        lines = list(csv.reader(io.StringIO(text)))
    else:
        raise ValidationError(_("Upload an XLSX or CSV file made from the template."))
    if not lines:
        raise ValidationError(_("The file is empty."))
    header = [str(h).strip() for h in lines[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ValidationError(_("The file is not the procedure template: columns missing: %(cols)s.")
                              % {"cols": ", ".join(missing)})
    if len(lines) > MAX_ROWS + 1:
        raise ValidationError(_("At most %(n)s procedures per file.") % {"n": MAX_ROWS})
    return [dict(zip(header, line, strict=False)) for line in lines[1:] if any(str(v).strip() for v in line)]


def _date(value, label, errors):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    errors.append(_("%(field)s: “%(value)s” is not a date (dd/mm/yyyy).") % {"field": label, "value": text})
    return None


def _flag(value, label, errors) -> bool:
    text = str(value).strip().lower()
    if text in YES:
        return True
    if text not in NO:
        errors.append(_("%(field)s: write yes or no.") % {"field": label})
    return False


def _components(text: str, errors) -> list[dict]:
    found = []
    for i, part in enumerate(p for p in str(text or "").split(";") if p.strip()):
        bits = [b.strip() for b in part.split("|")] + [""] * 5
        name = bits[0]
        try:
            originals, copies = int(bits[1] or 0), int(bits[2] or 0)
        except ValueError:
            errors.append(_("components: “%(name)s”: the numbers of originals and copies must be whole numbers.")
                          % {"name": name})
            continue
        if not name or originals < 0 or copies < 0:
            errors.append(_("components: item %(n)s has no name or a negative number.") % {"n": i + 1})
            continue
        found.append({"order": i + 1, "name": name[:300], "original_count": originals, "copy_count": copies,
                      "digital_accepted": _flag(bits[3] or "yes", "components", errors),
                      "required": _flag(bits[4] or "yes", "components", errors)})
    return found


def _form_fields(text, errors) -> list:
    if not str(text or "").strip():
        return []
    try:
        fields = json.loads(text)
        assert isinstance(fields, list) and all(isinstance(f, dict) and f.get("key") and
                                                f.get("type", "text") in FIELD_TYPES for f in fields)
    except (ValueError, AssertionError):
        errors.append(_("form_fields: not a list of fields in the template's JSON form."))
        return []
    return fields


def clean(rows: list[dict]) -> list[Row]:
    """Check every row; raise one ValidationError listing each row and field at fault, or return them all."""
    problems, cleaned, seen = [], [], set()
    for number, raw in enumerate(rows, start=2):  # row 1 is the header
        errors = []
        v = {k: (raw.get(k, "") if not isinstance(raw.get(k), str) else raw.get(k).strip()) for k in COLUMNS}
        for col in REQUIRED:
            if v[col] in ("", None):
                errors.append(_("%(field)s is required.") % {"field": col})
        try:
            v["processing_days"] = int(v["processing_days"])
            if v["processing_days"] < 0:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(_("processing_days: a whole number of working days, 0 or more."))
        try:
            fee = v["fee"]
            # A spreadsheet number is a number; typed text may group thousands ("30.000" or "30,000").
            v["fee"] = Decimal(int(fee)) if isinstance(fee, int | float) else Decimal(
                str(fee or 0).replace(".", "").replace(",", "").replace(" ", ""))
            if v["fee"] < 0:
                raise InvalidOperation
        except InvalidOperation:
            errors.append(_("fee: an amount in dong, 0 or more."))
        v["level"] = str(v["level"] or "commune").strip().lower()
        if v["level"] not in Procedure.Level.values:
            errors.append(_("level: commune, province or central."))
        v["online_level"] = str(v["online_level"] or "none").strip().lower()
        if v["online_level"] not in Procedure.OnlineLevel.values:
            errors.append(_("online_level: full, partial or none."))
        cutoff = v["cutoff_time"]
        if isinstance(cutoff, dt.time):
            v["cutoff_time"] = cutoff
        elif str(cutoff or "").strip():
            try:
                v["cutoff_time"] = dt.datetime.strptime(str(cutoff).strip()[:5], "%H:%M").time()
            except ValueError:
                errors.append(_("cutoff_time: an hour such as 15:00."))
        else:
            v["cutoff_time"] = None
        v["effective_from"] = _date(v["effective_from"], "effective_from", errors)
        v["effective_to"] = _date(v["effective_to"], "effective_to", errors)
        if v["effective_from"] and v["effective_to"] and v["effective_to"] < v["effective_from"]:
            errors.append(_("effective_to is before effective_from."))
        components = _components(v.pop("components"), errors)
        v["form_fields"] = _form_fields(v["form_fields"], errors)
        identity = (str(v["code"]), v["effective_from"])
        if identity in seen:
            errors.append(_("the same code and date appear twice in the file."))
        seen.add(identity)
        for col in ("code", "name", "sector_code", "sector_name", "fee_note", "result_type", "forms", "legal_basis"):
            v[col] = str(v[col] or "").strip()
        if errors:
            problems.append(_("Row %(row)s: %(errors)s") % {"row": number, "errors": " ".join(errors)})
        else:
            cleaned.append(Row(number, v, components))
    if problems:
        raise ValidationError(problems)
    return cleaned
