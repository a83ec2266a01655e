# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on petitions: filing one (online by the petitioner, or at the counter, by post, at a meeting with
voters or from a village channel by an official), each step of its workflow, the petitioner's consent to
publication, and the escalation of overdue ones.

Every state change goes through ``workflow.PETITION.fire``; the petitioner hears of each (``events``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import sequences, tenancy
from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record
from xaso.core.clock.selectors import covers
from xaso.core.files.services import file_check, file_store
from xaso.core.text import fold
from xaso.core.workflow import escalate_once

from . import deadlines, events
from .models import Attachment, Channel, DeadlineRule, Kind, Petition, Stage, Topic
from .workflow import HANDLE, PETITION, TRIAGE

MAX_ATTACHMENTS = 3


@dataclass(frozen=True)
class Petitioner:
    """Who petitions, as typed: by the person online without an account, or by the official at the counter."""

    name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""


def _check(*, channel, topic, kind, subject, body, petitioner: Petitioner, signed_in: bool, files) -> None:
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Choose how the petition was received.")
    if topic not in Topic.values:
        errors["topic"] = _("Choose a topic.")
    if kind not in Kind.values:
        errors["kind"] = _("Choose the kind of petition.")
    if not subject.strip():
        errors["subject"] = _("Say in a few words what it is about.")
    if not body.strip():
        errors["body"] = _("Write the petition.")
    if not signed_in and not petitioner.name.strip():
        errors["name"] = _("Give the petitioner's name.")
    if not signed_in and not (petitioner.phone.strip() or petitioner.email.strip() or petitioner.address.strip()):
        errors["phone"] = _("Give a phone, an e-mail or an address where the answer can reach the petitioner.")
    if len(files) > MAX_ATTACHMENTS:
        errors["attachments"] = _("At most %(n)d files.") % {"n": MAX_ATTACHMENTS}
    if errors:
        raise ValidationError(errors)


def petition_file(*, actor, commune, channel: str, topic: str, subject: str, body: str,
                  petitioner: Petitioner | None = None, kind: str = Kind.GENERAL, consent_to_publish: bool = False,
                  attachments=(), idempotency_key: str | None = None, now: datetime | None = None) -> Petition:
    """File a petition and give it its dates, from the rules in force on the day of receipt.

    Online (``channel`` online) the petitioner is the signed-in ``actor``, or the anonymous person whose
    details are in ``petitioner``. Any other channel is an official of the commune typing what was received.
    The same ``idempotency_key`` twice gives the first petition; files are checked before anything is written.
    """
    if existing := _already_filed(idempotency_key):
        return existing
    petitioner = petitioner or Petitioner()
    signed_in = actor is not None and actor.is_authenticated
    official = signed_in and can(actor, TRIAGE, commune)
    if channel != Channel.ONLINE and not official:
        raise PermissionDenied(TRIAGE)
    # Online, the signed-in person is the petitioner; an official filing for someone types who.
    is_own = signed_in and channel == Channel.ONLINE and not official
    _check(channel=channel, topic=topic, kind=kind, subject=subject, body=body, petitioner=petitioner,
           signed_in=is_own, files=attachments)
    for upload in attachments:
        file_check(upload)
    kind = Kind.VOTERS if channel == Channel.VOTERS else kind
    now = now or timezone.now()
    province = commune.province_id
    received_on = timezone.localdate(now)
    accept_rule = deadlines.rule_for(province_id=province, kind=kind, stage=Stage.ACCEPT, on=received_on)
    answer_rule = deadlines.rule_for(province_id=province, kind=kind, stage=Stage.ANSWER, on=received_on)
    try:
        with transaction.atomic():
            year = timezone.localtime(now).year
            petition = Petition(
                commune=commune, kind=kind, channel=channel, topic=topic, subject=" ".join(subject.split()),
                body=body.strip(), consent_to_publish=consent_to_publish,
                # "KN": kiến nghị, so that a petition's code is never taken for a field report's.
                code=f"{commune.pk}-KN-{year}-{sequences.next_number(f'petition:{commune.pk}:{year}'):05d}",
                petitioner=actor if is_own else None,
                petitioner_name=petitioner.name.strip() or (str(actor) if is_own else ""),
                petitioner_email=petitioner.email.strip() or (actor.email if is_own else ""),
                petitioner_phone=petitioner.phone.strip(), petitioner_address=petitioner.address.strip(),
                received_by=actor if official else None, accept_rule=accept_rule, answer_rule=answer_rule,
                accept_by=deadlines.due(accept_rule, province_id=province, received_at=now),
                due_date=deadlines.due(answer_rule, province_id=province, received_at=now),
                idempotency_key=idempotency_key or None, received_at=now)
            petition.full_clean(exclude=["commune", "petitioner", "received_by", "assignee", "accept_rule",
                                         "answer_rule", "idempotency_key", "token", "code"])
            petition.save()
            petition.steps.create(transition="file", from_state="", to_state=petition.status,
                                  actor=actor if signed_in else None, actor_name=str(actor) if signed_in else "",
                                  data={"channel": channel}, at=now)
            for upload in attachments:
                stored = file_store(actor=actor if signed_in else None, commune=commune, upload=upload)
                Attachment.objects.create(petition=petition, file=stored)
            record(actor=actor if signed_in else None, action="xaso.petitions.petition.filed", obj=petition,
                   after={"channel": channel, "kind": kind, "due_date": petition.due_date.isoformat()})
            events.changed(petition, "file")
    except IntegrityError:
        if existing := _already_filed(idempotency_key):
            return existing
        raise
    return petition


def _already_filed(idempotency_key: str | None) -> Petition | None:
    """The petition a retried submission already filed. Read across the scope on purpose: an anonymous
    petitioner's scope sees published petitions only, yet their retry must find their own (the key is a
    random value only their form held)."""
    if not idempotency_key:
        return None
    with tenancy.unscoped():
        return Petition.objects.filter(idempotency_key=idempotency_key).first()


# --- The workflow -----------------------------------------------------------------------------------------

def _fire(petition: Petition, name: str, **kwargs) -> Petition:
    with transaction.atomic():
        petition = PETITION.fire(petition, name, **kwargs)
        events.changed(petition, name)
    return petition


def petition_accept(*, actor, petition: Petition, note: str = "", version: int | None = None) -> Petition:
    return _fire(petition, "accept", actor=actor, version=version, note=note)


def petition_assign(*, actor, petition: Petition, assignee, note: str = "", version: int | None = None) -> Petition:
    if assignee.commune_id != petition.commune_id or not can(assignee, HANDLE, petition.commune):
        raise ValidationError(_("Assign it to an official of this commune."), code="assignee")

    def apply(p):
        p.assignee = assignee

    return _fire(petition, "assign", actor=actor, version=version, apply=apply, note=note, holder=assignee)


def petition_answer(*, actor, petition: Petition, answer: str, attachment=None,
                    version: int | None = None) -> Petition:
    """The assignee's answer, which the petitioner reads (and the public too, if they agree)."""
    answer = answer.strip()
    if not answer:
        raise ValidationError(_("Write the answer the petitioner will read."), code="answer")
    if attachment is not None:
        file_check(attachment)

    def apply(p):
        p.answer, p.answered_at = answer, timezone.now()

    with transaction.atomic():
        answered = _fire(petition, "answer", actor=actor, version=version, apply=apply, note=answer,
                         holder=petition.assignee)
        if attachment is not None:
            stored = file_store(actor=actor, commune=answered.commune, upload=attachment)
            Attachment.objects.create(petition=answered, file=stored, role=Attachment.Role.ANSWER)
    return answered


def petition_publish(*, actor, petition: Petition, version: int | None = None) -> Petition:
    """Publish the answer, which only the petitioner's consent allows (checked on the locked row, so a
    consent withdrawn a moment before wins)."""

    def apply(p):
        if not p.consent_to_publish:
            raise ValidationError(_("The petitioner did not agree to publish the answer."), code="consent")
        p.published_at = timezone.now()
        p.folded_public = fold(f"{p.subject}\n{p.answer}")

    return _fire(petition, "publish", actor=actor, version=version, apply=apply)


def petition_close(*, actor, petition: Petition, note: str = "", version: int | None = None) -> Petition:
    return _fire(petition, "close", actor=actor, version=version, note=note)


def petition_forward(*, actor, petition: Petition, to: str, reason: str, version: int | None = None) -> Petition:
    """Not for the commune to settle: forwarded to the competent body, named (Luật Tiếp công dân art. 26(2))."""
    to, reason = " ".join(to.split()), reason.strip()
    if not to:
        raise ValidationError({"to": _("Name the competent body it is forwarded to.")})
    if not reason:
        raise ValidationError({"reason": _("Say why it is not for the commune.")})

    def apply(p):
        p.forwarded_to, p.reason, p.ended_at = to, reason, timezone.now()

    return _fire(petition, "forward", actor=actor, version=version, apply=apply, note=reason, data={"to": to})


def petition_return(*, actor, petition: Petition, reason: str, version: int | None = None) -> Petition:
    """A complaint or a denunciation under the name of a petition: returned with the reason and where to
    take it (Luật Khiếu nại 2011, Luật Tố cáo 2018 have their own procedures and deadlines)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why it is a complaint or a denunciation and where to take it.")})

    def apply(p):
        p.reason, p.ended_at = reason, timezone.now()

    return _fire(petition, "return", actor=actor, version=version, apply=apply, note=reason)


def petition_set_consent(*, actor, petition: Petition, consent: bool) -> Petition:
    """The petitioner (signed in, or holding the petition's token: the caller checked which) says whether
    the answer may be published. Changeable until it is published; recorded as a step of its history."""
    signed_in = actor is not None and actor.is_authenticated
    # Across the scope on purpose: a token holder's scope does not reach their own unpublished petition.
    with transaction.atomic(), tenancy.unscoped():
        locked = Petition.objects.select_for_update(of=("self",)).get(pk=petition.pk)
        if not locked.consent_changeable:
            raise ValidationError(_("The answer is already published, or the petition was forwarded or returned: "
                                    "this can no longer be changed."), code="consent")
        if locked.consent_to_publish == consent:
            return locked
        locked.consent_to_publish, before = consent, locked.consent_to_publish
        locked.version += 1
        locked.save(update_fields=["consent_to_publish", "version", "updated_at"])
        locked.steps.create(transition="consent", from_state=locked.status, to_state=locked.status,
                            actor=actor if signed_in else None, data={"consent": consent}, at=timezone.now())
        record(actor=actor if signed_in else None, action="xaso.petitions.petition.consent", obj=locked,
               before={"consent_to_publish": before}, after={"consent_to_publish": consent})
        events.changed(locked, "consent")
    return locked


def petitions_escalate_overdue(*, today=None) -> int:
    """Tell the chairperson and the assignee about every open petition past a date, once per petition."""
    from xaso.core.accounts.models import User
    from xaso.core.accounts.roles import Role

    def tell(petition):
        leaders = list(User.objects.filter(commune_id=petition.commune_id, role=Role.CHAIRPERSON, is_active=True))
        events.escalated(petition, [*leaders, *([petition.assignee] if petition.assignee_id else [])])

    return escalate_once(Petition.objects.overdue(today or timezone.localdate()),
                         action="xaso.petitions.petition.escalated", tell=tell)


RULES = "petitions.rule.manage"


def rule_add(*, actor, province, rule: DeadlineRule) -> DeadlineRule:
    """A province's own version of a deadline rule, in force from its date (earlier petitions keep theirs).

    Rules are never edited: a correction is a new version, so that a petition's rule stays what it was."""
    if not (can(actor, RULES) and covers(actor, province)):
        raise PermissionDenied(RULES)
    rule.province = province
    if rule.effective_to and rule.effective_to < rule.effective_from:
        raise ValidationError({"effective_to": _("The end date is before the start date.")})
    rule.full_clean()
    with transaction.atomic():
        rule.save()
        record(actor=actor, action="xaso.petitions.rule.added", obj=rule, commune_id=None,
               after={"province": province.pk, "kind": rule.kind, "stage": rule.stage, "days": rule.days,
                      "counting": rule.counting, "effective_from": rule.effective_from.isoformat(),
                      "certainty": rule.certainty})
    return rule
