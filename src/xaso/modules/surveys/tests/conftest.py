# SPDX-License-Identifier: AGPL-3.0-or-later
"""An open survey of commune A (a 1–5 satisfaction scale, a choice, an optional comment) with a counter
link, which every survey test answers; and ``submit`` to answer it as a person would."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.surveys import services
from xaso.modules.surveys.models import Channel, Kind, OncePer

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 3, 10)
OPTIONS = ("Thời gian chờ ngắn", "Cán bộ tận tình", "Hướng dẫn rõ ràng")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def make_survey(users, commune_a):
    """make_survey(once_per=..., open=True) → an open survey of commune A defined by Alice, and its
    counter link."""

    def make(*, once_per=OncePer.NONE, open_=True, commune=None, actor=None, **dates):
        actor = actor or users["alice"]
        survey = services.survey_create(actor=actor, commune=commune or commune_a, fields=services.SurveyFields(
            title="Khảo sát mức độ hài lòng tại Bộ phận Một cửa", once_per=once_per, **dates))
        services.question_add(actor=actor, survey=survey, fields=services.QuestionFields(
            kind=Kind.SCALE, text="Ông/bà hài lòng thế nào?", measures_satisfaction=True))
        services.question_add(actor=actor, survey=survey, fields=services.QuestionFields(
            kind=Kind.CHOICE, text="Điều hài lòng nhất?", choices=OPTIONS))
        services.question_add(actor=actor, survey=survey, fields=services.QuestionFields(
            kind=Kind.TEXT, text="Góp ý thêm", required=False))
        if open_:
            survey = services.survey_open(actor=actor, survey=survey)
        link = services.link_create(actor=actor, survey=survey, label="Quầy tiếp nhận số 1", channel=Channel.COUNTER)
        return survey, link

    return make


@pytest.fixture
def survey(make_survey):
    return make_survey()


def answers_for(survey, score=5, choice=OPTIONS[0], text=""):
    scale, pick, comment = survey.questions.all()
    return {scale.pk: score, pick.pk: choice, comment.pk: text}


@pytest.fixture
def submit():
    """submit(link, score=.., choice=.., text=.., **service args) → the response, as a person answers."""

    def answer(link, *, score=5, choice=OPTIONS[0], text="", now=None, **kwargs):
        now = now or at(2026, 3, 10)
        return services.response_submit(link_token=link.token, answers=answers_for(link.survey, score, choice, text),
                                        today=now.date(), now=now, **kwargs)

    return answer
