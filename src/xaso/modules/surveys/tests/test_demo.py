# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo's surveys: one open satisfaction survey per demo commune answered a dozen times at its counter,
a one-time meeting link in Hạ Long, and a second run that adds nothing."""

import datetime as dt

import pytest

from xaso import testing
from xaso.core.accounts.roles import Role
from xaso.modules.surveys import demo, selectors
from xaso.modules.surveys.models import Channel, Link, Response, Status, Survey

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 5, 20)


@pytest.fixture
def officers(system_scope):
    for code, username, _scores in demo.COMMUNES:
        testing.make_user(username, Role.ONE_STOP_OFFICER, commune=code)


def test_the_demo_seeds_each_commune_and_a_second_run_adds_nothing(officers):
    assert demo.seed(today=TODAY) == {"surveys": 3, "survey responses": 36}
    for code, _username, scores in demo.COMMUNES:
        survey = Survey.objects.get(commune_id=code)
        assert survey.status == Status.OPEN and survey.title == demo.TITLE
        responses = Response.objects.filter(survey=survey)
        assert responses.count() == 12 and set(responses.values_list("channel", flat=True)) == {Channel.COUNTER}
        assert min(r.submitted_at.date() for r in responses) >= TODAY - dt.timedelta(days=121)
        satisfied = sum(1 for s in scores if s >= 4)
        summary = selectors.satisfaction_summary(survey.commune)
        assert summary.sources[0].satisfied == satisfied
    meeting = Link.objects.get(label=demo.MEETING)
    assert meeting.single_use and meeting.used_at is None and meeting.survey.commune_id == "06688"
    assert demo.seed(today=TODAY) == {"surveys": 0, "survey responses": 0}
    assert Response.objects.count() == 36 and Survey.objects.count() == 3
