# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso measurement refresh|rebuild|publish|load` and the background task: each does its part and says so."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xaso import testing
from xaso.core.integrations.models import DashboardRecord
from xaso.modules.measurement import compute, rules, tasks
from xaso.modules.measurement.models import Indicator, Publication, RuleSet, Score, Watermark

from .test_feed import NOW, TODAY, computed  # noqa: F401 (the fixture, shared)

A, B = testing.COMMUNE_A, testing.COMMUNE_B


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("xaso.modules.measurement.management.commands.measurement.local_today", lambda: TODAY)
    monkeypatch.setattr("xaso.core.clock.calendar.today", lambda: TODAY)


def run(*args) -> str:
    out = StringIO()
    call_command("measurement", *args, stdout=out)
    return out.getvalue()


def test_load_brings_the_shipped_rules_once(db):
    first = run("load")
    assert RuleSet.objects.filter(code="766-2022").exists() and Indicator.objects.exists()
    assert "1 loaded" in first

    again = run("load")

    assert "none loaded" in again and RuleSet.objects.count() == 1


def test_load_refuses_a_bad_rule_set_with_every_fault_and_keeps_nothing(db, tmp_path):
    text = (tmp_path / "bad.yaml")
    text.write_text("effective_from: 2026-01-01\nbands: []\ncriteria:\n  - {group: NOPE, code: X.1, points: 1}\n",
                    encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run("load", "--ruleset", str(text))
    assert "X.1" in str(error.value) and "TDGQ" in str(error.value) and not RuleSet.objects.exists()
    with pytest.raises(CommandError):
        run("load", "--indicators", str(tmp_path / "missing.yaml"))


def test_load_reads_a_file_of_indicators(db, tmp_path):
    rules.load_shipped()
    later = tmp_path / "indicators.yaml"
    later.write_text("effective_from: 2026-07-01\nindicators:\n  - {code: KPI.DVC.ONTIME, source: dossiers.on_time, "
                     "target: 98, vi: \"Tỷ lệ hồ sơ đúng hạn\", en: \"On time\"}\n", encoding="utf-8")
    assert "1 indicator(s) loaded" in run("load", "--indicators", str(later))
    assert rules.indicators_for(TODAY)[0].target == 98


def test_rebuild_recomputes_the_months_asked_for(users):
    rules.load_shipped()
    out = run("rebuild", "--from", "2026M09", "--to", "2026M10")
    assert "2026M09 to 2026M10" in out
    assert Score.objects.filter(commune_id=A, period__in=["2026M09", "2026M10"]).count() == 2
    assert not Score.objects.filter(period="2026M08").exists()


@pytest.mark.parametrize("span", [("--from", "2026M10", "--to", "2026M09"), ("--to", "2026M12"),
                                  ("--from", "2026-09")])
def test_rebuild_refuses_a_span_it_cannot_compute(db, system_scope, span):
    with pytest.raises(CommandError):
        run("rebuild", *span)
    assert not Score.objects.exists()


def test_publish_queues_the_ended_months_and_says_which(computed, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        out = run("publish")
    assert f"Queued {A} 2026M10 revision 1." in out and "4 month(s) queued" in out
    assert DashboardRecord.objects.count() == 4
    assert "0 month(s) queued" in run("publish")


def test_refresh_recomputes_what_changed_then_publishes(computed, django_capture_on_commit_callbacks):  # noqa: F811
    Watermark.objects.create(name=compute.WATERMARK, at=NOW)
    Score.objects.filter(period="2026M11").delete()
    with django_capture_on_commit_callbacks(execute=True):
        out = run("refresh")
    assert "commune-month(s) recomputed" in out and "4 month(s) queued" in out
    assert set(Score.objects.filter(period="2026M11").values_list("commune_id", flat=True)) == {A, B}  # this month
    assert not Publication.objects.filter(period="2026M11").exists()


def test_the_background_task_refreshes_and_publishes(computed, django_capture_on_commit_callbacks):  # noqa: F811
    Watermark.objects.create(name=compute.WATERMARK, at=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.refresh_and_publish.enqueue()
    assert result.return_value["published"] == 4 and result.return_value["recomputed"] > 0
    assert {p.period for p in Publication.objects.all()} == {"2026M09", "2026M10"}
    assert DashboardRecord.objects.filter(key=f"{B}.2026M09.r1").exists()

