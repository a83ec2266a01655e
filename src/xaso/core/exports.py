# SPDX-License-Identifier: AGPL-3.0-or-later
"""Exports, once: every table a page shows can be downloaded as CSV, XLSX or JSON, and a table of
places also as GeoJSON (for QGIS and the province's GIS).

A view builds its table as columns plus rows and calls `respond`; the same rows feed the page.
CSV starts with a byte-order mark because Excel, which officials live in, needs it for Vietnamese.
"""

import csv
import datetime
import io
import json
from collections.abc import Iterable, Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "geojson": "application/geo+json",
}
PARAM = "export"


def requested(request, *, places: bool = False) -> str | None:
    """The export format the request asks for (?export=csv|xlsx|json, and geojson when the rows are
    ``places``), or None for the page."""
    fmt = request.GET.get(PARAM)
    return fmt if fmt in FORMATS and (places or fmt != "geojson") else None


def _safe_cell(value):
    # Spreadsheet formula injection: a cell a citizen typed must never run as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _xlsx_cell(value):
    # Excel has no time zones: an aware datetime is written as the wall-clock time of this site.
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = timezone.localtime(value).replace(tzinfo=None)
    elif isinstance(value, Promise):  # a lazily translated label
        value = str(value)
    return _safe_cell(value)


def respond(fmt: str, *, filename: str, columns: Sequence[tuple[str, str]], rows: Iterable[dict],
            point: tuple[str, str] = ("latitude", "longitude")) -> HttpResponse:
    """columns: (key, header) pairs; rows: dicts keyed by those keys. For GeoJSON, ``point`` names the keys
    of each row's latitude and longitude; a row without them is a feature without geometry, as RFC 7946
    allows, so that the export holds the same rows as the other formats."""
    keys = [k for k, _ in columns]
    headers = [str(h) for _, h in columns]
    rows = list(rows)
    if fmt == "geojson":
        lat, lon = point
        features = [{"type": "Feature",
                     "geometry": ({"type": "Point", "coordinates": [float(r[lon]), float(r[lat])]}
                                  if r.get(lat) is not None and r.get(lon) is not None else None),
                     "properties": {k: r.get(k) for k in keys}} for r in rows]
        body = json.dumps({"type": "FeatureCollection", "features": features}, cls=DjangoJSONEncoder,
                          ensure_ascii=False)
        response = HttpResponse(body, content_type=FORMATS[fmt])
    elif fmt == "json":
        body = json.dumps([{k: r.get(k) for k in keys} for r in rows], cls=DjangoJSONEncoder, ensure_ascii=False)
        response = HttpResponse(body, content_type=FORMATS[fmt])
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(headers)
        for r in rows:
            writer.writerow([_safe_cell(r.get(k)) for k in keys])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type=FORMATS[fmt])
    elif fmt == "xlsx":
        wb = Workbook(write_only=False)
        ws = wb.active
        ws.append(headers)
        for r in rows:
            ws.append([_xlsx_cell(r.get(k)) for k in keys])
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(60, len(header) + 2))
        ws.freeze_panes = "A2"
        buffer = io.BytesIO()
        wb.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=FORMATS[fmt])
    else:
        raise ValueError(f"unknown export format {fmt!r}")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
