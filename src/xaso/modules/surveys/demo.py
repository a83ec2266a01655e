# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo satisfaction surveys, made through the services as people would (see xaso.core.demo).

Each demo commune's one-stop officer defines and opens "Khảo sát mức độ hài lòng tại Bộ phận Một cửa" (a
satisfaction scale, a choice, a comment) with a link for counter 1; a dozen people answered it over the last
months on the counter's tablet (``response_submit`` through that link, each with its own submission key).
Hạ Long also has a one-time link for a village meeting. A second run finds the surveys by their title and
the responses by their submission keys, and adds nothing.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune

from . import services
from .models import Channel, Kind, Link, Response, Survey

TITLE = "Khảo sát mức độ hài lòng tại Bộ phận Một cửa"
DESCRIPTION = ("Xin ông/bà dành một phút cho biết mức độ hài lòng khi làm thủ tục tại Bộ phận Một cửa. "
               "Câu trả lời không ghi tên.")
QUESTIONS = (
    services.QuestionFields(kind=Kind.SCALE, text="Ông/bà hài lòng thế nào với việc giải quyết thủ tục hôm nay?",
                            measures_satisfaction=True),
    services.QuestionFields(kind=Kind.CHOICE, text="Điều ông/bà hài lòng nhất là gì?",
                            choices=("Thời gian chờ ngắn", "Cán bộ tận tình, chu đáo", "Hướng dẫn rõ ràng",
                                     "Cơ sở vật chất tốt")),
    services.QuestionFields(kind=Kind.TEXT, text="Ý kiến góp ý thêm (nếu có)", required=False),
)
COMMENTS = ("Cán bộ hướng dẫn nhiệt tình, dễ hiểu.", "Phải chờ hơi lâu vào buổi sáng thứ Hai.",
            "Nên có thêm ghế ngồi chờ.", "", "Thủ tục nhanh gọn, cảm ơn Bộ phận Một cửa.", "")
# (commune, the officer who runs it, the scores its twelve respondents gave)
COMMUNES = (
    ("06688", "halong-one-stop-officer", (5, 5, 4, 5, 4, 3, 5, 4, 5, 4, 5, 2)),
    ("06862", "tienyen-one-stop-officer", (4, 4, 3, 5, 4, 2, 4, 5, 3, 4, 4, 3)),
    ("06994", "vandon-one-stop-officer", (3, 4, 2, 4, 5, 3, 4, 3, 2, 4, 3, 4)),
)
COUNTER = "Quầy tiếp nhận số 1"
MEETING = "Họp thôn Khu 3"


def seed(*, today: datetime.date) -> dict[str, int]:
    made = {"surveys": 0, "survey responses": 0}
    for code, username, scores in COMMUNES:
        commune = Commune.objects.get(pk=code)
        officer = User.objects.get(username=username)
        survey = Survey.objects.filter(commune=commune, title=TITLE).first()
        if survey is None:
            survey = _define(commune, officer, meeting=code == "06688")
            made["surveys"] += 1
        counter = Link.objects.get(survey=survey, label=COUNTER)
        made["survey responses"] += _answer_at_counter(counter, scores, today)
    return made


def _define(commune, officer, *, meeting: bool) -> Survey:
    survey = services.survey_create(actor=officer, commune=commune,
                                    fields=services.SurveyFields(title=TITLE, description=DESCRIPTION))
    for fields in QUESTIONS:
        services.question_add(actor=officer, survey=survey, fields=fields)
    services.survey_open(actor=officer, survey=survey)
    services.link_create(actor=officer, survey=survey, label=COUNTER, channel=Channel.COUNTER)
    if meeting:
        services.link_create(actor=officer, survey=survey, label=MEETING, channel=Channel.MEETING, single_use=True)
    return survey


def _answer_at_counter(link: Link, scores, today: datetime.date) -> int:
    """Twelve people at the counter's tablet over the last four months, oldest first."""
    scale, choice, comment = link.survey.questions.all()
    made = 0
    for i, score in enumerate(scores):
        submission = f"demo-{link.survey.commune_id}-{i}"
        if Response.objects.filter(submission=submission).exists():
            continue
        day = today - datetime.timedelta(days=120 - i * 10)
        now = datetime.datetime.combine(day, datetime.time(8 + i % 8, 10 + i), tzinfo=timezone.get_current_timezone())
        services.response_submit(link_token=link.token, submission=submission, today=day, now=now, answers={
            scale.pk: score, choice.pk: choice.choices[i % len(choice.choices)],
            comment.pk: COMMENTS[i % len(COMMENTS)]})
        made += 1
    return made
