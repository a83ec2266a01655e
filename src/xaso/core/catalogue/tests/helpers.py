# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reading an export back, as an official's spreadsheet would."""

import csv
import io
import json

from openpyxl import load_workbook


def read_export(response) -> list[dict]:
    """The rows of a CSV, XLSX or JSON export as dicts keyed by the header (JSON: by key)."""
    kind = response["Content-Type"]
    assert response["Content-Disposition"].startswith("attachment;")
    if kind.startswith("application/json"):
        return json.loads(response.content)
    if kind.startswith("text/csv"):
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")  # Excel needs the byte-order mark for Vietnamese
        return list(csv.DictReader(io.StringIO(text[1:])))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
