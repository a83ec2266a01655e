# SPDX-License-Identifier: AGPL-3.0-or-later
"""A tablet at the counter: two people answer the satisfaction survey one after the other (the thank-you
page returns to a fresh form by itself), then an official sees their two responses in the results."""

import re

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.modules.surveys import services
from xaso.modules.surveys.models import Channel, Kind, Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A
TABLET = {"viewport": {"width": 800, "height": 1280}, "has_touch": True}
OPTIONS = ("Thời gian chờ ngắn", "Cán bộ tận tình")


@pytest.fixture
def people():
    with tenancy.unscoped():
        return testing.named_users()


@pytest.fixture
def counter_link(people):
    with tenancy.unscoped():
        alice = people["alice"]
        survey = services.survey_create(actor=alice, commune=alice.commune, fields=services.SurveyFields(
            title="Khảo sát mức độ hài lòng tại Bộ phận Một cửa"))
        for fields in (services.QuestionFields(kind=Kind.SCALE, text="Ông/bà hài lòng thế nào?",
                                               measures_satisfaction=True),
                       services.QuestionFields(kind=Kind.CHOICE, text="Điều hài lòng nhất?", choices=OPTIONS),
                       services.QuestionFields(kind=Kind.TEXT, text="Góp ý thêm", required=False)):
            services.question_add(actor=alice, survey=survey, fields=fields)
        services.survey_open(actor=alice, survey=survey)
        link = services.link_create(actor=alice, survey=survey, label="Quầy tiếp nhận số 1", channel=Channel.COUNTER)
        return link, list(survey.questions.all())


def answer(page, questions, score: int, option: str, comment: str) -> None:
    scale, choice, text = questions
    expect(page.get_by_text("Ông/bà hài lòng thế nào?")).to_be_visible()
    page.locator(f'input[name="{scale.field_name}"][value="{score}"]').check()
    page.locator(f'input[name="{choice.field_name}"][value="{option}"]').check()
    page.locator(f'textarea[name="{text.field_name}"]').fill(comment)
    page.locator("#send").click()
    expect(page.locator("#thanks")).to_be_visible()


def test_two_people_answer_at_the_counter_tablet_and_the_official_sees_both(counter_link, people, new_context,
                                                                            signed_in, url):
    link, questions = counter_link
    tablet = new_context(**TABLET).new_page()
    form_url = url("surveys:answer", link.token)
    tablet.goto(form_url)
    answer(tablet, questions, 5, OPTIONS[0], "Cán bộ hướng dẫn rất nhiệt tình.")
    # Nobody touches the tablet: the thank-you page goes back to a fresh form for the next person.
    tablet.wait_for_url(re.compile(re.escape(link.token) + r"/\?counter=1$"), timeout=15_000)
    expect(tablet.locator(f'input[name="{questions[0].field_name}"]:checked')).to_have_count(0)
    answer(tablet, questions, 3, OPTIONS[1], "Phải chờ hơi lâu.")
    with tenancy.unscoped():
        assert Response.objects.filter(link=link).count() == 2

    official = signed_in(people["olivia"])
    official.goto(url("surveys:results", A, link.survey_id))
    expect(official.locator("#response-count")).to_have_text(re.compile(r"^\s*2\b"))
    expect(official.locator(".comments")).to_contain_text("Phải chờ hơi lâu.")
    expect(official.locator(".mean").first).to_have_text("4,0")  # Vietnamese writes a decimal comma
