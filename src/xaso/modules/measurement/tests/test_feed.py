# SPDX-License-Identifier: AGPL-3.0-or-later
"""The provincial dashboard feed: a month's JSON is the snapshots, each ended month is pushed once, a changed
month as the next revision, over signed HTTP retried until accepted, or to the local fake."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone

from xaso import testing
from xaso.core.integrations import services
from xaso.core.integrations.models import DashboardRecord, Delivery
from xaso.core.integrations.signing import DEVELOPMENT_SECRET
from xaso.core.places.models import Commune
from xaso.modules.measurement import compute, feed, months, rules
from xaso.modules.measurement.models import Figure, IndicatorValue, Origin, Publication, Score
from xaso.testing.receiver import receiving

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=VN)
LATER = NOW + dt.timedelta(hours=2)
A, B = testing.COMMUNE_A, testing.COMMUNE_B
ENDED = {f"{c}.{p}.r1" for c in (A, B) for p in ("2026M09", "2026M10")}


@pytest.fixture
def computed(users, settings):
    """September to November computed for communes A and B, with online payments entered by hand for A's
    October (xaso holds no payment records)."""
    settings.XASO_PROVINCE_DASHBOARD_URL = ""
    rules.load_shipped()
    Figure.objects.create(commune_id=A, period="2026M10", measure="payments.online", numerator=3, denominator=4,
                          origin=Origin.MANUAL, computed_at=NOW)
    compute.rebuild(first=months.parse("2026M09", TODAY), last=months.containing(TODAY), communes=[A, B],
                    today=TODAY, now=NOW)
    return users


def publish(today=TODAY, now=NOW, capture=None):
    with capture(execute=True):
        return feed.publish_closed(today, now=now)


def fake_keys():
    return set(DashboardRecord.objects.values_list("key", flat=True))


def test_the_payload_says_what_the_snapshots_say(computed):
    body = feed.payload(Commune.objects.get(pk=A), "2026M10", now=NOW)

    score = Score.objects.get(commune_id=A, period="2026M10")
    assert body["province"] == {"code": "22", "name": Commune.objects.get(pk=A).province.name}
    assert body["commune"] == {"code": A, "name": "Phường Hạ Long"}
    assert (body["period"], body["ruleset"], body["generated_at"]) == ("2026M10", "766-2022", NOW.isoformat())
    assert body["index766"]["total"] == float(score.total) and body["index766"]["band"] == score.band
    assert body["index766"]["groups"] == score.groups
    values = IndicatorValue.objects.filter(commune_id=A, period="2026M10").select_related("indicator")
    assert {i["code"]: (i["value"], i["target"], i["met"], i["origin"]) for i in body["indicators"]} == {
        v.indicator.code: (None if v.value is None else float(v.value), None if v.target is None else float(v.target),
                           v.met, v.origin) for v in values}
    figures = {f["measure"]: f for f in body["figures"]}
    assert figures.keys() == set(Figure.objects.filter(commune_id=A, period="2026M10").values_list("measure",
                                                                                                   flat=True))
    assert figures["payments.online"] == {"measure": "payments.online", "numerator": 3.0, "denominator": 4.0,
                                          "origin": Origin.MANUAL}
    assert figures["dossiers.received"]["denominator"] is None  # a count
    assert body["revision"] is None  # not pushed yet


def test_a_month_without_a_score_says_so(computed):
    body = feed.payload(Commune.objects.get(pk=testing.COMMUNE_C), "2026M10")
    assert body["index766"] is None and body["ruleset"] is None and body["figures"] == []


def test_publishing_twice_sends_each_ended_month_once(computed, django_capture_on_commit_callbacks):
    made = publish(capture=django_capture_on_commit_callbacks)
    again = publish(capture=django_capture_on_commit_callbacks)

    assert {(p.commune_id, p.period, p.revision) for p in made} == {
        (c, p, 1) for c in (A, B) for p in ("2026M09", "2026M10")}
    assert again == []
    deliveries = Delivery.objects.filter(system="province_dashboard")
    assert set(deliveries.values_list("key", flat=True)) == ENDED and deliveries.count() == 4
    assert set(deliveries.values_list("status", flat=True)) == {"sent"}
    assert fake_keys() == ENDED
    kept = DashboardRecord.objects.get(key=f"{A}.2026M10.r1").payload
    assert kept["revision"] == 1 and kept["key"] == f"{A}.2026M10.r1"
    assert feed.payload(Commune.objects.get(pk=A), "2026M10")["revision"] == 1


def test_the_ongoing_month_waits_for_the_first_day_of_the_next(computed, django_capture_on_commit_callbacks):
    publish(today=dt.date(2026, 11, 30), capture=django_capture_on_commit_callbacks)
    assert not Publication.objects.filter(period="2026M11").exists()

    made = publish(today=dt.date(2026, 12, 1), capture=django_capture_on_commit_callbacks)

    assert {(p.commune_id, p.period) for p in made} == {(A, "2026M11"), (B, "2026M11")}
    assert {f"{A}.2026M11.r1", f"{B}.2026M11.r1"} <= fake_keys()


def test_a_changed_figure_is_published_as_the_next_revision(computed, django_capture_on_commit_callbacks):
    publish(capture=django_capture_on_commit_callbacks)
    Figure.objects.filter(commune_id=A, period="2026M10", measure="payments.online").update(numerator=4,
                                                                                             computed_at=LATER)
    compute.recompute({(A, "2026M10")}, today=TODAY, now=LATER)

    made = publish(now=LATER, capture=django_capture_on_commit_callbacks)

    assert [(p.commune_id, p.period, p.revision) for p in made] == [(A, "2026M10", 2)]
    assert {f"{A}.2026M10.r1", f"{A}.2026M10.r2"} <= fake_keys() and len(fake_keys()) == 5
    second = DashboardRecord.objects.get(key=f"{A}.2026M10.r2").payload
    assert next(f for f in second["figures"] if f["measure"] == "payments.online")["numerator"] == 4.0
    assert second["index766"]["total"] > DashboardRecord.objects.get(key=f"{A}.2026M10.r1").payload["index766"]["total"]
    assert feed.payload(Commune.objects.get(pk=A), "2026M10")["revision"] == 2


def test_a_recomputation_that_changes_nothing_publishes_nothing(computed, django_capture_on_commit_callbacks):
    publish(capture=django_capture_on_commit_callbacks)
    compute.rebuild(first=months.parse("2026M09", TODAY), last=months.containing(TODAY), communes=[A, B],
                    today=TODAY, now=LATER)

    assert publish(now=LATER, capture=django_capture_on_commit_callbacks) == []
    assert Delivery.objects.filter(system="province_dashboard").count() == 4 and len(fake_keys()) == 4


def test_a_run_cut_short_leaves_nothing_and_the_next_run_sends_everything_once(computed,
                                                                              django_capture_on_commit_callbacks):
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        feed.publish_closed(TODAY, now=NOW)
        raise RuntimeError("the process was stopped")
    assert not Publication.objects.exists() and not Delivery.objects.exists() and not fake_keys()

    publish(capture=django_capture_on_commit_callbacks)

    assert Publication.objects.count() == 4 and fake_keys() == ENDED


def test_a_failed_send_is_retried_signed_until_accepted(computed, settings):
    with receiving(fail_first=1, secret=DEVELOPMENT_SECRET) as dashboard:
        settings.XASO_PROVINCE_DASHBOARD_URL = dashboard.url
        feed.publish_closed(TODAY, now=NOW)
        delivery = Delivery.objects.get(key=f"{A}.2026M10.r1")
        at = timezone.now()
        services.deliver(delivery.pk, now=at)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "500" in delivery.last_error

        assert services.deliver_due(now=at + dt.timedelta(minutes=5)) == 4

        delivery.refresh_from_db()
        assert delivery.status == "sent" and delivery.attempts == 2
        assert dashboard.refused == 0  # every body carried a signature the dashboard verified
        assert sorted(r["key"] for r in dashboard.received) == sorted(ENDED)
        assert f"/communes/{A}/months/2026M10" in dashboard.paths
        assert next(r for r in dashboard.received if r["key"] == f"{A}.2026M10.r1")["commune"]["code"] == A


def test_a_dashboard_with_another_secret_refuses_and_nothing_is_lost(computed, settings, monkeypatch):
    with receiving(secret="the province's real secret") as dashboard:
        settings.XASO_PROVINCE_DASHBOARD_URL = dashboard.url
        feed.publish_closed(TODAY, now=NOW)
        delivery = Delivery.objects.get(key=f"{A}.2026M09.r1")
        services.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "401" in delivery.last_error and dashboard.refused == 1

        monkeypatch.setenv("XASO_PROVINCE_DASHBOARD_SECRET", "the province's real secret")
        services.deliver(delivery.pk, now=timezone.now() + dt.timedelta(minutes=5))
        delivery.refresh_from_db()
        assert delivery.status == "sent" and [r["key"] for r in dashboard.received] == [f"{A}.2026M09.r1"]


def test_the_digest_ignores_when_and_which_push(computed):
    commune = Commune.objects.get(pk=A)
    first = feed.payload(commune, "2026M10", now=NOW)
    second = {**feed.payload(commune, "2026M10", now=LATER), "revision": 7}
    assert feed.digest(first) == feed.digest(second)
    changed = {**first, "index766": {**first["index766"], "total": float(Decimal(first["index766"]["total"]) + 1)}}
    assert feed.digest(changed) != feed.digest(first)
