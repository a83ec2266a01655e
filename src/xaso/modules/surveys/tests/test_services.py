# SPDX-License-Identifier: AGPL-3.0-or-later
"""The surveys' services: officials define, open and close surveys and their links (audited); people answer,
and every refusal stores nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from xaso.core.audit.models import AuditEvent
from xaso.modules.surveys import services
from xaso.modules.surveys.models import Answer, Channel, Kind, Link, OncePer, Question, Response, Status

from .conftest import OPTIONS, answers_for, at

pytestmark = pytest.mark.django_db


def stored():
    return (Response.objects.count(), Answer.objects.count(), sorted(Link.objects.values_list("pk", "used_at")))


def refused(code, call):
    before = stored()
    with pytest.raises(ValidationError) as caught:
        call()
    codes = {e.code for e in caught.value.error_list} if not hasattr(caught.value, "error_dict") else {
        e.code for errors in caught.value.error_dict.values() for e in errors}
    assert code in codes, codes
    assert stored() == before, "a refused response changed something"
    return caught.value


# --- Defining a survey ---------------------------------------------------------------------------


def test_it_defines_opens_and_closes_a_survey_with_an_audit_trail(survey, users):
    survey, link = survey
    assert survey.status == Status.OPEN
    assert [q.position for q in survey.questions.all()] == [1, 2, 3]
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"xaso.surveys.survey.created", "xaso.surveys.question.added", "xaso.surveys.survey.opened",
            "xaso.surveys.link.created"} <= actions
    services.survey_close(actor=users["hana"], survey=survey)
    survey.refresh_from_db()
    assert survey.status == Status.CLOSED
    services.survey_open(actor=users["olivia"], survey=survey)  # the one-stop officer opens it again
    survey.refresh_from_db()
    assert survey.status == Status.OPEN


def test_only_managers_of_the_commune_define_surveys(users, commune_a, survey):
    survey, _link = survey
    fields = services.SurveyFields(title="Khảo sát")
    for who in ("bob", "sam", "charlie", "paula", "cindy"):  # the clerk, a specialist, B's chair, the province
        with pytest.raises(PermissionDenied):
            services.survey_create(actor=users[who], commune=commune_a, fields=fields)
        with pytest.raises(PermissionDenied):
            services.survey_close(actor=users[who], survey=survey)


def test_questions_change_only_while_a_draft(survey, users):
    survey, _link = survey
    before = list(Question.objects.values_list("pk", "text", "position"))
    with pytest.raises(ValidationError) as caught:
        services.question_add(actor=users["alice"], survey=survey,
                              fields=services.QuestionFields(kind=Kind.TEXT, text="Thêm?"))
    assert caught.value.code == "not_draft"
    with pytest.raises(ValidationError):
        services.question_remove(actor=users["alice"], question=survey.questions.first())
    assert list(Question.objects.values_list("pk", "text", "position")) == before


def test_who_may_answer_changes_only_while_a_draft(survey, users):
    survey, _link = survey
    with pytest.raises(ValidationError) as caught:
        services.survey_update(actor=users["alice"], survey=survey,
                               fields=services.SurveyFields(title=survey.title, once_per=OncePer.PERSON))
    assert caught.value.error_dict["once_per"][0].code == "once_per_locked"
    survey.refresh_from_db()
    assert survey.once_per == OncePer.NONE
    later = services.survey_update(actor=users["alice"], survey=survey, fields=services.SurveyFields(
        title="Khảo sát quý I", closes_on=dt.date(2026, 3, 31)))
    assert (later.title, later.closes_on) == ("Khảo sát quý I", dt.date(2026, 3, 31))


@pytest.mark.parametrize(("fields", "code"), [
    (services.QuestionFields(kind=Kind.CHOICE, text="Chọn", choices=("Một",)), "choices"),
    (services.QuestionFields(kind=Kind.CHOICE, text="Chọn", choices=("Một", " Một ", "")), "choices"),
    (services.QuestionFields(kind=Kind.TEXT, text="Góp ý", measures_satisfaction=True), "satisfaction_scale"),
    (services.QuestionFields(kind=Kind.SCALE, text="Điểm", scale_max=10, measures_satisfaction=True),
     "satisfaction_scale"),
    (services.QuestionFields(kind=Kind.SCALE, text="Điểm", scale_max=11), "scale_max"),
    (services.QuestionFields(kind=Kind.SCALE, text="   "), "text"),
])
def test_a_malformed_question_is_refused(make_survey, users, fields, code):
    survey, _link = make_survey(open_=False)
    count = survey.questions.count()
    with pytest.raises(ValidationError) as caught:
        services.question_add(actor=users["alice"], survey=survey, fields=fields)
    assert code in {e.code for errors in caught.value.error_dict.values() for e in errors}
    assert survey.questions.count() == count


def test_questions_are_reordered_and_removed_in_a_draft(make_survey, users):
    survey, _link = make_survey(open_=False)
    scale, choice, text = survey.questions.all()
    services.question_move(actor=users["alice"], question=text, by=-1)
    assert list(survey.questions.values_list("pk", flat=True)) == [scale.pk, text.pk, choice.pk]
    services.question_move(actor=users["alice"], question=scale, by=-1)  # already first: nothing moves
    services.question_remove(actor=users["alice"], question=text)
    assert list(survey.questions.values_list("pk", "position")) == [(scale.pk, 1), (choice.pk, 2)]


def test_a_survey_without_questions_cannot_open(users, commune_a):
    survey = services.survey_create(actor=users["alice"], commune=commune_a,
                                    fields=services.SurveyFields(title="Trống"))
    with pytest.raises(ValidationError) as caught:
        services.survey_open(actor=users["alice"], survey=survey)
    assert caught.value.code == "no_questions"


# --- Answering --------------------------------------------------------------------------------


def test_it_stores_one_response_with_its_answers_and_channel(survey, submit):
    _survey, link = survey
    audit = AuditEvent.objects.count()
    response = submit(link, score=4, choice=OPTIONS[1], text="Cán bộ nhiệt tình")
    assert (response.channel, response.link, response.person, response.device_digest) == (
        Channel.COUNTER, link, None, "")
    assert list(response.answers.order_by("question__position").values_list("number", "choice", "text")) == [
        (4, "", ""), (None, OPTIONS[1], ""), (None, "", "Cán bộ nhiệt tình")]
    assert AuditEvent.objects.count() == audit  # a person's anonymous answers are not in the audit trail


def test_a_retried_submit_gives_the_first_response(survey, submit):
    _survey, link = survey
    first = submit(link, submission="abc123")
    again = submit(link, submission="abc123", score=1)
    assert again.pk == first.pk
    assert Response.objects.count() == 1 and Answer.objects.filter(number=1).count() == 0


def test_a_submission_key_of_another_link_is_refused(survey, submit, users):
    survey, link = survey
    submit(link, submission="abc123")
    other = services.link_create(actor=users["alice"], survey=survey, label="Trực tuyến", channel=Channel.ONLINE)
    refused("submission", lambda: submit(other, submission="abc123"))


def test_an_unknown_or_revoked_link_is_refused(survey, submit, users):
    _survey, link = survey
    refused("link", lambda: services.response_submit(link_token="no-such-token", answers={}, today=dt.date.today()))
    services.link_revoke(actor=users["alice"], link=link)
    refused("link", lambda: submit(link))


def test_a_survey_not_open_or_outside_its_dates_is_refused(make_survey, submit, users):
    _draft, draft_link = make_survey(open_=False)
    refused("not_open", lambda: submit(draft_link))
    survey, link = make_survey(opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 31))
    refused("not_open", lambda: submit(link, now=at(2026, 2, 28, 23, 59)))
    refused("not_open", lambda: submit(link, now=at(2026, 4, 1, 0, 1)))
    submit(link, now=at(2026, 3, 31, 23, 0))  # the last day is still in
    services.survey_close(actor=users["alice"], survey=survey)
    refused("not_open", lambda: submit(link, now=at(2026, 3, 20)))


def test_a_one_time_link_is_refused_when_used_again(survey, submit, users):
    survey, _counter = survey
    meeting = services.link_create(actor=users["alice"], survey=survey, label="Họp thôn Khu 3",
                                   channel=Channel.MEETING, single_use=True)
    first = submit(meeting, submission="k1")
    meeting.refresh_from_db()
    assert meeting.used_at is not None and first.channel == Channel.MEETING
    assert submit(meeting, submission="k1").pk == first.pk  # a retry of the same submit is not a second use
    refused("link_used", lambda: submit(meeting, submission="k2"))


def test_a_refused_answer_does_not_use_up_a_one_time_link(survey, submit, users):
    survey, _counter = survey
    meeting = services.link_create(actor=users["alice"], survey=survey, label="Họp thôn Khu 3",
                                   channel=Channel.MEETING, single_use=True)
    refused("scale", lambda: submit(meeting, score=9))
    submit(meeting)  # still available


def test_once_per_device(make_survey, submit):
    survey, link = make_survey(once_per=OncePer.DEVICE)
    response = submit(link, device_id="device-one")
    assert len(response.device_digest) == 64 and "device-one" not in response.device_digest
    refused("answered", lambda: submit(link, device_id="device-one"))
    refused("no_device", lambda: submit(link))
    submit(link, device_id="device-two")
    assert Response.objects.filter(survey=survey).count() == 2


def test_once_per_person(make_survey, submit, users):
    survey, link = make_survey(once_per=OncePer.PERSON)
    refused("sign_in", lambda: submit(link))
    refused("sign_in", lambda: submit(link, user=users["bob"]))  # an official is not the public
    response = submit(link, user=users["cindy"])
    assert response.person == users["cindy"]
    refused("answered", lambda: submit(link, user=users["cindy"]))


def test_device_and_person_are_kept_only_where_the_rule_needs_them(survey, submit, users):
    _survey, link = survey
    response = submit(link, device_id="device-one", user=users["cindy"])
    assert (response.device_digest, response.person) == ("", None)
    submit(link, device_id="device-one", user=users["cindy"])  # any number of times
    assert Response.objects.count() == 2


def test_the_database_holds_the_once_per_rules(make_survey, submit, users):
    """What two requests at the same moment meet: the partial unique constraints, not the check before."""
    survey, link = make_survey(once_per=OncePer.DEVICE)
    first = submit(link, device_id="device-one")
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=survey, link=link, channel=link.channel, submitted_at=first.submitted_at,
                                device_digest=first.device_digest, submission="other")
    person_survey, person_link = make_survey(once_per=OncePer.PERSON)
    mine = submit(person_link, user=users["cindy"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(survey=person_survey, link=person_link, channel=person_link.channel,
                                submitted_at=mine.submitted_at, person=users["cindy"], submission="other")


@pytest.mark.parametrize(("change", "code"), [
    ({"score": ""}, "required"),
    ({"score": 0}, "scale"),
    ({"score": 6}, "scale"),
    ({"score": "năm"}, "scale"),
    ({"choice": "Không có trong danh sách"}, "choice"),
    ({"choice": ""}, "required"),
    ({"text": "x" * 2001}, "too_long"),
])
def test_a_bad_answer_is_refused_and_nothing_is_stored(survey, submit, change, code):
    _survey, link = survey
    refused(code, lambda: submit(link, **change))


def test_all_faults_come_at_once_under_their_questions(survey):
    survey, link = survey
    scale, choice, _text = survey.questions.all()
    with pytest.raises(ValidationError) as caught:
        services.response_submit(link_token=link.token, answers={}, today=dt.date(2026, 3, 10))
    assert set(caught.value.error_dict) == {scale.field_name, choice.field_name}


def test_answers_may_be_given_by_field_name(survey):
    survey, link = survey
    given = {f"q{k}": v for k, v in answers_for(survey, score=3).items()}
    response = services.response_submit(link_token=link.token, answers=given, today=dt.date(2026, 3, 10))
    assert response.answers.filter(number=3).exists()
