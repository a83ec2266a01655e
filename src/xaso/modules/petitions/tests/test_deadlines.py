# SPDX-License-Identifier: AGPL-3.0-or-later
"""A petition's dates come from the dated rules in force on the day it is received, on the province's
working-day calendar when a rule counts working days; a province's own version wins in that province."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from xaso.core.clock.calendar import calendar_for
from xaso.core.places.models import Province
from xaso.modules.petitions import deadlines, services
from xaso.modules.petitions.models import Certainty, Counting, DeadlineRule, Kind, Stage

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_shipped_rules_give_ten_working_days_to_accept_and_say_how_sure_they_are(file, commune_a):
    petition = file(now=at(2026, 3, 6))  # a Friday
    cal = calendar_for(commune_a.province_id)
    assert petition.accept_rule.certainty == Certainty.VERIFIED and "42/2013/QH13" in petition.accept_rule.legal_basis
    assert petition.accept_by == cal.due_date(dt.date(2026, 3, 6), 10) == dt.date(2026, 3, 19)
    # 30 calendar days from the day after receipt: Sunday 5 April, so the next working day.
    assert petition.answer_rule.certainty == Certainty.UNVERIFIED
    assert petition.due_date == dt.date(2026, 4, 6)


def test_holidays_move_a_working_day_limit(file, commune_a):
    # Received on Friday 24 April 2026: Hùng Kings' day (Sunday 26 April) is taken on Monday 27, and 30 April
    # and 1 May are days off, so the tenth working day is 12 May.
    cal = calendar_for(commune_a.province_id)
    assert not any(cal.is_working_day(dt.date(2026, m, d)) for m, d in ((4, 27), (4, 30), (5, 1)))
    assert file(now=at(2026, 4, 24)).accept_by == dt.date(2026, 5, 12)


def test_a_rule_changing_on_a_date_applies_to_petitions_received_from_that_date(users, file, commune_a):
    quang_ninh = Province.objects.get(pk=commune_a.province_id)
    services.rule_add(actor=users["paula"], province=quang_ninh, rule=DeadlineRule(
        kind=Kind.GENERAL, stage=Stage.ANSWER, days=15, counting=Counting.WORKING,
        effective_from=dt.date(2027, 1, 1), legal_basis="Quyết định của UBND tỉnh (thử)",
        certainty=Certainty.VERIFIED))
    before, after = file(now=at(2026, 12, 31)), file(now=at(2027, 1, 4))
    assert before.answer_rule.province_id is None and before.due_date == dt.date(2027, 2, 1)  # 31 Jan: Sunday
    assert after.answer_rule.days == 15
    assert after.due_date == calendar_for(commune_a.province_id).due_date(dt.date(2027, 1, 4), 15)
    # Another province keeps the national rule.
    assert deadlines.rule_for(province_id="01", kind=Kind.GENERAL, stage=Stage.ANSWER,
                              on=dt.date(2027, 1, 4)).province_id is None


def test_only_the_province_keeps_its_rules(users, commune_a):
    rule = DeadlineRule(kind=Kind.GENERAL, stage=Stage.ANSWER, days=15, counting=Counting.WORKING,
                        effective_from=dt.date(2027, 1, 1), legal_basis="x", certainty=Certainty.UNVERIFIED)
    quang_ninh = Province.objects.get(pk=commune_a.province_id)
    for who in ("hana", "oscar", "cindy"):
        with pytest.raises(PermissionDenied):
            services.rule_add(actor=users[who], province=quang_ninh, rule=rule)
    assert not DeadlineRule.objects.filter(province__isnull=False).exists()
