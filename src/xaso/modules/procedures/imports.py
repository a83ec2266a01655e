# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading a procedure list from XLSX or CSV (docs/procedure-import.md): every row checked, all or nothing.

One column per fact; ``components`` lists the papers as ``name|originals|copies|digital|required|note``
separated by ``;`` (digital and required: có/không or yes/no; the note may be left out); ``form_fields`` is
optional JSON.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook

from .forms import FIELD_TYPES
from .models import Procedure

COLUMNS = ("code", "name", "sector_code", "sector_name", "level", "processing_days", "cutoff_time", "fee",
           "fee_note", "result_type", "forms", "legal_basis", "online_level", "effective_from", "effective_to",
           "components", "form_fields", "national_portal_url")
# What each column holds, written on the template's second sheet (docs/procedure-import.md says the same).
HELP = {
    "code": gettext_lazy("The procedure's code in the national procedure database, e.g. 1.001193."),
    "name": gettext_lazy("The procedure's name."),
    "sector_code": gettext_lazy("The sector's code, e.g. HT; a new code creates the sector."),
    "sector_name": gettext_lazy("The sector's name, e.g. Hộ tịch."),
    "level": gettext_lazy("Who resolves it: commune (default), province or central."),
    "processing_days": gettext_lazy("Processing time in working days; 0 is the same day."),
    "cutoff_time": gettext_lazy("Received at or after this hour (e.g. 15:00), the clock starts the next working day."),
    "fee": gettext_lazy("The fee in đồng; 0 is free."),
    "fee_note": gettext_lazy("How the fee is counted."),
    "result_type": gettext_lazy("What the applicant receives."),
    "forms": gettext_lazy("The forms to fill, as text."),
    "legal_basis": gettext_lazy("The legal basis."),
    "online_level": gettext_lazy("full, partial or none (default)."),
    "effective_from": gettext_lazy("In force from (dd/mm/yyyy)."),
    "effective_to": gettext_lazy("In force until (dd/mm/yyyy); empty while in force."),
    "components": gettext_lazy("The papers to bring, separated by ';', each name|originals|copies|digital accepted "
                               "(yes/no)|required (yes/no)|note."),
    "form_fields": gettext_lazy("The fields an online applicant fills, as JSON (see the documentation)."),
    "national_portal_url": gettext_lazy("The procedure's page on the National Public Service Portal."),
}
EXAMPLE = {"code": "1.001193", "name": "Đăng ký khai sinh", "sector_code": "HT", "sector_name": "Hộ tịch",
           "level": "commune", "processing_days": 1, "cutoff_time": "15:00", "fee": 0,
           "fee_note": "Miễn lệ phí khi đăng ký đúng hạn", "result_type": "Giấy khai sinh",
           "forms": "Tờ khai đăng ký khai sinh", "legal_basis": "Luật Hộ tịch số 60/2014/QH13",
           "online_level": "full", "effective_from": "01/07/2025", "effective_to": "",
           "components": "Tờ khai đăng ký khai sinh|1|0|yes|yes; Giấy chứng sinh|1|0|yes|yes|Bản chính",
           "form_fields": '[{"key": "child_name", "label": "Họ và tên người được khai sinh", "type": "text", '
                          '"required": true}]',
           "national_portal_url": ""}
REQUIRED = ("code", "name", "sector_code", "sector_name", "processing_days", "effective_from")
YES = {"yes", "y", "có", "co", "1", "x", "true"}
NO = {"no", "n", "không", "khong", "0", "", "false"}
MAX_ROWS = 5000
ROW_NUMBER = "#row"
FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_DAYS = 365  # no commune procedure takes a year; a larger number is a typing slip
MAX_FEE = 10**12  # the model keeps 12 digits


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
        try:
            lines = list(csv.reader(io.StringIO(text)))
        except csv.Error as error:  # a NUL byte, a cell past the csv module's size limit
            raise ValidationError(_("The CSV file cannot be read: %(error)s.") % {"error": error}) from error
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
    # Each row keeps its number in the file (blank lines are skipped but still counted) for the error list.
    rows = [{**dict(zip(header, line, strict=False)), ROW_NUMBER: number}
            for number, line in enumerate(lines[1:], start=2) if any(str(v).strip() for v in line)]
    if not rows:
        raise ValidationError(_("The file has no procedure under its header row."))
    return rows


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
        bits = [b.strip() for b in part.split("|", 5)] + [""] * 6
        name = bits[0]
        try:
            originals, copies = int(bits[1] or 0), int(bits[2] or 0)
        except ValueError:
            errors.append(_("components: “%(name)s”: the numbers of originals and copies must be whole numbers.")
                          % {"name": name})
            continue
        if not name or len(name) > 300 or not (0 <= originals <= 99 and 0 <= copies <= 99):
            errors.append(_("components: item %(n)s needs a name of at most 300 characters and numbers from 0 to 99.")
                          % {"n": i + 1})
            continue
        found.append({"order": i + 1, "name": name, "original_count": originals, "copy_count": copies,
                      "digital_accepted": _flag(bits[3] or "yes", "components", errors),
                      "required": _flag(bits[4] or "yes", "components", errors), "note": bits[5][:300]})
    return found


def _field_ok(spec: dict) -> bool:
    key, kind, choices = spec.get("key"), spec.get("type", "text"), spec.get("choices")
    return (isinstance(key, str) and bool(FIELD_KEY.match(key)) and kind in FIELD_TYPES
            and (kind != "choice" or (isinstance(choices, list) and bool(choices))))


def _form_fields(text, errors) -> list:
    """The online form's fields; their keys become form field names and the answers' keys on a dossier."""
    if isinstance(text, list):  # the sample YAML may write the list itself
        fields = text
    elif not str(text or "").strip():
        return []
    else:
        try:
            fields = json.loads(text)
        except ValueError:
            fields = None
    keys = [f.get("key") for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    if not isinstance(fields, list) or len(keys) != len(fields) or len(set(keys)) != len(keys) \
            or not all(_field_ok(f) for f in fields):
        errors.append(_("form_fields: not a list of fields in the template's JSON form."))
        return []
    return fields


# The longest text each column may hold (the model's limits), checked here so a long cell names its row.
LENGTHS = {"code": 40, "name": 500, "sector_code": 20, "sector_name": 200, "fee_note": 300, "result_type": 300,
           "forms": 500, "national_portal_url": 500}


def _lengths(v) -> list[str]:
    return [_("%(field)s: at most %(n)s characters.") % {"field": col, "n": n}
            for col, n in LENGTHS.items() if len(v[col]) > n]


def clean(rows: list[dict]) -> list[Row]:
    """Check every row; raise one ValidationError listing each row and field at fault, or return them all."""
    problems, cleaned, seen = [], [], set()
    for index, raw in enumerate(rows, start=2):  # row 1 is the header
        number = raw.get(ROW_NUMBER, index)
        errors = []
        v = {k: (raw.get(k, "") if not isinstance(raw.get(k), str) else raw.get(k).strip()) for k in COLUMNS}
        for col in REQUIRED:
            if v[col] in ("", None):
                errors.append(_("%(field)s is required.") % {"field": col})
        try:
            v["processing_days"] = int(v["processing_days"])
            if not 0 <= v["processing_days"] <= MAX_DAYS:
                raise ValueError
        except (TypeError, ValueError):
            errors.append(_("processing_days: a whole number of working days, from 0 to %(n)s.") % {"n": MAX_DAYS})
        try:
            fee = v["fee"]
            # A spreadsheet number is a number; typed text may group thousands ("30.000" or "30,000").
            v["fee"] = Decimal(int(fee)) if isinstance(fee, int | float) else Decimal(
                str(fee or 0).replace(".", "").replace(",", "").replace(" ", ""))
            if not 0 <= v["fee"] < MAX_FEE:
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
        for col in ("code", "name", "sector_code", "sector_name", "fee_note", "result_type", "forms", "legal_basis",
                    "national_portal_url"):
            v[col] = str(v[col] or "").strip()
        errors.extend(_lengths(v))
        if v["national_portal_url"]:
            try:
                URLValidator(schemes=["http", "https"])(v["national_portal_url"])
            except ValidationError:
                errors.append(_("national_portal_url: not a web address (https://…)."))
        if errors:
            problems.append(_("Row %(row)s: %(errors)s") % {"row": number, "errors": " ".join(errors)})
        else:
            cleaned.append(Row(number, v, components))
    if problems:
        raise ValidationError(problems)
    return cleaned


def template() -> Workbook:
    """The blank template: the header row, and a second sheet saying what each column holds, with an example.

    The example stays off the first sheet so that uploading the template unfilled imports nothing."""
    book = Workbook()
    book.active.title = "procedures"
    book.active.append(list(COLUMNS))
    guide = book.create_sheet(_("guide"))
    guide.append([_("Column"), _("Required"), _("What it holds"), _("Example")])
    for column in COLUMNS:
        guide.append([column, _("yes") if column in REQUIRED else _("no"), str(HELP[column]), EXAMPLE[column]])
    return book
