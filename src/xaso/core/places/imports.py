# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading a commune's list of villages from a CSV or XLSX file.

The first non-empty row is the header. It must have a column "name" (or "Tên") and may have a column
"kind" (or "Loại"); headers are compared folded, so "TÊN" and "Ten" do too, and other columns (a row
number "STT", notes) are ignored. A blank kind means thôn. Row numbers are those a spreadsheet shows:
the header on the first line is row 1, the first village row 2.

Every row is checked before anything is saved, and every problem is reported at once, as
"Row N, column 'Tên': …" with the column named as the file names it; any problem stops the import.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from xaso.core.text import fold

from .models import village_name_key
from .services import VillageRow, name_error, parse_kind

MAX_BYTES = 2 * 1024 * 1024  # a commune's villages fit in a few kilobytes
MAX_ROWS = 2000  # more than any commune has; a cap so that a huge sheet cannot tie up the server
HEADERS = {"name": ("name", "ten"), "kind": ("kind", "loai")}


def read_villages(upload) -> list[VillageRow]:
    """The village rows of an uploaded file, or ValidationError listing every problem."""
    filename = getattr(upload, "name", "") or ""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ("csv", "xlsx"):
        raise ValidationError(_("Only CSV (UTF-8) and XLSX files can be imported; “%(name)s” is neither.")
                              % {"name": filename})
    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(size)d MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    data = upload.read()
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    table = _xlsx_table(data) if extension == "xlsx" else _csv_table(data)
    return _rows(table)


def _csv_table(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")  # with or without the byte-order mark Excel writes
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text. In Excel, save it as “CSV UTF-8 (Comma delimited)”, "
                                "or upload the XLSX file.")) from None
    if "\x00" in text:
        raise ValidationError(_("The file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" instead of "," where the comma is the decimal separator.
    delimiter = max((",", ";", "\t"), key=first_line.count) if any(d in first_line for d in ",;\t") else ","
    return _csv_rows(text, delimiter)


def _csv_rows(text: str, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(io.StringIO(text), delimiter=delimiter)
    except csv.Error:
        raise ValidationError(_("The CSV file cannot be read: check its quotes and separators.")) from None


def _xlsx_table(data: bytes) -> Iterator[list[str]]:
    if not data.startswith(b"PK\x03\x04"):  # every XLSX is a zip archive
        raise ValidationError(_("The file is not a readable XLSX workbook."))
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # a damaged or foreign file fails anywhere in zipfile or openpyxl; all mean the same
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from None
    return _xlsx_rows(workbook, sheet)


def _xlsx_rows(workbook, sheet) -> Iterator[list[str]]:
    try:
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(v) for v in row]
    except ValidationError:
        raise
    except Exception:  # the sheet's XML is read lazily, row by row, so damage may show only here
        raise ValidationError(_("The file is not a readable XLSX workbook.")) from None
    finally:
        workbook.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # "Thôn 1" typed as the number 1 arrives as 1.0
    return str(value)


def _header_key(text: str) -> str:
    return " ".join(fold(text).split())


def _numbered(table: Iterable[list[str]]) -> Iterator[tuple[int, list[str]]]:
    for number, row in enumerate(table, start=1):
        if any(str(cell).strip() for cell in row):
            yield number, row


def _rows(table: Iterable[list[str]]) -> list[VillageRow]:
    numbered = _numbered(table)
    header_row, header = next(numbered, (None, None))
    if header is None:
        raise ValidationError(_("The file has no header row; its first row must name the columns “name” and "
                                "“kind” (or “Tên” and “Loại”)."))
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        for field, words in HEADERS.items():
            if _header_key(cell) in words:
                if field in columns:
                    raise ValidationError(_("The header row names the column “%(column)s” twice.")
                                          % {"column": cell.strip()})
                columns[field] = index
    if "name" not in columns:
        raise ValidationError(_("The header row (row %(row)d) has no column “name” (or “Tên”).") % {"row": header_row})

    def value(row: list[str], field: str) -> str:
        index = columns.get(field)
        return str(row[index]).strip() if index is not None and index < len(row) else ""

    def label(field: str) -> str:
        return header[columns[field]].strip()

    errors, rows, seen = [], [], {}
    for count, (number, row) in enumerate(numbered, start=1):
        if count > MAX_ROWS:
            raise ValidationError(_("The file has more than %(max)d rows; split it into smaller files.")
                                  % {"max": MAX_ROWS})
        name, kind_text = value(row, "name"), value(row, "kind")
        row_errors = []
        if problem := name_error(name):
            row_errors.append((label("name"), problem))
        elif (key := village_name_key(name)) in seen:
            row_errors.append((label("name"), _("“%(name)s” is already on row %(other)d of this file.")
                               % {"name": name, "other": seen[key]}))
        else:
            seen[key] = number
        kind, problem = parse_kind(kind_text)
        if problem:
            row_errors.append((label("kind"), problem))
        for column, message in row_errors:
            errors.append(_("Row %(row)d, column '%(column)s': %(message)s")
                          % {"row": number, "column": column, "message": message})
        if not row_errors:
            rows.append(VillageRow(row=number, name=name, kind=kind))
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file lists no villages under its header row."))
    return rows
