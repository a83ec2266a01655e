# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on official documents: registering what arrives, drafting, the steps to issuing, numbering.

Every state change goes through ``workflow.INCOMING`` / ``workflow.OUTGOING`` (row lock, version check,
history, audit). Numbers come from ``core.sequences`` inside the caller's transaction, per register and
year (Decree 30/2020: from 01 on 1 January); a number typed by the clerk must be free in that register.
Signing and exchange are in ``signing.py`` and ``exchange.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import sequences
from xaso.core.accounts.permissions import can, require
from xaso.core.audit.services import record
from xaso.core.clock.calendar import calendar_for
from xaso.core.files.services import file_check, file_store

from . import events, text
from .drafting.types import DOCUMENT_TYPES
from .models import Channel, Direction, IncomingDocument, Issuer, OutgoingDocument, Register, WorkFile
from .workflow import APPROVE, ASSIGN, DRAFT, INCOMING, OUTGOING, REGISTER


def issuer_for(commune) -> Issuer:
    """The commune's issuing body, made on first use from the commune's name (its code is typed later)."""
    issuer = Issuer.objects.filter(commune=commune).first()
    if issuer is None:
        issuer, _created = Issuer.objects.get_or_create(commune=commune, defaults={
            "name": f"ỦY BAN NHÂN DÂN {commune.name.upper()}", "place": commune.place_name})
    return issuer


def issuer_change(*, actor, issuer: Issuer, **fields) -> Issuer:
    """The issuing body's name, place and agency code, as printed and as known on the exchange axis."""
    require(actor, "documents.issuer.manage", issuer.commune)
    before = {name: getattr(issuer, name) for name in fields}
    for name, value in fields.items():
        setattr(issuer, name, value)
    issuer.full_clean(exclude=["commune"])
    issuer.save()
    record(actor=actor, action="xaso.documents.issuer.changed", obj=issuer, before=before, after=fields)
    return issuer


def register_for(commune, direction: str) -> Register:
    register = Register.objects.filter(commune=commune, direction=direction).order_by("pk").first()
    if register is None:
        name = "Sổ đăng ký văn bản đến" if direction == Direction.INCOMING else "Sổ đăng ký văn bản đi"
        register = Register.objects.create(commune=commune, direction=direction, name=name)
    return register


def _take_number(register: Register, year: int, typed: int | None, model, field: str) -> int:
    """The register's next number of the year, or the one the clerk typed if it is free.

    Call inside a transaction: ``next_number`` holds the sequence row until commit, so two clerks
    numbering at once are served one after the other; numbers typed earlier are stepped over.
    """
    used = model.objects.filter(register=register, year=year)
    if typed is not None:
        if typed < 1:
            raise ValidationError(_("A number starts from 1."), code="number")
        if used.filter(**{field: typed}).exists():
            raise ValidationError(_("Number %(n)02d is already used in the register “%(register)s” for %(year)s.")
                                  % {"n": typed, "register": register.name, "year": year}, code="number_used")
        return typed
    while True:
        number = sequences.next_number(f"documents:{register.pk}:{year}")
        if not used.filter(**{field: number}).exists():
            return number


def take_outgoing_number(document: OutgoingDocument, year: int, typed: int | None) -> int:
    """The outgoing register's number for ``document`` (inside the issuing transaction)."""
    return _take_number(document.register, year, typed, OutgoingDocument, "number")


# --- Incoming documents --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Received:
    """What the clerk copies off an arriving document (Decree 30/2020 Appendix IV, the incoming register)."""

    sender: str
    type_code: str
    summary: str
    number_symbol: str = ""
    document_date: date | None = None
    urgency: str = ""
    confidentiality: str = ""
    sender_organ_id: str = ""


def incoming_register(*, actor, commune, received: Received, upload=None, channel: str = Channel.PAPER,
                      arrival_number: int | None = None, exchange_id: str | None = None,
                      idempotency_key: str | None = None, now: datetime | None = None) -> IncomingDocument:
    """Register an arriving document with the next arrival number (or a typed one that is free).

    A document from the exchange axis carries its ``exchange_id``: receiving it again returns the first
    registration. ``actor`` None is the axis itself (no person registers those).
    """
    if actor is not None:
        require(actor, REGISTER, commune)
    if received.type_code not in DOCUMENT_TYPES:
        raise ValidationError(_("Unknown document type."), code="type")
    if existing := _already(IncomingDocument, commune, exchange_id=exchange_id, idempotency_key=idempotency_key):
        return existing
    if upload is not None:
        file_check(upload)
    now = now or timezone.now()
    year = timezone.localtime(now).year
    try:
        with transaction.atomic():
            register = register_for(commune, Direction.INCOMING)
            document = IncomingDocument(
                commune=commune, register=register, year=year, received_at=now, channel=channel,
                arrival_number=_take_number(register, year, arrival_number, IncomingDocument, "arrival_number"),
                sender=received.sender, sender_organ_id=received.sender_organ_id,
                number_symbol=received.number_symbol, document_date=received.document_date,
                type_code=received.type_code, summary=received.summary, urgency=received.urgency,
                confidentiality=received.confidentiality, exchange_id=exchange_id or None,
                idempotency_key=idempotency_key or None, registered_by=actor)
            document.full_clean(exclude=["commune", "register", "registered_by", "handler", "file", "work_file",
                                         "idempotency_key"])
            if upload is not None:
                document.file = file_store(actor=actor, commune=commune, upload=upload)
                document.body_text = text.of_upload(upload)
            document.save()
            document.steps.create(transition="register", from_state="", to_state=document.status, actor=actor,
                                  actor_name=str(actor or _("Document exchange axis")), at=now)
            events.incoming_registered(document, actor)
    except IntegrityError:
        # The same package or form registered at the same moment by another worker.
        if existing := _already(IncomingDocument, commune, exchange_id=exchange_id, idempotency_key=idempotency_key):
            return existing
        raise ValidationError(_("This arrival number was just taken; register again."), code="number_used") from None
    return document


def _already(model, commune, *, exchange_id=None, idempotency_key=None):
    """What an earlier call with the same package or the same idempotency key made, if anything."""
    if exchange_id and (found := model.objects.filter(commune=commune, exchange_id=exchange_id).first()):
        return found
    if idempotency_key:
        return model.objects.filter(commune=commune, idempotency_key=idempotency_key).first()
    return None


def incoming_assign(*, actor, document: IncomingDocument, handler, working_days: int, note: str = "",
                    version: int | None = None) -> IncomingDocument:
    """Give the document to a handler with a deadline counted in working days from today."""
    if handler.commune_id != document.commune_id or not can(handler, "documents.document.view", document.commune):
        raise ValidationError(_("The handler must be an official of this commune."), code="handler")
    if not 1 <= working_days <= 60:
        raise ValidationError(_("Give between 1 and 60 working days."), code="days")
    deadline = calendar_for(document.commune.province_id).due_date(timezone.localdate(), working_days)

    def apply(d):
        d.handler, d.deadline = handler, deadline

    document = INCOMING.fire(document, "assign", actor=actor, version=version, apply=apply, note=note,
                             holder=handler, data={"deadline": deadline.isoformat(), "handler": str(handler)})
    events.incoming_changed(document, "assign")
    return document


def incoming_step(*, actor, document: IncomingDocument, name: str, note: str = "",
                  version: int | None = None) -> IncomingDocument:
    """Take up, finish or reopen: the steps with nothing to decide but a note."""
    if name not in ("start", "finish", "reopen"):
        raise ValueError(name)
    document = INCOMING.fire(document, name, actor=actor, version=version, note=note, holder=document.handler)
    events.incoming_changed(document, name)
    return document


# --- Outgoing documents: drafting and the steps before signing -----------------------------------------

DRAFT_FIELDS = ("type_code", "title", "summary", "addressees", "body", "recipients", "urgency", "confidentiality",
                "signer", "signer_competence", "signer_position", "cosigner_position", "cosigner_name", "work_file",
                "exchange_to")


def _check_draft(commune, fields: dict) -> None:
    if fields.get("type_code") not in DOCUMENT_TYPES:
        raise ValidationError(_("Unknown document type."), code="type")
    signer = fields.get("signer")
    if signer is None or signer.commune_id != commune.pk or not can(signer, APPROVE, commune):
        raise ValidationError(_("The signer must be a leader of this commune."), code="signer")
    work_file = fields.get("work_file")
    if work_file is not None and work_file.commune_id != commune.pk:
        raise ValidationError(_("Unknown work file."), code="work_file")


def outgoing_create(*, actor, commune, reply_to: IncomingDocument | None = None, idempotency_key: str | None = None,
                    **fields) -> OutgoingDocument:
    """Start a draft (from a template the form filled in); ``fields`` are those of DRAFT_FIELDS. The same
    ``idempotency_key`` twice gives the first draft."""
    require(actor, DRAFT, commune)
    if existing := _already(OutgoingDocument, commune, idempotency_key=idempotency_key):
        return existing
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _check_draft(commune, fields)
    if reply_to is not None and reply_to.commune_id != commune.pk:
        raise ValidationError(_("Unknown incoming document."), code="reply_to")
    try:
        with transaction.atomic():
            document = OutgoingDocument(commune=commune, register=register_for(commune, Direction.OUTGOING),
                                        drafted_by=actor, reply_to=reply_to, idempotency_key=idempotency_key or None,
                                        **fields)
            if reply_to is not None and document.work_file is None:
                document.work_file = reply_to.work_file
            document.full_clean(exclude=["commune", "register", "drafted_by", "signer", "reply_to", "work_file",
                                         "idempotency_key"])
            document.save()
            document.steps.create(transition="create", from_state="", to_state=document.status, actor=actor,
                                  actor_name=str(actor), at=timezone.now())
    except IntegrityError:  # the same form sent twice at the same moment
        if existing := _already(OutgoingDocument, commune, idempotency_key=idempotency_key):
            return existing
        raise
    return document


def outgoing_edit(*, actor, document: OutgoingDocument, version: int | None = None, **fields) -> OutgoingDocument:
    unknown = set(fields) - set(DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields {unknown}")
    _check_draft(document.commune, {**{f: getattr(document, f) for f in DRAFT_FIELDS}, **fields})

    def apply(d):
        for name, value in fields.items():
            setattr(d, name, value)
        d.full_clean(exclude=["commune", "register", "drafted_by", "signer", "reply_to", "work_file"])

    return OUTGOING.fire(document, "edit", actor=actor, version=version, apply=apply,
                         data={"changed": sorted(fields)})


def outgoing_step(*, actor, document: OutgoingDocument, name: str, note: str = "",
                  version: int | None = None) -> OutgoingDocument:
    """Submit, review, send back, approve or cancel (signing and issuing are in ``signing.py``)."""
    if name not in ("submit", "review", "send_back", "approve", "cancel"):
        raise ValueError(name)
    if name == "send_back" and not note.strip():
        raise ValidationError(_("Say what the drafter should change."), code="note")
    holder = document.signer if name in ("review", "approve") else document.drafted_by
    document = OUTGOING.fire(document, name, actor=actor, version=version, note=note, holder=holder)
    events.outgoing_changed(document, name)
    return document


# --- Work files -----------------------------------------------------------------------------------------

def work_file_open(*, actor, commune, title: str, notes: str = "") -> WorkFile:
    require(actor, DRAFT, commune)
    title = " ".join(title.split())
    if not title:
        raise ValidationError(_("Give the work file a title."), code="title")
    today = timezone.localdate()
    return WorkFile.objects.create(commune=commune, title=title, notes=notes, owner=actor, year=today.year,
                                   opened_on=today)


def work_file_attach(*, actor, work_file: WorkFile, document) -> None:
    """Put an incoming or outgoing document of the same commune into the work file."""
    if not (can(actor, DRAFT, work_file.commune) or can(actor, ASSIGN, work_file.commune)):
        raise PermissionDenied(DRAFT)
    if document.commune_id != work_file.commune_id:
        raise ValidationError(_("Unknown document."), code="document")
    before = document.work_file_id
    type(document).objects.filter(pk=document.pk).update(work_file=work_file)
    record(actor=actor, action="xaso.documents.work_file.attached", obj=document,
           before={"work_file": before}, after={"work_file": work_file.pk})
