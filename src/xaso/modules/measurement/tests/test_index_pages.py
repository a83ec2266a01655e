# SPDX-License-Identifier: AGPL-3.0-or-later
"""The index pages: a commune's months, one month's criteria, the records that cost points and the province's
ranking, computed from dossiers made through the dossier services; who may see which commune."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from xaso import testing
from xaso.modules.measurement import compute
from xaso.modules.measurement.models import Score

from .conftest import at

A, B = testing.COMMUNE_A, testing.COMMUNE_B
FEB = "2026M02"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _line(response, code):
    return next(ln for g in response.context["by_group"] for ln in g["lines"] if ln["code"] == code)


def test_it_scores_on_time_dossiers_and_shows_each_criterion(client_for, february):
    response = client_for("hana").get(reverse("measurement:commune_index_month", args=[A, FEB]))
    assert response.status_code == 200
    line = _line(response, "TDGQ.1")
    assert (line["numerator"], line["denominator"], line["points"], line["max"], line["lost"]) == (3, 4, 15, 20, 5)
    assert line["share"] == 75 and line["certainty"] == "S" and line["origin_badge"]["code"] == "computed"
    assert "Hồ sơ được giải quyết đúng hạn, trước hạn" in response.content.decode()
    payments = _line(response, "TTTT.1")  # xaso holds no payments: missing, with the way to enter it
    assert payments["state"] == "missing" and payments["points"] == 0
    assert f'{reverse("measurement:commune_entries", args=[A])}?measure=payments.online&amp;period={FEB}' \
        in response.content.decode()
    assert _line(response, "MDHL.2")["state"] == "nothing"  # no petitions: nothing lost
    assert _line(response, "MDHL.2")["points"] == 6


def test_a_clerk_sees_the_month_without_the_entry_link(client_for, february):
    response = client_for("bob").get(reverse("measurement:commune_index_month", args=[A, FEB]))
    assert response.status_code == 200 and response.context["may_enter"] is False
    assert reverse("measurement:commune_entries", args=[A]) not in response.content.decode()


def test_the_drill_down_lists_exactly_the_late_dossier(client_for, february):
    url = reverse("measurement:commune_index_lost", args=[A, FEB, "TDGQ.1"])
    response = client_for("hana").get(url)
    assert response.status_code == 200
    assert response.context["count"] == 1 == response.context["expected"] and not response.context["differs"]
    body = response.content.decode()
    late = february["late"]
    assert reverse("dossiers:detail", args=[A, late.code]) in body
    assert all(d.code not in body for d in february["on_time"])
    rows = _csv(client_for("hana").get(url, {"export": "csv"}))
    assert [r[0] for r in rows[1:]] == [late.code]
    assert rows[1][3] == "2026-02-25" and rows[1][4] == "2026-02-27"  # due, resolved


def test_the_drill_down_says_when_the_records_changed_after_the_snapshot(client_for, february, resolved):
    resolved(at(2026, 2, 27))  # another late one, not yet recomputed
    response = client_for("hana").get(reverse("measurement:commune_index_lost", args=[A, FEB, "TDGQ.1"]))
    assert (response.context["count"], response.context["expected"], response.context["differs"]) == (2, 1, True)


def test_the_commune_index_shows_twelve_months_with_rank_and_exports(client_for, february):
    compute.recompute({(B, FEB)}, today=dt.date(2026, 3, 10))
    url = reverse("measurement:commune_index", args=[A])
    response = client_for("hana").get(url, {"period": FEB})
    assert response.status_code == 200
    rows = response.context["history"]
    keys = [r["period"].key for r in rows]
    assert len(keys) == 12 and all(r["period"].next().key == k for r, k in zip(rows, keys[1:], strict=False))
    feb = rows[keys.index(FEB)]
    total = float(Score.objects.get(commune_id=A, period=FEB).total)
    assert feb["total"] == total and (feb["rank"], feb["ranked"]) == (2, 2)  # B lost nothing it could count
    assert feb["groups"]["TDGQ"] == 15 and feb["ruleset"] == "766-2022"
    assert {g["code"]: g["points"] for g in response.context["group_rows"]}["TDGQ"] == 15
    assert "<svg" in response.content.decode()
    sheet = load_workbook(io.BytesIO(client_for("hana").get(url, {"period": FEB, "export": "xlsx"}).content)).active
    values = next([c.value for c in row] for row in sheet.iter_rows() if row[0].value == FEB)
    assert values[:2] == [FEB, total] and values[6:8] == [0, 15]  # CKMB: nothing entered; TDGQ: 15


def test_an_older_month_shows_the_twelve_months_up_to_it(client_for, users):
    response = client_for("hana").get(reverse("measurement:commune_index", args=[A]), {"period": "2024M05"})
    keys = [r["period"].key for r in response.context["history"]]
    assert response.status_code == 200 and (keys[0], keys[-1], len(keys)) == ("2023M06", "2024M05", 12)


def test_a_wrong_month_in_the_filter_keeps_the_default_and_says_why(client_for, february):
    response = client_for("hana").get(reverse("measurement:commune_index", args=[A]), {"period": "2026-02"})
    assert response.status_code == 400 and response.context["fault"]


@pytest.mark.parametrize("period", ["2026-02", "2026M13", "2999M01"])
def test_a_malformed_or_future_month_is_no_page(client_for, february, period):
    client = client_for("hana")
    for url in (reverse("measurement:commune_index_month", args=[A, period]),
                reverse("measurement:commune_index_lost", args=[A, period, "TDGQ.1"])):
        response = client.get(url)
        assert response.status_code == 404 and response.context["message"]


def test_an_unknown_criterion_is_no_page(client_for, february):
    assert client_for("hana").get(reverse("measurement:commune_index_lost", args=[A, FEB, "XX.9"])).status_code == 404


def test_the_month_exports_hold_the_numbers(client_for, february):
    rows = _csv(client_for("hana").get(reverse("measurement:commune_index_month", args=[A, FEB]), {"export": "csv"}))
    tdgq = next(r for r in rows if r[1] == "TDGQ.1")
    assert tdgq[4:10] == ["3", "4", "75.0", "15", "20", "5"]


def test_the_province_ranks_its_communes(client_for, february):
    compute.recompute({(B, FEB), (B, "2026M01"), (A, "2026M01")}, today=dt.date(2026, 3, 10))
    url = reverse("measurement:province_index", args=[testing.PROVINCE])
    response = client_for("paula").get(url, {"period": FEB})
    assert response.status_code == 200
    rows = response.context["ranking"]
    assert [(r["commune"].pk, r["rank"]) for r in rows[:2]] == [(B, 1), (A, 2)]
    a = rows[1]
    january = Score.objects.get(commune_id=A, period="2026M01").total
    assert a["change"] == round(float(Score.objects.get(commune_id=A, period=FEB).total - january), 2)
    assert a["groups"][1] == 15  # TDGQ
    rural = client_for("paula").get(url, {"period": FEB, "area_type": "rural"}).context["ranking"]
    assert B in [r["commune"].pk for r in rural] and {r["commune"].area_type for r in rural} == {"rural"}
    exported = _csv(client_for("paula").get(url, {"period": FEB, "export": "csv"}))
    assert exported[2][:2] == ["2", A] and exported[2][8] == "15"


@pytest.mark.parametrize("name, status", [("charlie", 404), ("oscar", 404), ("cindy", 403), ("paula", 200),
                                          ("ada", 200), ("bob", 200)])
def test_only_officials_over_the_commune_see_its_index(client_for, february, name, status):
    client = client_for(name)
    for url in (reverse("measurement:commune_index", args=[A]),
                reverse("measurement:commune_index_month", args=[A, FEB]),
                reverse("measurement:commune_index_lost", args=[A, FEB, "TDGQ.1"])):
        assert client.get(url).status_code == status, (name, url)


@pytest.mark.parametrize("name, status", [("alice", 403), ("charlie", 403), ("oscar", 404), ("cindy", 403),
                                          ("paula", 200), ("ada", 200)])
def test_only_the_province_and_administrators_see_the_ranking(client_for, users, name, status):
    url = reverse("measurement:province_index", args=[testing.PROVINCE])
    assert client_for(name).get(url).status_code == status


def test_a_visitor_is_sent_to_sign_in(client, users):
    response = client.get(reverse("measurement:commune_index", args=[A]))
    assert response.status_code == 302 and "login" in response["Location"]
