# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of field reports: the public's (no personal data leaves through these pages) and the officials'."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune

from .models import Report, ResponseTemplate, Status
from .workflow import HANDLE, VIEW


def commune(code: str) -> Commune:
    return get_object_or_404(Commune, pk=code)


def commune_for_official(*, user, commune_code: str) -> Commune:
    found = commune(commune_code)
    if not can(user, VIEW, found):
        raise Http404
    return found


def public_reports(*, commune, category: str = "", status: str = "", bbox=None):
    """What the public map and list show: every report of the commune but duplicates, newest first."""
    qs = (Report.objects.filter(commune=commune).exclude(status=Status.DUPLICATE)
          .select_related("category").order_by("-created_at"))
    if category:
        qs = qs.filter(category__code=category)
    if status == "open":
        qs = qs.exclude(status__in=(Status.RESOLVED, Status.CLOSED))
    elif status == "closed":
        qs = qs.filter(status__in=(Status.RESOLVED, Status.CLOSED))
    if bbox is not None:
        west, south, east, north = bbox
        qs = qs.filter(longitude__range=(west, east), latitude__range=(south, north))
    return qs


def public_report(code: str) -> Report:
    return get_object_or_404(Report.objects.select_related("category", "commune").exclude(
        status=Status.DUPLICATE), code=code)


def work_list(*, user, commune, view: str = "open"):
    qs = Report.objects.filter(commune=commune).select_related("category", "handler", "village")
    if view == "mine":
        qs = qs.filter(handler=user)
    if view != "all":
        qs = qs.exclude(status__in=(Status.CLOSED, Status.DUPLICATE, Status.RESOLVED))
    return qs.order_by("due_date", "created_at")


def report_for_official(*, user, commune, code: str) -> Report:
    return get_object_or_404(Report.objects.select_related("category", "handler", "village", "reporter"),
                             commune=commune, code=code)


def handlers(commune):
    people = User.objects.filter(commune=commune, is_active=True).order_by("full_name", "username")
    return User.objects.filter(pk__in=[u.pk for u in people if can(u, HANDLE, commune)]).order_by("full_name")


def responses(*, commune, category=None):
    """The prepared answers offered when resolving: the category's own and those for every category."""
    qs = ResponseTemplate.objects.filter(commune=commune, active=True)
    return qs.filter(Q(category=category) | Q(category__isnull=True)) if category is not None else qs
