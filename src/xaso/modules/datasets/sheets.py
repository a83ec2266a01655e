# SPDX-License-Identifier: AGPL-3.0-or-later
"""A return as a spreadsheet: the template a commune downloads (XLSX or CSV), fills in Excel and uploads.

The template is generated from the dataset's definition for that commune and period: one row per figure
(an element for the commune, for each of its villages, or for each sex), with last period's value beside
it and the current value pre-filled. It carries the dataset's code, the template's version, the commune and
the period, so that an upload is matched to the return it was made for; a spreadsheet made from an older
version of the form is refused (its rows may no longer mean what they meant).

Reading an upload turns its rows into ``services.Entry`` objects with their row numbers; ``values_save``
then checks every value and stores all of them or none. Every fault is reported at once as
"row N, CODE: message".
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import filetype
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from xaso.core.accounts.permissions import require
from xaso.core.exports import FORMATS
from xaso.core.places.models import Village, village_name_key

from . import periods, services, validation
from .models import NUMERIC, Disaggregation, Sex, Source, ValueType, slot_of
from .workflow import ENTER

MAX_BYTES = 5 * 1024 * 1024  # a return is a few hundred rows; anything near this is not one
DATA_ROW = 8  # the first row of figures in the XLSX (rows 1-6: the header block, 7: the column headers)
KEY_ROWS = {"dataset": 2, "version": 3, "commune": 4, "period": 5}  # the header block's values, column B
YES_NO = ("có", "không")  # what validation.clean_value reads as yes and no, in the site's first language
MAX_ROWS = 20_000  # a workbook compresses well: 5 MB can hold millions of rows, none of them a return's
_CSV_KEYS = 4  # the CSV's first four columns repeat dataset, version, commune and period on every row
_CTX = "data template"  # the translation context of the template's headers


@dataclass(frozen=True)
class Line:
    """One row of the template: one figure of the return."""

    element: object
    village: object  # a Village, or None
    category: str  # a Sex value, or ""
    previous: object  # last period's value as the cell shows it
    value: object  # what the value cell shows: a number for a numeric figure, else text
    comment: str


def _columns():
    # (header, width): translated when the template is made, so a commune gets Vietnamese headers. A context
    # of their own: "Comment" or "Commune" alone mean other things on other pages.
    return [(pgettext(_CTX, "Element code"), 14), (pgettext(_CTX, "Element"), 48), (pgettext(_CTX, "Unit"), 10),
            (pgettext(_CTX, "Village"), 22), (pgettext(_CTX, "Sex"), 8), (pgettext(_CTX, "Last period"), 14),
            (pgettext(_CTX, "Value"), 16), (pgettext(_CTX, "Comment"), 36)]


def _labels() -> dict[str, str]:
    return {"dataset": pgettext(_CTX, "Dataset"), "version": pgettext(_CTX, "Template version"),
            "commune": pgettext(_CTX, "Commune"), "period": pgettext(_CTX, "Period")}


def _villages(commune) -> list:
    return list(Village.objects.filter(commune=commune, merged_into__isnull=True).order_by("name"))


def _shown(element, text: str):
    """The cell's content for a stored value: a number stays a number in Excel, yes/no reads as có/không."""
    if not text:
        return None
    if element.value_type in NUMERIC:
        return Decimal(text)
    if element.value_type == ValueType.YES_NO:
        return YES_NO[0] if text == "yes" else YES_NO[1]
    return text


def lines(ret, *, previous=None) -> list[Line]:
    """The return's figures in the form's order: each element, then its villages (by name) or sexes."""
    _totals, current = services.figures(ret)
    previous = services.previous_values(ret) if previous is None else previous
    villages = None
    out = []
    for item in ret.dataset.members():
        element = item.element
        if element.disaggregation == Disaggregation.VILLAGE:
            villages = _villages(ret.commune) if villages is None else villages
            places = [(v, "") for v in villages]
        elif element.disaggregation == Disaggregation.SEX:
            places = [(None, s.value) for s in Sex]
        else:
            places = [(None, "")]
        for village, category in places:
            slot = slot_of(village.pk if village else None, category)
            now, before = current.get((element.code, slot)), previous.get((element.code, slot))
            out.append(Line(element, village, category, _shown(element, before.text) if before else None,
                            _shown(element, now.text) if now else None, now.comment if now else ""))
    return out


def _keys(ret) -> dict[str, str]:
    return {"dataset": ret.dataset.code, "version": str(ret.dataset.version), "commune": ret.commune.code,
            "period": ret.period}


def _sex_label(category: str) -> str:
    return str(Sex(category).label) if category else ""


# --- Writing --------------------------------------------------------------------------------------------


def template_xlsx(ret, *, previous=None) -> bytes:
    """The return as an Excel workbook: only the value and comment cells can be edited."""
    wb = Workbook()
    ws = wb.active
    ws.title = pgettext(_CTX, "Figures")[:31]
    period = periods.parse(ret.dataset.period_type, ret.period)
    _put(ws, 1, 1, f"{ret.dataset.title} · {ret.commune.name} · {period.label}").font = Font(bold=True, size=13)
    labels = _labels()
    names = {"dataset": ret.dataset.title, "version": "", "commune": ret.commune.name, "period": period.label}
    for key, value in _keys(ret).items():
        row = KEY_ROWS[key]
        ws.cell(row, 1, labels[key]).font = Font(bold=True)
        ws.cell(row, 2, value).data_type = "s"  # "06688" must keep its leading zero
        _put(ws, row, 3, names[key])
    ws.cell(6, 1, _("Fill in the columns “Value” and “Comment” only. The other cells tell xaso which return "
                    "and which figure each row is.")).font = Font(italic=True)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for col, (header, width) in enumerate(_columns(), start=1):
        cell = ws.cell(DATA_ROW - 1, col, header)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(col)].width = width
    _write_lines(wb, ws, lines(ret, previous=previous))
    ws.freeze_panes = f"A{DATA_ROW}"
    # Protection keeps the descriptive cells from being typed over by mistake; it has no password,
    # because it is a guard rail, not a security measure (the upload is checked whatever it holds).
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = False
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _write_lines(wb, ws, rows: list[Line]) -> None:
    editable = Protection(locked=False)
    entry_fill = PatternFill("solid", fgColor="FFF8DC")
    checks: dict[int, DataValidation] = {}
    for r, line in enumerate(rows, start=DATA_ROW):
        element = line.element
        for col, value in enumerate((element.code, element.name, element.unit,
                                     line.village.name if line.village else "", _sex_label(line.category),
                                     line.previous), start=1):
            _put(ws, r, col, value)
        for col, value in ((7, line.value), (8, line.comment)):
            cell = _put(ws, r, col, value)
            cell.protection, cell.fill = editable, entry_fill
        if element.value_type in (ValueType.YES_NO, ValueType.CHOICE):
            if element.pk not in checks:
                checks[element.pk] = _choice_check(wb, element)
                ws.add_data_validation(checks[element.pk])
            checks[element.pk].add(f"G{r}")


def _put(ws, row: int, col: int, value):
    """Write a cell; text someone typed (a name, a comment) stays text even when it starts with "=", so it
    never runs as a formula in Excel."""
    cell = ws.cell(row, col, value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def _choice_check(wb, element) -> DataValidation:
    """A drop-down of the allowed answers. The list sits on a hidden sheet: an inline list is limited to
    255 characters and cannot hold a comma."""
    choices = list(YES_NO) if element.value_type == ValueType.YES_NO else [str(c) for c in element.choices]
    if "lists" not in wb.sheetnames:
        sheet = wb.create_sheet("lists")
        sheet.sheet_state = "hidden"
    sheet = wb["lists"]
    col = sheet.max_column + 1 if sheet.max_row > 1 or sheet["A1"].value is not None else 1
    for r, choice in enumerate(choices, start=1):
        sheet.cell(r, col, choice).data_type = "s"
    letter = get_column_letter(col)
    check = DataValidation(type="list", formula1=f"{quote_sheetname('lists')}!${letter}$1:${letter}${len(choices)}",
                           allow_blank=True, showErrorMessage=True)
    check.error = _("Choose one of the listed answers.")
    return check


def _csv_cell(value) -> str:
    # Excel runs a CSV cell that starts like a formula: text typed by someone must not.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        Decimal(text)
    except ArithmeticError:
        return False
    return True


def template_csv(ret) -> bytes:
    """The return as CSV (for any spreadsheet program): every row repeats dataset, template version,
    commune and period in its first columns."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(list(_labels().values()) + [header for header, _width in _columns()])
    keys = list(_keys(ret).values())
    for line in lines(ret):
        element = line.element
        writer.writerow(keys + [_csv_cell(v) for v in (
            element.code, element.name, element.unit, line.village.name if line.village else "",
            _sex_label(line.category), line.previous, line.value, line.comment)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the byte-order mark tells Excel it is UTF-8


def template_response(ret, fmt: str) -> HttpResponse:
    """The template as a download; the caller has checked that the user may see the return."""
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"unknown template format {fmt!r}")
    body = template_xlsx(ret) if fmt == "xlsx" else template_csv(ret)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    name = f"{ret.dataset.code}-{ret.commune.code}-{ret.period}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Reading --------------------------------------------------------------------------------------------


def _refuse(message: str, code: str = "invalid") -> ValidationError:
    return ValidationError(message, code=code)


def _content(upload) -> bytes:
    """The upload's bytes, refused past the size limit without reading further."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_BYTES:
        raise _refuse(_("The file is too large (%(size)s); the limit is %(limit)s.")
                      % {"size": filesizeformat(size), "limit": filesizeformat(MAX_BYTES)}, "too_big")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is too large (%(size)s); the limit is %(limit)s.")
                      % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}, "too_big")
    if not data:
        raise _refuse(_("The file is empty."), "empty")
    return data


def _too_many_rows() -> ValidationError:
    return _refuse(_("The spreadsheet has more than %(n)d rows: it is not the template of one return.")
                   % {"n": MAX_ROWS}, "too_many_rows")


def _not_a_sheet() -> ValidationError:
    return _refuse(_("This file is not a spreadsheet xaso can read: upload the template you downloaded, "
                     "as Excel (.xlsx) or CSV UTF-8 (.csv)."), "not_a_spreadsheet")


def _text(value) -> str:
    """A cell as text: openpyxl gives numbers, dates and booleans as such."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(data: bytes) -> tuple[dict[str, str], list[tuple[int, list[str]]]]:
    """The header block's values and the figure rows (row number, cells as text) of a workbook."""
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:  # not a workbook inside
        raise _not_a_sheet() from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some programs write a wrong used range; read every row there is
        keys, rows = {}, []
        by_row = {r: k for k, r in KEY_ROWS.items()}
        for number, cells in enumerate(ws.iter_rows(max_col=8, values_only=True), start=1):
            cells = [_text(c) for c in cells] + [""] * (8 - len(cells))
            if number in by_row:
                keys[by_row[number]] = cells[1]
            elif number >= DATA_ROW and any(cells):
                rows.append((number, cells))
                if len(rows) > MAX_ROWS:
                    raise _too_many_rows()
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 — a damaged sheet makes openpyxl's parser raise anything
        raise _not_a_sheet() from exc
    finally:
        wb.close()
    return keys, rows


def _csv_rows(data: bytes) -> tuple[dict[str, str], list[tuple[int, list[str]]]]:
    """The same from a CSV: the keys are on every row (taken from the first, checked on each)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("The CSV file is not in UTF-8: in Excel, save it as “CSV UTF-8 (Comma delimited)”."),
                      "encoding") from None
    if "\x00" in text:
        raise _not_a_sheet()
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    keys: dict[str, str] = {}
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            cells = [c.strip() for c in cells]
            if number == 1 or not any(cells):
                continue
            cells += [""] * (_CSV_KEYS + 8 - len(cells))
            found = dict(zip(KEY_ROWS, cells[:_CSV_KEYS], strict=True))
            if not keys:
                keys = found
            elif found != keys:  # rows of two returns in one file
                keys = {k: (v if found[k] == v else "?") for k, v in keys.items()}
            rows.append((number, [c[1:] if c[:1] == "'" else c for c in cells[_CSV_KEYS:_CSV_KEYS + 8]]))
            if len(rows) > MAX_ROWS:
                raise _too_many_rows()
    except csv.Error:
        raise _not_a_sheet() from None
    return keys, rows


def _check_keys(ret, keys: dict[str, str]) -> None:
    """The spreadsheet was made for this return, from the form as it is now."""
    expected = _keys(ret)
    found = dict(keys)
    if found.get("commune", "").isdigit():  # Excel drops a code's leading zero when it re-saves a CSV
        found["commune"] = found["commune"].zfill(len(expected["commune"]))
    found["period"] = found.get("period", "").upper()
    if not found.get("dataset"):
        raise _refuse(_("This spreadsheet is not a template of xaso: download the template of this return and "
                        "fill it in."), "not_a_template")
    for key in ("dataset", "commune", "period"):
        if found.get(key) != expected[key]:
            raise _refuse(_("This spreadsheet was made for another return (dataset %(dataset)s, commune "
                            "%(commune)s, period %(period)s): upload the template of this one.")
                          % {k: found.get(k) or "?" for k in ("dataset", "commune", "period")}, "other_return")
    if found.get("version") != expected["version"]:
        raise _refuse(_("This spreadsheet was made from an older version of the form; download it again."),
                      "old_template")


def _category(text: str) -> str | None:
    """"nam"/"nữ" (or male/female, or the label in the site's language) as a Sex; "" for none."""
    folded = text.casefold()
    if not folded:
        return ""
    for sex, words in ((Sex.MALE, ("nam", "male", "m")), (Sex.FEMALE, ("nữ", "nu", "female", "f"))):
        if folded in words or folded == str(sex.label).casefold():
            return sex.value
    return None


def read_upload(ret, upload) -> list[services.Entry]:
    """The figures of an uploaded template (.xlsx or .csv, told apart by content, not by name) as entries
    with their row numbers; ValidationError listing every fault, in which case nothing may be stored."""
    data = _content(upload)
    if data[:4] == b"PK\x03\x04":  # a ZIP container: an XLSX, if openpyxl can read one in it
        keys, rows = _xlsx_rows(data)
    elif filetype.guess(data[:8192]) is not None or b"\x00" in data[:8192]:  # a known binary type: a PDF, a photo
        raise _not_a_sheet()
    else:
        keys, rows = _csv_rows(data)
    _check_keys(ret, keys)
    members = {item.element.code: item.element for item in ret.dataset.members()}
    villages = {village_name_key(v.name): v.pk for v in _villages(ret.commune)}
    entries, faults = [], []
    for number, (code, _name, _unit, village, sex, _previous, value, comment) in rows:
        fault = None
        village_id = villages.get(village_name_key(village)) if village else None
        category = _category(sex)
        if code not in members:
            fault = _("no element of this dataset has this code.")
        elif village and village_id is None:
            fault = _("no village of this commune is called “%(name)s”.") % {"name": village[:100]}
        elif category is None:
            fault = _("“%(value)s” is not a sex: write “nam” or “nữ”.") % {"value": sex[:20]}
        entry = services.Entry(code, value, village_id, category or "", comment, row=number)
        if fault:
            faults.append((number, entry, fault))
        entries.append(entry)
    if faults:
        faults += _value_faults(members, entries, {row for row, _entry, _fault in faults})
        faults.sort(key=lambda f: f[0])
        # services._fault: the one "row N, CODE: message" format of every entry path.
        raise ValidationError([services._fault(e, m) for _row, e, m in faults], code="invalid")  # noqa: SLF001
    return entries


def _value_faults(members, entries, refused: set[int]) -> list[tuple[int, object, str]]:
    """With rows already refused, the values' own faults too, so that one upload shows every fault."""
    out = []
    for entry in entries:
        element = members.get(entry.element)
        if element is None or entry.row in refused:
            continue
        try:
            validation.clean_value(element, entry.raw)
        except ValidationError as exc:
            out.append((entry.row, entry, exc.messages[0]))
    return out


def upload_save(*, actor, ret, upload) -> services.Saved:
    """Read a filled template and save its figures into the return: all of them, or none."""
    require(actor, ENTER, ret.commune)
    if not ret.is_editable:
        raise ValidationError(_("This return is %(status)s: its figures can no longer be changed.")
                              % {"status": ret.get_status_display().lower()}, code="locked")
    entries = read_upload(ret, upload)
    return services.values_save(actor=actor, ret=ret, entries=entries, source=Source.UPLOAD)
