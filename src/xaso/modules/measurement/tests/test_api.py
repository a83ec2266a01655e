# SPDX-License-Identifier: AGPL-3.0-or-later
"""The feed, pulled: who reads which province's and commune's months, bad months refused, conditional
answers for dashboards that poll."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.measurement import compute, feed

from .test_feed import LATER, TODAY, computed  # noqa: F401 (the fixture, shared)

A, B = testing.COMMUNE_A, testing.COMMUNE_B
PROVINCE_FEED = "/api/v1/measure/provinces/{}/feed/"
COMMUNE_FEED = "/api/v1/measure/communes/{}/feed/"


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("xaso.modules.measurement.api.local_today", lambda: TODAY)


def without_time(body):
    return {k: v for k, v in body.items() if k != "generated_at"}


def test_a_province_official_reads_every_commune_of_the_province(computed, client_for):  # noqa: F811
    answer = client_for("paula").get(PROVINCE_FEED.format("22"), {"period": "2026M10", "page_size": 500})

    assert answer.status_code == 200
    data = answer.json()
    codes = [row["commune"]["code"] for row in data["results"]]
    assert data["count"] == Commune.objects.filter(province_id="22").count() == len(codes)
    assert codes == sorted(codes) and {A, B, testing.COMMUNE_C} <= set(codes)
    row_a = next(row for row in data["results"] if row["commune"]["code"] == A)
    assert without_time(row_a) == without_time(feed.payload(Commune.objects.get(pk=A), "2026M10"))


@pytest.mark.parametrize(("who", "province", "status"), [
    ("paula", "22", 200), ("ada", "22", 200), ("oscar", "22", 404), ("paula", "01", 404), ("paula", "99", 404),
    ("alice", "22", 403), ("cindy", "22", 403)])
def test_the_province_feed_is_for_that_provinces_officials(computed, client_for, who, province, status):  # noqa: F811
    assert client_for(who).get(PROVINCE_FEED.format(province), {"period": "2026M10"}).status_code == status


@pytest.mark.parametrize(("who", "commune", "status"), [
    ("alice", A, 200), ("paula", A, 200), ("ada", A, 200), ("charlie", A, 404), ("charlie", B, 200),
    ("oscar", A, 404), ("alice", "0668", 404), ("cindy", A, 403)])
def test_the_commune_feed_is_for_the_communes_and_its_provinces_officials(computed, client_for, who, commune,  # noqa: F811
                                                                          status):
    assert client_for(who).get(COMMUNE_FEED.format(commune), {"period": "2026M10"}).status_code == status


def test_nobody_signed_in_reads_nothing(computed):  # noqa: F811
    assert Client().get(COMMUNE_FEED.format(A), {"period": "2026M10"}).status_code in (401, 403)


def test_a_machine_reads_with_its_token(computed):  # noqa: F811
    token = Token.objects.create(user=computed["paula"])
    answer = Client().get(COMMUNE_FEED.format(A), {"period": "2026M10"}, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert answer.status_code == 200 and answer.json()["commune"]["code"] == A


def test_a_malformed_or_future_month_is_refused_in_vietnamese(computed, client_for):  # noqa: F811
    alice = client_for("alice")

    malformed = alice.get(COMMUNE_FEED.format(A), {"period": "2026-10"})
    future = alice.get(COMMUNE_FEED.format(A), {"period": "2026M12"})

    assert malformed.status_code == 400 and "không phải là kỳ báo cáo" in malformed.json()["period"][0]
    assert future.status_code == 400 and "12/2026" in future.json()["period"][0]


def test_without_a_period_the_feed_is_the_last_ended_month(computed, client_for):  # noqa: F811
    assert client_for("alice").get(COMMUNE_FEED.format(A)).json()["period"] == "2026M10"


def test_a_dashboard_polling_gets_304_until_the_month_is_recomputed(computed, client_for):  # noqa: F811
    alice = client_for("alice")
    first = alice.get(COMMUNE_FEED.format(A), {"period": "2026M10"})
    etag = first["ETag"]
    assert etag.startswith('W/"') and first["Last-Modified"]

    assert alice.get(COMMUNE_FEED.format(A), {"period": "2026M10"}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    compute.recompute({(A, "2026M10")}, today=TODAY, now=LATER)
    fresh = alice.get(COMMUNE_FEED.format(A), {"period": "2026M10"}, HTTP_IF_NONE_MATCH=etag)

    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert fresh.json()["period"] == "2026M10"


def test_the_feed_is_in_the_openapi_schema(computed, client_for):  # noqa: F811
    schema = client_for("alice").get("/api/schema/", {"format": "json"}).json()
    for route in ("/api/v1/measure/provinces/{province_code}/feed/", "/api/v1/measure/communes/{commune_code}/feed/"):
        get = schema["paths"][route]["get"]
        assert any(p["name"] == "period" for p in get["parameters"])
    assert "index766" in schema["components"]["schemas"]["Feed"]["properties"]

