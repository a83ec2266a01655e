# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on surveys: officials define, open and close them and hand out links (audited); people answer.

Every refusal is a ValidationError with a code and a message, raised before anything is written or inside
the one transaction that writes, so a refused write leaves nothing behind.

A response is not audited: the audit trail records what officials do, and a person's answers to a
satisfaction survey are anonymous unless the survey is once-per-person (then the response names the
account, as the rule needs, and nothing else does).
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import tenancy
from xaso.core.accounts.permissions import require
from xaso.core.accounts.roles import PEOPLE
from xaso.core.audit.services import record

from .models import (
    SATISFACTION_SCALE,
    TEXT_LIMIT,
    Answer,
    Channel,
    Kind,
    Link,
    OncePer,
    Question,
    Response,
    Status,
    Survey,
)

MANAGE = "surveys.survey.manage"
VIEW = "surveys.survey.view"
CHOICE_LIMIT = 200  # characters of one option
MAX_OPTIONS = 20
SUBMISSION_LIMIT = 64


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """A refusal about one field of the form (shown beside it), with its code."""
    return ValidationError({field: ValidationError(message, code=code)})


# --- Officials: surveys and their questions -----------------------------------------------------


@dataclass(frozen=True)
class SurveyFields:
    title: str
    description: str = ""
    once_per: str = OncePer.NONE
    opens_on: datetime.date | None = None
    closes_on: datetime.date | None = None


@dataclass(frozen=True)
class QuestionFields:
    kind: str
    text: str
    required: bool = True
    scale_max: int = SATISFACTION_SCALE
    choices: tuple[str, ...] = ()
    measures_satisfaction: bool = False


def _check_survey_fields(fields: SurveyFields) -> None:
    if not fields.title.strip():
        raise _field_error("title", _("Give the survey a title."), "title")
    if fields.once_per not in OncePer.values:
        raise _field_error("once_per", _("Choose who may answer."), "once_per")
    if fields.opens_on and fields.closes_on and fields.closes_on < fields.opens_on:
        raise _field_error("closes_on", _("The survey cannot close before it opens."), "dates")


def survey_create(*, actor, commune, fields: SurveyFields) -> Survey:
    require(actor, MANAGE, commune)
    _check_survey_fields(fields)
    with transaction.atomic():
        survey = Survey.objects.create(commune=commune, title=fields.title.strip(),
                                       description=fields.description.strip(), once_per=fields.once_per,
                                       opens_on=fields.opens_on, closes_on=fields.closes_on, created_by=actor)
        record(actor=actor, action="xaso.surveys.survey.created", obj=survey,
               after={"title": survey.title, "once_per": survey.once_per})
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def survey_update(*, actor, survey: Survey, fields: SurveyFields) -> Survey:
    """Title, description and dates change until the survey is closed; who may answer only while a draft
    (changing it under an open survey would change what its earlier responses meant)."""
    require(actor, MANAGE, survey.commune)
    _check_survey_fields(fields)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == Status.CLOSED:
            raise ValidationError(_("A closed survey cannot be changed; open it again first."), code="closed")
        if fields.once_per != survey.once_per and not survey.is_draft:
            raise _field_error("once_per", _("Who may answer can only change while the survey is a draft."),
                               "once_per_locked")
        before = {"title": survey.title, "once_per": survey.once_per, "opens_on": survey.opens_on,
                  "closes_on": survey.closes_on}
        survey.title, survey.description = fields.title.strip(), fields.description.strip()
        survey.once_per, survey.opens_on, survey.closes_on = fields.once_per, fields.opens_on, fields.closes_on
        survey.save()
        record(actor=actor, action="xaso.surveys.survey.changed", obj=survey, before=_jsonable(before),
               after=_jsonable({"title": survey.title, "once_per": survey.once_per, "opens_on": survey.opens_on,
                                "closes_on": survey.closes_on}))
    return survey


def _jsonable(values: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}


def _draft_only(survey: Survey) -> None:
    if not survey.is_draft:
        raise ValidationError(_("Questions can only change while the survey is a draft."), code="not_draft")


def _clean_question(fields: QuestionFields) -> QuestionFields:
    text = fields.text.strip()
    if not text:
        raise _field_error("text", _("Write the question."), "text")
    if len(text) > 500:
        raise _field_error("text", _("A question has at most 500 characters."), "text")
    if fields.kind not in Kind.values:
        raise _field_error("kind", _("Choose the kind of question."), "kind")
    options: tuple[str, ...] = ()
    scale_max = SATISFACTION_SCALE
    if fields.kind == Kind.SCALE:
        scale_max = fields.scale_max
        if not 2 <= scale_max <= 10:
            raise _field_error("scale_max", _("A scale goes from 1 to between 2 and 10."), "scale_max")
    if fields.kind == Kind.CHOICE:
        options = tuple(dict.fromkeys(o.strip() for o in fields.choices if o.strip()))
        if not 2 <= len(options) <= MAX_OPTIONS:
            raise _field_error("choices", _("Give between 2 and %(n)d options, one a line.") % {"n": MAX_OPTIONS},
                               "choices")
        if any(len(o) > CHOICE_LIMIT for o in options):
            raise _field_error("choices", _("An option has at most %(n)d characters.") % {"n": CHOICE_LIMIT},
                               "choices")
    if fields.measures_satisfaction and (fields.kind != Kind.SCALE or scale_max != SATISFACTION_SCALE):
        raise _field_error("measures_satisfaction", _("Only a 1–5 scale measures satisfaction."),
                           "satisfaction_scale")
    return QuestionFields(kind=fields.kind, text=text, required=fields.required, scale_max=scale_max,
                          choices=options, measures_satisfaction=fields.measures_satisfaction)


def question_add(*, actor, survey: Survey, fields: QuestionFields) -> Question:
    require(actor, MANAGE, survey.commune)
    fields = _clean_question(fields)
    with transaction.atomic():
        survey = _locked(survey)
        _draft_only(survey)
        last = survey.questions.aggregate(m=Max("position"))["m"] or 0
        question = Question.objects.create(survey=survey, position=last + 1, kind=fields.kind, text=fields.text,
                                           required=fields.required, scale_max=fields.scale_max,
                                           choices=list(fields.choices),
                                           measures_satisfaction=fields.measures_satisfaction)
        record(actor=actor, action="xaso.surveys.question.added", obj=question, commune_id=survey.commune_id,
               after={"text": question.text, "kind": question.kind})
    return question


def question_update(*, actor, question: Question, fields: QuestionFields) -> Question:
    require(actor, MANAGE, question.survey.commune)
    fields = _clean_question(fields)
    with transaction.atomic():
        _draft_only(_locked(question.survey))
        before = {"text": question.text, "kind": question.kind}
        question.kind, question.text, question.required = fields.kind, fields.text, fields.required
        question.scale_max, question.choices = fields.scale_max, list(fields.choices)
        question.measures_satisfaction = fields.measures_satisfaction
        question.save()
        record(actor=actor, action="xaso.surveys.question.changed", obj=question,
               commune_id=question.survey.commune_id, before=before,
               after={"text": question.text, "kind": question.kind})
    return question


def question_remove(*, actor, question: Question) -> None:
    require(actor, MANAGE, question.survey.commune)
    with transaction.atomic():
        survey = _locked(question.survey)
        _draft_only(survey)
        record(actor=actor, action="xaso.surveys.question.removed", obj=question, commune_id=survey.commune_id,
               before={"text": question.text, "kind": question.kind})
        question.delete()
        _renumber(list(survey.questions.all()))


def question_move(*, actor, question: Question, by: int) -> None:
    """Move a question up (``by=-1``) or down (``by=1``) the survey."""
    require(actor, MANAGE, question.survey.commune)
    with transaction.atomic():
        survey = _locked(question.survey)
        _draft_only(survey)
        questions = list(survey.questions.all())
        index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
        target = index + (1 if by > 0 else -1)
        if not 0 <= target < len(questions):
            return
        questions[index], questions[target] = questions[target], questions[index]
        _renumber(questions)
        record(actor=actor, action="xaso.surveys.question.moved", obj=question, commune_id=survey.commune_id,
               after={"position": target + 1})


def _renumber(questions: list[Question]) -> None:
    for position, q in enumerate(questions, start=1):
        if q.position != position:
            q.position = position
            q.save(update_fields=["position"])


def survey_open(*, actor, survey: Survey) -> Survey:
    """A draft (or a closed survey, again) starts taking responses; it needs at least one question."""
    require(actor, MANAGE, survey.commune)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == Status.OPEN:
            raise ValidationError(_("The survey is already open."), code="already_open")
        if not survey.questions.exists():
            raise ValidationError(_("Add at least one question before opening the survey."), code="no_questions")
        before = survey.status
        survey.status = Status.OPEN
        survey.save(update_fields=["status", "updated_at"])
        record(actor=actor, action="xaso.surveys.survey.opened", obj=survey, before={"status": before},
               after={"status": survey.status})
    return survey


def survey_close(*, actor, survey: Survey) -> Survey:
    require(actor, MANAGE, survey.commune)
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status != Status.OPEN:
            raise ValidationError(_("Only an open survey can be closed."), code="not_open")
        survey.status = Status.CLOSED
        survey.save(update_fields=["status", "updated_at"])
        record(actor=actor, action="xaso.surveys.survey.closed", obj=survey, before={"status": Status.OPEN},
               after={"status": survey.status})
    return survey


# --- Officials: links ---------------------------------------------------------------------------


def link_create(*, actor, survey: Survey, label: str, channel: str, single_use: bool = False) -> Link:
    require(actor, MANAGE, survey.commune)
    label = label.strip()
    if not label:
        raise _field_error("label", _("Name the link (for example the counter or the meeting)."), "label")
    if channel not in Channel.values:
        raise _field_error("channel", _("Choose the channel."), "channel")
    with transaction.atomic():
        survey = _locked(survey)
        if survey.status == Status.CLOSED:
            raise ValidationError(_("A closed survey takes no new links."), code="closed")
        link = Link.objects.create(survey=survey, label=label[:120], channel=channel, single_use=single_use,
                                   created_by=actor)
        record(actor=actor, action="xaso.surveys.link.created", obj=link, commune_id=survey.commune_id,
               after={"label": link.label, "channel": link.channel, "single_use": link.single_use})
    return link


def link_revoke(*, actor, link: Link, now=None) -> Link:
    require(actor, MANAGE, link.survey.commune)
    with transaction.atomic():
        link = Link.objects.select_for_update().get(pk=link.pk)
        if link.revoked_at is not None:
            raise ValidationError(_("This link was already revoked."), code="already_revoked")
        link.revoked_at = now or timezone.now()
        link.save(update_fields=["revoked_at"])
        record(actor=actor, action="xaso.surveys.link.revoked", obj=link, commune_id=link.survey.commune_id,
               after={"label": link.label})
    return link


# --- People: answering --------------------------------------------------------------------------


def device_digest(survey: Survey, device_id: str) -> str:
    """What is stored of a device's id: its SHA-256 together with the survey's, so the same device cannot be
    followed from one survey to the next by its digest."""
    return hashlib.sha256(f"xaso.surveys:{survey.pk}:{device_id}".encode()).hexdigest()


def link_by_token(token: str) -> Link | None:
    """The link whose token this is, whoever asks: holding the token is the permission (a deliberate read
    across the scope, as an anonymous visitor's scope reaches no survey)."""
    with tenancy.unscoped():
        return Link.objects.select_related("survey", "survey__commune").filter(token=token[:40]).first()


def _signed_in_person(user) -> bool:
    return user is not None and user.is_authenticated and user.role in PEOPLE


def check_link(link: Link | None, *, today: datetime.date, user=None, device_id: str | None = None) -> None:
    """Why this link takes no response now (raises), before anyone fills the form; ``response_submit``
    checks again. A device not known yet (no cookie before its first visit) is not refused here."""
    if link is None or link.revoked_at is not None:
        raise ValidationError(_("This survey link is not valid (it may have been withdrawn)."), code="link")
    survey = link.survey
    if not survey.accepts_on(today):
        raise ValidationError(_("This survey is not taking responses at the moment."), code="not_open")
    if link.single_use and link.used_at is not None:
        raise ValidationError(_("This survey link has already been used."), code="link_used")
    with tenancy.unscoped():
        if survey.once_per == OncePer.PERSON:
            if not _signed_in_person(user):
                raise ValidationError(_("Sign in with your electronic identity (VNeID) to answer this survey."),
                                      code="sign_in")
            if Response.objects.filter(survey=survey, person=user).exists():
                raise ValidationError(_("You have already answered this survey. Thank you."), code="answered")
        if survey.once_per == OncePer.DEVICE and device_id and Response.objects.filter(
                survey=survey, device_digest=device_digest(survey, device_id)).exists():
            raise ValidationError(_("This device has already answered this survey. Thank you."), code="answered")


def _answer_of(question: Question, raw) -> Answer | None:
    """The answer to one question as given (a form's text or a number), checked; None when left empty."""
    value = "" if raw is None else str(raw).strip()
    if not value:
        if question.required:
            raise ValidationError(_("Please answer this question."), code="required")
        return None
    if question.kind == Kind.SCALE:
        if not value.isdigit() or not 1 <= int(value) <= question.scale_max:
            raise ValidationError(_("Choose a point from 1 to %(n)d.") % {"n": question.scale_max}, code="scale")
        return Answer(question=question, number=int(value))
    if question.kind == Kind.CHOICE:
        if value not in question.choices:
            raise ValidationError(_("Choose one of the options shown."), code="choice")
        return Answer(question=question, choice=value)
    if len(value) > TEXT_LIMIT:
        raise ValidationError(_("At most %(n)d characters, please.") % {"n": TEXT_LIMIT}, code="too_long")
    return Answer(question=question, text=value)


def _answers(questions: list[Question], given: Mapping) -> list[Answer]:
    """Every answer checked; all the faults at once, each under its question's field name."""
    answers, faults = [], {}
    for question in questions:
        raw = given.get(question.pk, given.get(question.field_name))
        try:
            answer = _answer_of(question, raw)
        except ValidationError as error:
            faults[question.field_name] = error
            continue
        if answer is not None:
            answers.append(answer)
    if faults:
        raise ValidationError(faults)
    return answers


def _retried(submission: str, link: Link) -> Response | None:
    """The response this submission key already made through this link (a retry), if any."""
    with tenancy.unscoped():
        found = Response.objects.filter(submission=submission).first()
    if found is not None and found.link_id != link.pk:
        raise ValidationError(_("This form was already sent. Open the survey again to answer."), code="submission")
    return found


def response_submit(*, link_token: str, answers: Mapping, device_id: str | None = None, user=None,
                    submission: str | None = None, today: datetime.date | None = None,
                    now: datetime.datetime | None = None) -> Response:
    """One person's answers through a link, all or nothing.

    ``answers`` maps a question (its id, or its field name ``q<id>``) to the answer as typed. ``submission``
    is the form's random key: the same key again (a retry) returns the first response instead of a second.
    Refused, with nothing stored: an unknown or revoked link, a survey not open today, a one-time link
    already used, a second response where the survey takes one per device or per person, a missing
    required answer, a point off the scale, an option not in the list, a comment over 2,000 characters.
    """
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    submission = (submission or uuid.uuid4().hex)[:SUBMISSION_LIMIT]
    link = link_by_token(link_token or "")
    if link is not None and (existing := _retried(submission, link)):
        return existing
    check_link(link, today=today, user=user, device_id=device_id)
    survey = link.survey
    if survey.once_per == OncePer.DEVICE and not device_id:
        raise ValidationError(_("This survey takes one response per device: allow cookies and send it again."),
                              code="no_device")
    with tenancy.unscoped():  # the token is the permission; the caller may be anonymous
        questions = list(survey.questions.all())
        checked = _answers(questions, answers)
        try:
            with transaction.atomic():
                return _store(link, checked, submission=submission, now=now, user=user, device_id=device_id)
        except IntegrityError:
            # Two submits at the same moment: a retry of this one, or another response by the same device
            # or person, which the partial unique constraints refused.
            if existing := _retried(submission, link):
                return existing
            raise ValidationError(_("This survey has already been answered from here. Thank you."),
                                  code="answered") from None


def _store(link: Link, answers: list[Answer], *, submission: str, now, user, device_id) -> Response:
    survey = link.survey
    if link.single_use:
        # Compare-and-set on the link's row: of two requests at once, the database lets one UPDATE match.
        claimed = Link.objects.filter(pk=link.pk, used_at__isnull=True, revoked_at__isnull=True).update(used_at=now)
        if not claimed:
            raise ValidationError(_("This survey link has already been used."), code="link_used")
    if Survey.objects.filter(pk=survey.pk, status=Status.OPEN).count() != 1:  # closed while the form was open
        raise ValidationError(_("This survey is not taking responses at the moment."), code="not_open")
    response = Response.objects.create(
        survey=survey, link=link, channel=link.channel, submitted_at=now, submission=submission,
        device_digest=device_digest(survey, device_id) if survey.once_per == OncePer.DEVICE else "",
        person=user if survey.once_per == OncePer.PERSON else None)
    for answer in answers:
        answer.response = response
    Answer.objects.bulk_create(answers)
    return response
