# SPDX-License-Identifier: AGPL-3.0-or-later
"""Satisfaction surveys: commune A's open survey with a counter link (whose label is a secret marker) and a
response whose comment carries the others. The public form and its thank-you page, reached by the link's
token, show the survey's title and questions only, never a response."""

import datetime

from xaso.modules.surveys import services
from xaso.modules.surveys.models import Answer, Channel, Kind, Link, Question, Response, Survey

GENERIC = {}
PUBLIC_ABOUT_A = {"surveys:answer", "surveys:thanks"}


def private(commune, users, secrets):
    survey = services.survey_create(actor=users["alice"], commune=commune,
                                    fields=services.SurveyFields(title="Khảo sát mức độ hài lòng"))
    scale = services.question_add(actor=users["alice"], survey=survey, fields=services.QuestionFields(
        kind=Kind.SCALE, text="Ông/bà hài lòng thế nào?", measures_satisfaction=True))
    comment = services.question_add(actor=users["alice"], survey=survey, fields=services.QuestionFields(
        kind=Kind.TEXT, text="Góp ý", required=False))
    services.survey_open(actor=users["alice"], survey=survey)
    link = services.link_create(actor=users["alice"], survey=survey, label=secrets[2], channel=Channel.COUNTER)
    services.response_submit(link_token=link.token, answers={scale.pk: 2, comment.pk: f"{secrets[0]} {secrets[1]}"},
                             today=datetime.date.today())
    return {"survey_id": survey.pk, "question_id": comment.pk, "link_id": link.pk, "image_format": "png",
            "link_token": link.token}


def state():
    return (sorted(Survey.objects.values_list("pk", "status", "title", "once_per", "closes_on")),
            sorted(Question.objects.values_list("pk", "text", "position", "kind")),
            sorted(Link.objects.values_list("pk", "label", "used_at", "revoked_at")),
            sorted(Response.objects.values_list("pk", "link_id")),
            sorted(Answer.objects.values_list("pk", "number", "choice", "text")))
