# SPDX-License-Identifier: AGPL-3.0-or-later
"""Procedure lists as a province would upload them, built in the test (XLSX with openpyxl, CSV with csv)."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from xaso.modules.procedures import imports

ROW = {"code": "1.001193", "name": "Đăng ký khai sinh", "sector_code": "HT", "sector_name": "Hộ tịch",
       "level": "commune", "processing_days": "1", "cutoff_time": "15:00", "fee": "0", "result_type": "Giấy khai sinh",
       "online_level": "full", "effective_from": "01/07/2025",
       "components": "Tờ khai|1|0|yes|yes; Giấy chứng sinh|1|0|có|không|Không có thì giấy cam đoan"}


def xlsx(rows, *, blank_lines_before: int = 0) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(list(imports.COLUMNS))
    for _ in range(blank_lines_before):
        sheet.append([None] * len(imports.COLUMNS))
    for row in rows:
        sheet.append([row.get(c, "") for c in imports.COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("thu-tuc.xlsx", buffer.getvalue())


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=imports.COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def csv_file(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("thu-tuc.csv", csv_bytes(rows))
