# SPDX-License-Identifier: AGPL-3.0-or-later
"""Rules as dated data: what the shipped files say, what a bad file is refused for, and that a new version
of a rule leaves the snapshots made under the old one alone."""

import datetime as dt
from decimal import Decimal
from importlib import resources

import pytest
from django.core.exceptions import ValidationError

from xaso import testing
from xaso.modules.measurement import compute, months, rules
from xaso.modules.measurement.models import Indicator, IndicatorValue, RuleSet

TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def scope(db, system_scope):
    """The counting runs as the background command does: across communes."""
SHIPPED = resources.files("xaso.modules.measurement") / "data"


def test_the_shipped_766_rules_give_each_group_its_points(db):
    rules.load_shipped()
    ruleset = rules.ruleset_for(TODAY)
    totals = {}
    for c in ruleset.criteria.all():
        totals[c.group] = totals.get(c.group, 0) + c.points
    assert totals == {"CKMB": 18, "TDGQ": 20, "DVCTT": 12, "MDSH": 22, "MDHL": 18, "TTTT": 10}
    assert sum(totals.values()) == 100
    assert ruleset.bands_certainty == "U"
    assert rules.ruleset_for(dt.date(2022, 6, 1)) is None  # before the decision


def test_an_indicator_that_names_nothing_is_refused_and_nothing_is_stored(db):
    text = """effective_from: 2026-01-01
indicators:
  - {code: KPI.X, source: dossiers.magic, vi: "Chỉ tiêu X", en: "X"}
  - {code: KPI.Y, source: "data:NO.SUCH/EL", vi: "Chỉ tiêu Y", en: "Y"}
  - {code: KPI.Z, source: dossiers.on_time, vi: "Chỉ tiêu Z", en: "Z", component: NOPE1}
"""
    with pytest.raises(ValidationError) as error:
        rules.indicators_load(text)
    messages = " ".join(error.value.messages)
    assert "dossiers.magic" in messages and "NO.SUCH" in messages and "NOPE1" in messages
    assert not Indicator.objects.exists()


def test_a_rule_set_whose_group_does_not_add_up_is_refused(db):
    text = (SHIPPED / "index766.yaml").read_text(encoding="utf-8").replace("points: 20,", "points: 19,")
    with pytest.raises(ValidationError) as error:
        rules.ruleset_load(text)
    assert any("TDGQ" in m and "19" in m for m in error.value.messages)
    assert not RuleSet.objects.exists()


def test_a_new_target_applies_from_its_date_and_old_snapshots_keep_theirs(db):
    rules.load_shipped()
    october, november = months.parse("2026M10", TODAY), months.parse("2026M11", TODAY)
    compute.rebuild(first=october, last=october, communes=[testing.COMMUNE_A], today=TODAY)

    rules.indicators_load("""effective_from: 2026-11-01
indicators:
  - {code: KPI.DVC.ONTIME, source: dossiers.on_time, unit: "%", target: 98, vi: "Tỷ lệ đúng hạn", en: "On time"}
""")
    compute.rebuild(first=october, last=november, communes=[testing.COMMUNE_A], today=TODAY)

    def target(period):
        return IndicatorValue.objects.get(commune_id=testing.COMMUNE_A, period=period,
                                          indicator__code="KPI.DVC.ONTIME").target

    assert target("2026M10") == 95 and target("2026M11") == Decimal(98)
    old = Indicator.objects.get(code="KPI.DVC.ONTIME", effective_from=dt.date(2025, 7, 1))
    assert old.effective_to == dt.date(2026, 10, 31)
