# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on dossiers: intake, each step of the workflow, the clock, results, ratings.

Every state change goes through ``workflow.DOSSIER.fire`` (row lock, optional version check, history,
audit). The clock follows docs/decisions/0011-working-day-clock.md: the day the clock starts counts as
day 1; a pause for more documents gives back the working days it lasted; an extension sets a new date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import sequences
from xaso.core.accounts.permissions import can
from xaso.core.accounts.roles import Role
from xaso.core.audit.services import record
from xaso.core.clock.calendar import calendar_for
from xaso.core.files.services import file_check, file_store
from xaso.core.workflow import escalate_once

from . import events
from .models import Channel, Dossier, DossierComponent, Paper, Rating, ServiceCenter, Status
from .workflow import DOSSIER, PROCESS


@dataclass(frozen=True)
class Applicant:
    name: str
    id_number: str
    phone: str = ""
    email: str = ""
    address: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class PaperInfo:
    """What an official notes about a paper as it is digitised (Circular 01/2023)."""

    title: str
    issuer: str = ""
    number: str = ""
    issued_on: date | None = None
    valid_until: date | None = None


def service_center_for(commune) -> ServiceCenter:
    center = ServiceCenter.objects.filter(commune=commune).first()
    if center is None:
        center, _created = ServiceCenter.objects.get_or_create(
            commune=commune,
            defaults={"name": _("Public Administration Service Center of %(commune)s") % {"commune": commune.name},
                      "agency_code": f"{commune.province_id}.{commune.code}"})
    return center


def next_code(commune, day: date) -> str:
    """The dossier code: agency code, date of receipt (YYMMDD), the day's sequence (at least 4 digits).

    Circular 01/2018 art. 19 (structure kept by Circular 03/2025, see DOMAIN.md §2). The sequence comes
    from ``core.sequences`` inside the caller's transaction, so two intakes at once never share a code.
    """
    agency = service_center_for(commune).agency_code
    stamp = day.strftime("%y%m%d")
    return f"{agency}-{stamp}-{sequences.next_number(f'dossier:{agency}:{stamp}'):04d}"


# --- Intake ---------------------------------------------------------------------------------------------

def dossier_receive(*, actor, commune, procedure, applicant: Applicant, channel: str, uploads=None,
                    reuse=(), form_data=None, ticket=None, idempotency_key: str | None = None,
                    assisted: bool = False, accept: bool = False, now: datetime | None = None) -> Dossier:
    """File a dossier. ``uploads`` maps a component name to an uploaded file, ``reuse`` lists papers of
    the applicant's e-data store offered instead of an upload. At the counter the officer checks the
    papers on the spot (``accept=True``): the dossier is accepted and the receipt printed at once.

    The same ``idempotency_key`` twice returns the first dossier, unchanged.
    """
    uploads = dict(uploads or {})
    if idempotency_key:
        existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    online = channel == Channel.ONLINE and not assisted
    if online:
        if actor is None or actor.role not in (Role.CITIZEN, Role.BUSINESS):
            raise PermissionDenied("online filing is for citizens and businesses")
    elif not can(actor, "dossiers.dossier.receive", commune):
        raise PermissionDenied("dossiers.dossier.receive")
    if not procedure_handled(commune, procedure):
        raise ValidationError(_("This commune's service center does not handle this procedure."), code="procedure")
    for upload in uploads.values():
        file_check(upload)  # refuses a bad file before anything is written
    papers = _reusable(reuse, applicant, actor if online else None, commune)
    missing = [c.name for c in procedure.components.all()
               if c.required and c.name not in uploads and c.name not in {n for n, _p in papers}]
    if missing:
        raise ValidationError(_("Missing dossier components: %(names)s.") % {"names": "; ".join(missing)},
                              code="missing")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            dossier = Dossier(
                commune=commune, code=next_code(commune, timezone.localdate(now)), procedure=procedure,
                channel=channel, assisted=assisted, ticket=ticket, idempotency_key=idempotency_key or None,
                applicant=actor if online else None, applicant_name=applicant.name,
                applicant_id_number=applicant.id_number, applicant_phone=applicant.phone,
                applicant_email=applicant.email, applicant_address=applicant.address,
                organisation=applicant.organisation, form_data=form_data or {}, filed_by=actor,
                received_at=now, processing_days=procedure.processing_days)
            dossier.full_clean(exclude=["procedure", "ticket", "applicant", "filed_by", "commune"])
            dossier.save()
            for name, upload in uploads.items():
                stored = file_store(actor=actor, commune=commune, upload=upload)
                paper = Paper.objects.create(
                    commune=commune, kind=Paper.Kind.COMPONENT, title=name, owner_id_number=applicant.id_number,
                    owner=dossier.applicant, file=stored, source=dossier)
                DossierComponent.objects.create(dossier=dossier, name=name, paper=paper,
                                                original=not online)
            for name, paper in papers:
                DossierComponent.objects.create(dossier=dossier, name=name, paper=paper, reused=True)
            dossier.steps.create(transition="receive", from_state="", to_state=Status.RECEIVED, holder=actor
                                 if not online else None, actor=actor, actor_name=str(actor), at=now,
                                 data={"channel": channel, "assisted": assisted})
            record(actor=actor, action="xaso.dossiers.dossier.received", obj=dossier,
                   after={"code": dossier.code, "procedure": procedure.code, "channel": channel,
                          "assisted": assisted, "ticket": ticket.pk if ticket else None})
            if accept:
                dossier = dossier_accept(actor=actor, dossier=dossier, now=now)
            else:
                events.changed(dossier, "receive")
    except IntegrityError:
        # The same key submitted twice at the same moment: the other request won; answer with its dossier.
        if idempotency_key:
            existing = Dossier.objects.filter(idempotency_key=idempotency_key).first()
            if existing is not None:
                return existing
        raise
    return dossier


def procedure_handled(commune, procedure) -> bool:
    from xaso.modules.procedures.models import Enablement

    return Enablement.objects.filter(commune=commune, code=procedure.code).exists()


def _reusable(paper_ids, applicant: Applicant, owner, commune) -> list[tuple[str, Paper]]:
    """Papers offered for reuse must belong to the applicant and still be valid; online, to their account."""
    today = timezone.localdate()
    found = []
    for name, paper_id in dict(paper_ids).items():
        qs = Paper.objects.filter(pk=paper_id, commune=commune)
        qs = qs.filter(owner=owner) if owner is not None else qs.filter(owner_id_number=applicant.id_number)
        paper = qs.first()
        if paper is None or not paper.is_valid_on(today):
            raise ValidationError(_("The paper chosen for “%(name)s” cannot be reused: it is not the applicant's "
                                    "or it has expired.") % {"name": name}, code="reuse")
        found.append((name, paper))
    return found


# --- Reception: accept, ask to complete, refuse --------------------------------------------------------

def dossier_accept(*, actor, dossier: Dossier, version: int | None = None, now: datetime | None = None) -> Dossier:
    """Accept a complete dossier: the clock starts today, or on the next working day after the cut-off."""
    now = now or timezone.now()
    cal = calendar_for(dossier.commune.province_id)

    def start_clock(d):
        d.accepted_at = now
        d.clock_start = cal.start_day(now, d.procedure.cutoff_time)
        d.due_date = cal.due_date(d.clock_start, d.processing_days)

    return _fire(dossier, "accept", actor=actor, version=version, apply=start_clock, holder=actor)


def dossier_request_completion(*, actor, dossier, missing: str, version=None) -> Dossier:
    """Form 02: the dossier is not accepted yet; the applicant is told what is missing or wrong."""
    return _fire(dossier, "request_completion", actor=actor, version=version, note=_required(missing))


def dossier_complete(*, actor, dossier, uploads=None, version=None) -> Dossier:
    return _fire(dossier, "complete", actor=actor, version=version,
                 apply=lambda d: _add_uploads(d, actor, uploads))


def dossier_refuse(*, actor, dossier, reason: str, version=None) -> Dossier:
    """Form 03: refusal to accept, with its reason."""
    return _fire(dossier, "refuse", actor=actor, version=version, note=_required(reason))


# --- Processing ------------------------------------------------------------------------------------------

def dossier_assign(*, actor, dossier, assignee, version=None) -> Dossier:
    if not (assignee.is_active and assignee.commune_id == dossier.commune_id and can(assignee, PROCESS,
                                                                                     dossier.commune)):
        raise ValidationError(_("This person cannot handle dossiers of this commune."), code="assignee")

    def set_assignee(d):
        d.assignee = assignee

    return _fire(dossier, "assign", actor=actor, version=version, apply=set_assignee, holder=assignee,
                 data={"assignee": assignee.username})


def dossier_start(*, actor, dossier, version=None) -> Dossier:
    _require_handler(actor, dossier)
    return _fire(dossier, "start", actor=actor, version=version, holder=actor)


def dossier_request_documents(*, actor, dossier, missing: str, version=None, today: date | None = None) -> Dossier:
    """The clock pauses from today until the documents arrive (form 02, during processing)."""
    _require_handler(actor, dossier)
    today = today or timezone.localdate()

    def pause(d):
        d.paused_on = today

    return _fire(dossier, "request_documents", actor=actor, version=version, apply=pause, note=_required(missing),
                 holder=dossier.assignee)


def dossier_documents_received(*, actor, dossier, uploads=None, version=None, today: date | None = None) -> Dossier:
    """The documents arrived: the clock restarts and the appointment moves by the working days it was paused."""
    today = today or timezone.localdate()
    cal = calendar_for(dossier.commune.province_id)

    def resume(d):
        _add_uploads(d, actor, uploads)
        paused = cal.working_days_between(d.paused_on, today)
        d.paused_days += paused
        d.due_date = cal.add_working_days(d.due_date, paused)
        d.paused_on = None

    return _fire(dossier, "documents_received", actor=actor, version=version, apply=resume, holder=dossier.assignee)


def dossier_submit(*, actor, dossier, version=None) -> Dossier:
    _require_handler(actor, dossier)
    return _fire(dossier, "submit", actor=actor, version=version)


def dossier_send_back(*, actor, dossier, reason: str, version=None) -> Dossier:
    return _fire(dossier, "send_back", actor=actor, version=version, note=_required(reason), holder=dossier.assignee)


def dossier_approve(*, actor, dossier, version=None) -> Dossier:
    return _fire(dossier, "approve", actor=actor, version=version, holder=actor)


def dossier_result_ready(*, actor, dossier, upload, info: PaperInfo, version=None,
                         now: datetime | None = None) -> Dossier:
    """The result is digitised into the applicant's e-data store, where they can download it."""
    file_check(upload)
    now = now or timezone.now()

    def store_result(d):
        _store_result(d, actor, upload, info)
        d.resolved_at = now
        d.resolved_on = timezone.localdate(now)

    return _fire(dossier, "result_ready", actor=actor, version=version, apply=store_result, holder=actor,
                 data={"result": info.title})


def dossier_forward(*, actor, dossier, agency: str, version=None) -> Dossier:
    """Inter-agency one-stop: the dossier goes to the agency that resolves it, through the portal adapter."""
    from xaso.core.integrations import national_portal

    agency = _required(agency)

    def send(d):
        d.forwarded_to = agency
        d.forward_reference = national_portal.client().forward(dossier=d, agency=agency)

    return _fire(dossier, "forward", actor=actor, version=version, apply=send, data={"agency": agency})


def dossier_result_received(*, actor, dossier, upload, info: PaperInfo, version=None,
                            now: datetime | None = None) -> Dossier:
    file_check(upload)
    now = now or timezone.now()

    def store_result(d):
        _store_result(d, actor, upload, info)
        d.resolved_at = now
        d.resolved_on = timezone.localdate(now)

    return _fire(dossier, "result_received", actor=actor, version=version, apply=store_result, holder=actor)


def dossier_return(*, actor, dossier, online: bool = False, version=None, now: datetime | None = None) -> Dossier:
    now = now or timezone.now()

    def hand_over(d):
        d.returned_at = now

    return _fire(dossier, "return_result", actor=actor, version=version, apply=hand_over,
                 data={"how": "online" if online else "counter"})


def dossier_close(*, actor, dossier, version=None) -> Dossier:
    return _fire(dossier, "close", actor=actor, version=version)


def dossier_withdraw(*, actor, dossier, reason: str = "", version=None) -> Dossier:
    def release(d):
        d.paused_on = None

    return _fire(dossier, "withdraw", actor=actor, version=version, note=reason, apply=release)


def dossier_stop(*, actor, dossier, reason: str, version=None) -> Dossier:
    """Form 05: notice of stopping the resolution of the dossier, with its reason."""
    def release(d):
        d.paused_on = None

    return _fire(dossier, "stop", actor=actor, version=version, note=_required(reason), apply=release)


def dossier_extend(*, actor, dossier, new_date: date, reason: str, version=None) -> Dossier:
    """Form 04: apology and a new appointment date. Once per dossier: the last rule found (Decree 61/2018)
    allowed the date to be reset only once; Decree 118/2025's wording is not known (DOMAIN.md §2 [U])."""
    reason = _required(reason)
    cal = calendar_for(dossier.commune.province_id)
    if dossier.extensions:
        raise ValidationError(_("The appointment date of this dossier has already been extended once."),
                              code="extended")
    if dossier.due_date is None or new_date <= dossier.due_date or not cal.is_working_day(new_date):
        raise ValidationError(_("The new appointment date must be a working day after the current one."),
                              code="new_date")
    old = dossier.due_date

    def move(d):
        d.due_date = new_date
        d.extensions += 1

    return _fire(dossier, "extend", actor=actor, version=version, apply=move, note=reason,
                 data={"old_due_date": old.isoformat(), "new_due_date": new_date.isoformat()})


# --- After the result ------------------------------------------------------------------------------------

def dossier_rate(*, actor, dossier, score: int, reasons=(), comment: str = "", channel: str) -> Rating:
    """The applicant rates a returned dossier once, online from their account or at the counter."""
    if dossier.status not in (Status.RETURNED, Status.CLOSED):
        raise ValidationError(_("A dossier can be rated once its result has been returned."), code="state")
    if channel == Channel.ONLINE and (actor is None or dossier.applicant_id != actor.pk):
        raise PermissionDenied("only the applicant rates online")
    if channel != Channel.ONLINE and not can(actor, "dossiers.dossier.receive", dossier.commune):
        raise PermissionDenied("dossiers.dossier.receive")
    valid = set(Rating.Reason.values)
    reasons = [r for r in dict.fromkeys(reasons) if r in valid]
    with transaction.atomic():
        if Rating.objects.filter(dossier=dossier).exists():
            raise ValidationError(_("This dossier has already been rated."), code="rated")
        rating = Rating(dossier=dossier, score=score, reasons=reasons, comment=comment.strip(), channel=channel)
        rating.full_clean(exclude=["dossier"])
        rating.save()
        record(actor=actor, action="xaso.dossiers.rating.created", obj=dossier,
               after={"score": score, "reasons": reasons})
    return rating


def dossiers_escalate_overdue(*, today: date | None = None) -> int:
    """Tell the chairperson about every running dossier past its date, once per dossier."""
    from xaso.core.accounts.models import User

    def tell(dossier):
        events.escalated(dossier, User.objects.filter(commune_id=dossier.commune_id, role=Role.CHAIRPERSON,
                                                      is_active=True))

    return escalate_once(Dossier.objects.overdue(today or timezone.localdate()),
                         action="xaso.dossiers.dossier.escalated", tell=tell)


# --- Helpers ---------------------------------------------------------------------------------------------

def _fire(dossier, name, *, actor, version=None, apply=None, note="", data=None, holder=None) -> Dossier:
    with transaction.atomic():
        changed = DOSSIER.fire(dossier, name, actor=actor, version=version, apply=apply, note=note, data=data,
                               holder=holder)
        events.changed(changed, name)
    return changed


def _required(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Please give the reason or the list of documents."), code="required")
    return text


def _require_handler(actor, dossier) -> None:
    """A specialist works on the dossiers assigned to them; leaders and one-stop officers on any."""
    if actor is not None and actor.role == Role.SPECIALIST and dossier.assignee_id != actor.pk:
        raise PermissionDenied("not the assignee")


def _add_uploads(dossier, actor, uploads) -> None:
    for name, upload in (uploads or {}).items():
        stored = file_store(actor=actor, commune=dossier.commune, upload=upload)
        paper = Paper.objects.create(commune=dossier.commune, kind=Paper.Kind.COMPONENT, title=name,
                                     owner_id_number=dossier.applicant_id_number, owner=dossier.applicant,
                                     file=stored, source=dossier)
        DossierComponent.objects.create(dossier=dossier, name=name, paper=paper)


def _store_result(dossier, actor, upload, info: PaperInfo) -> Paper:
    stored = file_store(actor=actor, commune=dossier.commune, upload=upload)
    return Paper.objects.create(
        commune=dossier.commune, kind=Paper.Kind.RESULT, title=info.title, issuer=info.issuer, number=info.number,
        issued_on=info.issued_on, valid_until=info.valid_until, owner_id_number=dossier.applicant_id_number,
        owner=dossier.applicant, file=stored, source=dossier)
