# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly reports as PDF: a commune's (``measurement.dashboard.view``, as its dashboard) and the
province's communes compared (``measurement.province.view``). Same scoping as the dashboards: outsiders
get 404, citizens 403. A malformed or future month is refused with its reason (400). Printing is the
costly part, so each person may ask for a limited number of reports a minute.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core.catalogue.views import officials_only
from xaso.core.clock.calendar import today as local_today

from . import months, report_pdf, selectors
from .views_dashboard import CommuneBoard

PDF_RATE = "20/m"  # a module constant, so that a deployment (or a test) may change it


def _month(key: str, today):
    try:
        return months.parse(key, today), None
    except ValidationError as error:
        return None, HttpResponseBadRequest(" ".join(error.messages), content_type="text/plain; charset=utf-8")


def _limited() -> HttpResponse:
    return HttpResponse(_("Too many reports were asked for in a minute; try again in a moment."), status=429,
                        content_type="text/plain; charset=utf-8")


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_safe
@officials_only
@ratelimit(group="measurement.report", key="user_or_ip", rate=lambda _g, _r: PDF_RATE, method="GET", block=False)
def commune_report(request, commune_code: str, period: str):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    today = local_today()
    month, refusal = _month(period, today)
    if refusal is not None:
        return refusal
    if getattr(request, "limited", False):
        return _limited()
    body = report_pdf.commune_report(CommuneBoard(commune, month, today))
    return _pdf(body, f"bao-cao-chuyen-doi-so-{commune.code}-{month.key}.pdf")


@require_safe
@officials_only
@ratelimit(group="measurement.report", key="user_or_ip", rate=lambda _g, _r: PDF_RATE, method="GET", block=False)
def province_report(request, province_code: str, period: str):
    province = selectors.province_for(user=request.user, province_code=province_code)
    today = local_today()
    month, refusal = _month(period, today)
    if refusal is not None:
        return refusal
    if getattr(request, "limited", False):
        return _limited()
    data = selectors.province_dashboard(province, month, today=today)
    return _pdf(report_pdf.province_report(data, today), f"bao-cao-chuyen-doi-so-tinh-{province.code}-{month.key}.pdf")
