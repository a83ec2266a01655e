# SPDX-License-Identifier: AGPL-3.0-or-later
"""A field report of commune A whose reporter's name and e-mail are the secret markers: the public pages
show the report but never who filed it; the officials' pages are A's only."""

from decimal import Decimal

from django.core.files.base import ContentFile

from xaso.core.files.services import file_store
from xaso.modules.reports import services
from xaso.modules.reports.models import Category, Photo, Report

GENERIC = {}
PUBLIC_ABOUT_A = {"reports:index", "reports:new", "reports:geojson", "reports:report", "reports:photo",
                  # Open311 GeoReport v2: public facts of a service, a request or a token's request, by design.
                  "open311:service", "open311:request", "open311:token"}


def private(commune, users, secrets):
    category = Category.objects.create(commune=commune, code="den-duong", name="Đèn đường")
    report = services.report_file(
        actor=None, commune=commune, category=category, description="Đèn đường không sáng",
        place=services.Place(latitude=Decimal("20.95"), longitude=Decimal("107.08")),
        reporter=services.Reporter(name=secrets[0], email=f"{secrets[2]}@example.org", phone="0912000999"))
    stored = file_store(actor=None, commune=commune, upload=ContentFile(b"\x89PNG\r\n\x1a\n", name="p.png"))
    photo = Photo.objects.create(report=report, file=stored)
    return {"code": report.code, "photo_id": photo.pk, "service_code": category.code,
            "service_request_id": report.code, "token": report.token}


def state():
    return sorted(Report.objects.values_list("pk", "status", "version", "handler_id", "rating"))
