# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public form: answering without signing in, the counter's return to a fresh form, one-time links,
once-per-device and once-per-person surveys, refusals that store nothing, and the rate limit."""

import re

import pytest
from django.utils import timezone

from xaso.modules.surveys import services
from xaso.modules.surveys.models import Answer, Channel, OncePer, Response
from xaso.modules.surveys.views_public import DEVICE_COOKIE

from .conftest import OPTIONS

pytestmark = pytest.mark.django_db


def form_data(survey, page=None, score="5", choice=OPTIONS[0], text=""):
    scale, pick, comment = survey.questions.all()
    data = {scale.field_name: score, pick.field_name: choice, comment.field_name: text}
    if page is not None:
        data["submission"] = re.search(rb'name="submission" value="(\w+)"', page.content).group(1).decode()
    return data


def url(link):
    return f"/surveys/s/{link.token}/"


def test_anyone_answers_at_the_counter_and_the_tablet_returns_to_a_fresh_form(survey, client):
    survey, link = survey
    page = client.get(url(link))
    assert page.status_code == 200
    assert "Ông/bà hài lòng thế nào?".encode() in page.content and b'type="radio"' in page.content
    sent = client.post(url(link), form_data(survey, page, text="Cảm ơn cán bộ"))
    assert sent.status_code == 302 and sent["Location"] == url(link) + "thanks/?counter=1"
    response = Response.objects.get()
    assert response.channel == Channel.COUNTER and response.answers.filter(text="Cảm ơn cán bộ").exists()
    thanks = client.get(sent["Location"])
    assert f'http-equiv="refresh" content="5;url={url(link)}?counter=1"'.encode() in thanks.content
    again = client.get(url(link) + "?counter=1")
    assert again.status_code == 200  # a fresh form for the next person
    assert form_data(survey, again)["submission"] != form_data(survey, page)["submission"]


def test_an_online_link_thanks_without_returning_unless_asked(survey, client, users):
    survey, _counter = survey
    online = services.link_create(actor=users["alice"], survey=survey, label="Cổng", channel=Channel.ONLINE)
    page = client.get(url(online))
    sent = client.post(url(online), form_data(survey, page))
    assert sent["Location"] == url(online) + "thanks/"
    assert b"http-equiv" not in client.get(sent["Location"]).content
    page = client.get(url(online) + "?counter=1")
    sent = client.post(url(online) + "?counter=1", form_data(survey, page))
    assert sent["Location"].endswith("?counter=1")


def test_a_resent_form_makes_no_second_response(survey, client):
    survey, link = survey
    page = client.get(url(link))
    data = form_data(survey, page)
    client.post(url(link), data)
    client.post(url(link), data)  # the browser sends it again (a double tap, a reload)
    assert Response.objects.count() == 1


def test_a_bad_answer_shows_the_form_again_and_stores_nothing(survey, client):
    survey, link = survey
    page = client.get(url(link))
    sent = client.post(url(link), form_data(survey, page, score="9", choice="", text="Ý kiến của tôi"))
    assert sent.status_code == 400 and Answer.objects.count() == 0
    scale, pick, _comment = survey.questions.all()
    assert set(sent.context["form"].errors) == {scale.field_name, pick.field_name}
    assert "Ý kiến của tôi".encode() in sent.content  # nothing typed is lost


def test_a_one_time_link_is_refused_the_second_time(survey, client, users):
    survey, _counter = survey
    meeting = services.link_create(actor=users["alice"], survey=survey, label="Họp thôn Khu 3",
                                   channel=Channel.MEETING, single_use=True)
    page = client.get(url(meeting))
    sent = client.post(url(meeting), form_data(survey, page))
    thanks = client.get(sent["Location"])
    assert b"http-equiv" not in thanks.content  # nothing to return to
    assert client.get(url(meeting)).status_code == 410
    other = client.post(url(meeting), form_data(survey, page) | {"submission": "another"})
    assert other.status_code == 410 and Response.objects.count() == 1


def test_unknown_revoked_and_closed(survey, client, users):
    survey, link = survey
    assert client.get("/surveys/s/no-such-token/").status_code == 404
    assert client.get("/surveys/s/no-such-token/thanks/").status_code == 404
    services.survey_close(actor=users["alice"], survey=survey)
    assert client.get(url(link)).status_code == 403
    services.link_revoke(actor=users["alice"], link=link)
    assert client.post(url(link), form_data(survey)).status_code == 404
    assert Response.objects.count() == 0


def test_once_per_device_by_a_signed_cookie(make_survey, client):
    survey, link = make_survey(once_per=OncePer.DEVICE)
    page = client.get(url(link))
    cookie = client.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] > 365 * 24 * 3600
    client.post(url(link), form_data(survey, page))
    digest = Response.objects.get().device_digest
    assert len(digest) == 64 and cookie.value.split(":")[0] not in digest
    assert client.get(url(link)).status_code == 409  # this device has answered
    client.cookies[DEVICE_COOKIE] = "forged-device-id"  # an unsigned value is no device
    page = client.get(url(link))
    assert page.status_code == 200 and client.cookies[DEVICE_COOKIE].value != "forged-device-id"


def test_once_per_device_without_cookies_is_refused_with_a_message(make_survey, client):
    survey, link = make_survey(once_per=OncePer.DEVICE)
    sent = client.post(url(link), form_data(survey))  # no visit before: no device cookie
    assert sent.status_code == 400 and Response.objects.count() == 0
    assert sent.context["form"].non_field_errors()


def test_once_per_person_needs_a_signed_in_citizen(make_survey, client, client_for):
    survey, link = make_survey(once_per=OncePer.PERSON)
    assert client.get(url(link)).status_code == 302  # to sign in
    assert client_for("bob").get(url(link)).status_code == 403  # an official is not asked
    cindy = client_for("cindy")
    page = cindy.get(url(link))
    cindy.post(url(link), form_data(survey, page))
    assert Response.objects.get().person.username == "cindy"
    assert cindy.get(url(link)).status_code == 409


def test_the_public_form_is_rate_limited_per_address(survey, client):
    survey, link = survey
    for _ in range(30):
        client.post(url(link), {})
    page = client.get(url(link))
    limited = client.post(url(link), form_data(survey, page))
    assert limited.status_code == 429 and Response.objects.count() == 0


def test_the_form_needs_no_javascript_and_keeps_its_csrf_token(survey, client):
    _survey, link = survey
    body = client.get(url(link)).content
    assert b"<script" not in body and b"csrfmiddlewaretoken" in body


def test_a_survey_outside_its_dates_takes_nothing(make_survey, client):
    today = timezone.localdate()
    survey, link = make_survey(opens_on=today.replace(year=today.year + 1))
    assert client.get(url(link)).status_code == 403
    assert client.post(url(link), form_data(survey)).status_code == 403 and Response.objects.count() == 0
