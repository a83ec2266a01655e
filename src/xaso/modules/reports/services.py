# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on field reports: filing one (routed, with its deadline), and each step of its workflow.

Every state change goes through ``workflow.REPORT.fire``. The deadline counts the category's working
days on the province's calendar from the day of receipt (``core.clock``), as dossiers do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import sequences
from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record
from xaso.core.clock.calendar import calendar_for
from xaso.core.files.images import photo_clean
from xaso.core.files.services import file_store
from xaso.core.places import boundary
from xaso.core.workflow import escalate_once

from . import events
from .models import OPEN, Category, Photo, Report, ResponseTemplate, Route, Status
from .tasks import make_thumbnail
from .workflow import HANDLE, REPORT

NEARBY_METRES = 150  # FixMyStreet asks about open reports this close before a new one is filed
EARTH_METRES = 6_371_000


@dataclass(frozen=True)
class Place:
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    village: object | None = None
    address: str = ""


@dataclass(frozen=True)
class Reporter:
    name: str = ""
    email: str = ""
    phone: str = ""
    hide_identity: bool = False


def _check_place(commune, place: Place) -> None:
    if (place.latitude is None) != (place.longitude is None):
        raise ValidationError(_("Give both the latitude and the longitude, or neither."), code="place")
    if place.latitude is not None and not (-90 <= place.latitude <= 90 and -180 <= place.longitude <= 180):
        raise ValidationError(_("This is not a place on Earth."), code="place")
    if place.latitude is None and place.village is None and not place.address.strip():
        raise ValidationError(_("Say where the problem is: a point on the map, a village or an address."),
                              code="place")
    if place.latitude is not None and boundary.covers(commune.boundary, place.latitude, place.longitude) is False:
        raise ValidationError(_("This place is outside %(commune)s; report it to the commune where it is.")
                              % {"commune": commune.name}, code="outside")
    if place.village is not None and place.village.commune_id != commune.pk:
        raise ValidationError(_("This village is not in the commune."), code="village")


def handler_for(category: Category, village) -> object | None:
    """The official a new report goes to: the village's rule for the category, else the category's own."""
    if village is not None:
        route = Route.objects.filter(category=category, village=village).select_related("handler").first()
        if route is not None and route.handler.is_active:
            return route.handler
    return category.handler if category.handler_id and category.handler.is_active else None


MAX_PHOTOS = 5


def report_file(*, actor, commune, category: Category, description: str, place: Place, reporter: Reporter,
                photos=(), idempotency_key: str | None = None, now: datetime | None = None) -> Report:
    """File a report: signed in or not (the caller checks that the commune allows anonymous reports).

    It is routed at once (a rule for the category and village, else the category's handler) and gets
    its deadline. Photos are checked and stripped of their location data before anything is written
    (a bad one refuses the whole report); thumbnails are made after commit. The same
    ``idempotency_key`` twice gives the first report.
    """
    if idempotency_key and (existing := Report.objects.filter(idempotency_key=idempotency_key).first()):
        return existing
    if category.commune_id != commune.pk or not category.active:
        raise ValidationError(_("Choose one of the commune's categories."), code="category")
    if not description.strip():
        raise ValidationError(_("Describe the problem."), code="description")
    _check_place(commune, place)
    if len(photos) > MAX_PHOTOS:
        raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS}, code="photos")
    cleaned = [photo_clean(upload) for upload in photos]
    now = now or timezone.now()
    signed_in = actor is not None and actor.is_authenticated
    cal = calendar_for(commune.province_id)
    try:
        with transaction.atomic():
            year = timezone.localtime(now).year
            report = Report(
                commune=commune, category=category, description=description.strip(),
                code=f"{commune.pk}-{year}-{sequences.next_number(f'report:{commune.pk}:{year}'):05d}",
                latitude=place.latitude, longitude=place.longitude, village=place.village,
                address=place.address.strip(), reporter=actor if signed_in else None,
                reporter_name=reporter.name or (str(actor) if signed_in else ""),
                reporter_email=reporter.email or (actor.email if signed_in else ""),
                reporter_phone=reporter.phone, hide_identity=reporter.hide_identity,
                idempotency_key=idempotency_key or None, created_at=now,
                due_date=cal.due_date(cal.start_day(now, None), category.deadline_days))
            report.full_clean(exclude=["commune", "category", "village", "reporter", "handler", "duplicate_of",
                                       "idempotency_key", "token", "code"])
            handler = handler_for(category, place.village)
            # Routed at once when a rule knows who fixes it (DIGIT PGR's auto-assignment); else checked first.
            report.handler, report.status = handler, Status.ASSIGNED if handler else Status.NEW
            report.save()
            report.steps.create(transition="file", from_state="", to_state=report.status,
                                actor=actor if signed_in else None, actor_name="", holder=handler, at=now)
            for photo in cleaned:
                stored = file_store(actor=actor if signed_in else None, commune=commune, upload=photo.content)
                made = Photo.objects.create(report=report, file=stored)
                transaction.on_commit(lambda pk=made.pk: make_thumbnail.enqueue(pk))
            events.changed(report, "file")
    except IntegrityError:
        if idempotency_key and (existing := Report.objects.filter(idempotency_key=idempotency_key).first()):
            return existing
        raise
    return report


def nearby(*, category: Category, latitude: Decimal, longitude: Decimal, metres: int = NEARBY_METRES):
    """Open reports of the same category within ``metres``: offered before filing a duplicate.

    A bounding box narrows the query on the index; the exact distance (haversine) decides.
    """
    lat, lon = float(latitude), float(longitude)
    dlat = math.degrees(metres / EARTH_METRES)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    candidates = Report.objects.filter(
        category=category, status__in=OPEN, latitude__range=(lat - dlat, lat + dlat),
        longitude__range=(lon - dlon, lon + dlon))
    close = [(distance(lat, lon, float(r.latitude), float(r.longitude)), r) for r in candidates]
    return [r for d, r in sorted(close, key=lambda pair: pair[0]) if d <= metres]


def distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_METRES * math.asin(math.sqrt(a))


# --- The workflow -----------------------------------------------------------------------------------------

def _fire(report: Report, name: str, **kwargs) -> Report:
    """One step, and (in the same transaction) the reporter told and the IOC's event queued."""
    with transaction.atomic():
        report = REPORT.fire(report, name, **kwargs)
        events.changed(report, name)
    return report


def report_assign(*, actor, report: Report, handler, note: str = "", version: int | None = None) -> Report:
    if handler.commune_id != report.commune_id or not can(handler, HANDLE, report.commune):
        raise ValidationError(_("The handler must be an official of this commune."), code="handler")

    def apply(r):
        r.handler = handler

    return _fire(report, "assign", actor=actor, version=version, apply=apply, note=note, holder=handler)


def report_resolve(*, actor, report: Report, answer: str, version: int | None = None) -> Report:
    """Resolved, with the answer the reporter (and the public map) reads."""
    if not answer.strip():
        raise ValidationError(_("Write the answer the reporter will read."), code="answer")

    def apply(r):
        r.public_note, r.resolved_at = answer.strip(), timezone.now()

    return _fire(report, "resolve", actor=actor, version=version, apply=apply, note=answer.strip(),
                       holder=report.handler)


def report_merge(*, actor, report: Report, into: Report, version: int | None = None) -> Report:
    """The same problem as an earlier report: this one follows it (its reporter is told of its progress)."""
    if into.pk == report.pk or into.commune_id != report.commune_id or into.status == Status.DUPLICATE:
        raise ValidationError(_("Choose another open report of the commune."), code="into")

    def apply(r):
        r.duplicate_of = into

    return _fire(report, "merge", actor=actor, version=version, apply=apply, data={"into": into.code})


def report_rate(*, actor, report: Report, rating: int, comment: str = "", version: int | None = None) -> Report:
    """The reporter's verdict on a resolved report: 4–5 closes it, 1–3 reopens it (FixMyStreet's
    questionnaire, Signalen's reopen request)."""
    if not 1 <= rating <= 5:
        raise ValidationError(_("Give a rating from 1 to 5."), code="rating")
    if report.reporter_id is None or actor is None or report.reporter_id != actor.pk:
        raise PermissionDenied("only the reporter rates their report")

    def apply(r):
        r.rating = rating

    name = "close" if rating >= 4 else "reopen"
    return _fire(report, name, actor=actor, version=version, apply=apply, note=comment,
                       holder=report.handler, data={"rating": rating})


def report_step(*, actor, report: Report, name: str, note: str = "", version: int | None = None) -> Report:
    """Triage, take up, ask the reporter, the reporter's answer: steps with nothing but a note."""
    if name not in ("triage", "start", "ask_reporter", "reporter_answered"):
        raise ValueError(name)
    return _fire(report, name, actor=actor, version=version, note=note, holder=report.handler)




MANAGE = "reports.category.manage"


@transaction.atomic
def response_template_save(*, actor, commune, title: str, text: str, category: Category | None = None,
                           active: bool = True, template: ResponseTemplate | None = None) -> ResponseTemplate:
    """Add a prepared answer, or change ``template``; audited. The commune's leaders and IT officer keep them."""
    if not can(actor, MANAGE, commune):
        raise PermissionDenied(MANAGE)
    if category is not None and category.commune_id != commune.pk:
        raise ValidationError({"category": _("This category is not the commune's.")})
    if template is not None and template.commune_id != commune.pk:
        raise PermissionDenied(MANAGE)
    found = template or ResponseTemplate(commune=commune)
    before = None if template is None else {"title": template.title, "text": template.text,
                                            "category": template.category_id, "active": template.active}
    found.title, found.text, found.category, found.active = title.strip(), text.strip(), category, active
    found.full_clean(exclude=["commune", "category"])
    if ResponseTemplate.objects.filter(commune=commune, title=found.title).exclude(pk=found.pk).exists():
        raise ValidationError({"title": _("Another prepared answer has this title.")})
    found.save()
    record(actor=actor, action="xaso.reports.response.saved", obj=found, before=before,
           after={"title": found.title, "text": found.text, "category": found.category_id, "active": found.active})
    return found


def reports_escalate_overdue(*, today=None) -> int:
    """Tell the chairperson and the handler about every open report past its date, once per report
    (DIGIT PGR's escalation; the deadline is the category's, in working days)."""
    from xaso.core.accounts.models import User
    from xaso.core.accounts.roles import Role

    def tell(report):
        leaders = list(User.objects.filter(commune_id=report.commune_id, role=Role.CHAIRPERSON, is_active=True))
        events.escalated(report, [*leaders, *([report.handler] if report.handler_id else [])])

    overdue = Report.objects.filter(status__in=OPEN, due_date__lt=today or timezone.localdate())
    return escalate_once(overdue, action="xaso.reports.report.escalated", tell=tell)
