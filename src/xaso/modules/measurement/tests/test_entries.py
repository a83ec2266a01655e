# SPDX-License-Identifier: AGPL-3.0-or-later
"""Entering the figures xaso cannot count: the score shows them at once; every refusal changes nothing; a
figure another system sent is never replaced by hand; who may enter for which commune."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune
from xaso.modules.measurement import compute, entries
from xaso.modules.measurement.models import Figure, Origin, Score

A, B = testing.COMMUNE_A, testing.COMMUNE_B
FEB = "2026M02"
TODAY = dt.date(2026, 3, 10)


def _codes(error: ValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors}
    return {e.code for e in error.error_list}


def _points(commune, code):
    return next(d for d in Score.objects.get(commune_id=commune, period=FEB).detail if d["code"] == code)


def _enter(users, commune_a, **kwargs):
    args = {"actor": users["hana"], "commune": commune_a, "measure_key": "portal.synced", "period_key": FEB,
            "numerator": 8, "denominator": 10, "note": "Số liệu Cổng DVC quốc gia", "today": TODAY}
    return entries.figure_enter(**{**args, **kwargs})


def test_an_entry_is_kept_as_manual_audited_and_scored_at_once(users, commune_a, february):
    assert _points(A, "CKMB.2")["state"] == "missing"
    figure = _enter(users, commune_a)
    assert (figure.origin, figure.entered_by, figure.numerator, figure.denominator) == (
        Origin.MANUAL, users["hana"], 8, 10)
    line = _points(A, "CKMB.2")
    assert (line["state"], line["origin"], line["points"]) == ("counted", "manual", 6.4)  # 8 points × 80 %
    event = AuditEvent.objects.get(action="xaso.measurement.figure.entered")
    assert event.before is None and event.after["numerator"] == "8" and event.commune_id == A
    _enter(users, commune_a, numerator=10)
    assert _points(A, "CKMB.2")["points"] == 8
    assert AuditEvent.objects.filter(action="xaso.measurement.figure.entered").latest("id").before["numerator"] == "8"


def test_the_same_entry_twice_records_once(users, commune_a, february):
    _enter(users, commune_a)
    _enter(users, commune_a)
    assert AuditEvent.objects.filter(action="xaso.measurement.figure.entered").count() == 1


def test_two_first_entries_at_once_keep_one_and_tell_the_other(users, commune_a, february, monkeypatch):
    """The second of two people entering a figure nobody had entered yet: their lookup found nothing (the
    first was not committed), their insert meets the first one's row and is refused; the first stays."""
    _enter(users, commune_a)
    monkeypatch.setattr(Figure.objects, "select_for_update", lambda: Figure.objects.none())
    with pytest.raises(ValidationError) as error:
        _enter(users, commune_a, numerator=3)
    assert _codes(error.value) == {"conflict"}
    assert Figure.objects.get(commune_id=A, period=FEB, measure="portal.synced").numerator == 8
    assert AuditEvent.objects.filter(action="xaso.measurement.figure.entered").count() == 1


REFUSED = [
    ({"measure_key": "dossiers.on_time"}, "not_external"),  # xaso counts it itself
    ({"measure_key": "nothing.such"}, "not_external"),
    ({"period_key": "2026-02"}, "period"),
    ({"period_key": "2999M01"}, "period"),  # has not begun
    ({"numerator": -1}, "negative"),
    ({"denominator": -5, "numerator": 0}, "negative"),
    ({"numerator": 11}, "numerator_above"),
    ({"numerator": 1, "denominator": 0}, "zero_denominator"),
    ({"numerator": "1.5"}, "not_whole"),
]


@pytest.mark.parametrize("change, code", REFUSED)
def test_a_refused_entry_says_why_and_changes_nothing(users, commune_a, february, change, code):
    before = (list(Figure.objects.values_list("pk", "numerator", "denominator", "origin")),
              list(Score.objects.values_list("pk", "total", "computed_at")), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as refused:
        _enter(users, commune_a, **change)
    assert code in _codes(refused.value)
    after = (list(Figure.objects.values_list("pk", "numerator", "denominator", "origin")),
             list(Score.objects.values_list("pk", "total", "computed_at")), AuditEvent.objects.count())
    assert after == before


def test_a_figure_from_another_system_is_not_replaced_by_hand(users, commune_a, february):
    Figure.objects.create(commune=commune_a, period=FEB, measure="payments.online", numerator=3, denominator=4,
                          origin=Origin.INTEGRATION, computed_at=timezone.now())
    compute.recompute({(A, FEB)}, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        _enter(users, commune_a, measure_key="payments.online", numerator=4)
    assert _codes(refused.value) == {"from_integration"}
    figure = Figure.objects.get(commune=commune_a, period=FEB, measure="payments.online")
    assert (figure.numerator, figure.origin, figure.entered_by) == (3, Origin.INTEGRATION, None)
    assert _points(A, "TTTT.1")["points"] == 7.5


def test_a_commune_official_cannot_enter_for_another_commune(users, february):
    with pytest.raises(PermissionDenied):
        _enter(users, Commune.objects.get(pk=B))
    assert not Figure.objects.filter(commune_id=B, measure="portal.synced").exists()


def test_the_page_enters_a_figure_and_shows_it_on_the_month(client_for, users, february):
    client = client_for("hana")
    url = reverse("measurement:commune_entries", args=[A])
    page = client.get(url, {"measure": "payments.online", "period": FEB})
    assert page.status_code == 200 and page.context["form"].initial["measure_key"] == "payments.online"
    response = client.post(url, {"measure_key": "payments.online", "period_key": FEB, "numerator": "2",
                                 "denominator": "4", "note": "Theo PayGov"})
    assert response.status_code == 302
    assert response["Location"] == reverse("measurement:commune_index_month", args=[A, FEB])
    month = client.get(response["Location"])
    line = next(ln for g in month.context["by_group"] for ln in g["lines"] if ln["code"] == "TTTT.1")
    assert line["points"] == 5 and line["origin_badge"]["code"] == "manual"
    assert line["origin_badge"]["who"] == str(users["hana"])
    listed = client.get(url, {"export": "csv"}).content.decode("utf-8-sig")
    assert "payments.online" in listed and "Theo PayGov" in listed


def test_the_page_refuses_bad_counts_and_changes_nothing(client_for, february):
    response = client_for("hana").post(reverse("measurement:commune_entries", args=[A]), {
        "measure_key": "payments.online", "period_key": FEB, "numerator": "5", "denominator": "4"})
    assert response.status_code == 400 and response.context["form"].errors["numerator"]
    assert not Figure.objects.filter(measure="payments.online").exists()


@pytest.mark.parametrize("name, status", [("bob", 403), ("cindy", 403), ("charlie", 404), ("oscar", 404),
                                          ("alice", 200), ("paula", 200), ("ada", 200)])
def test_only_those_who_may_enter_for_the_commune_see_the_form(client_for, users, name, status):
    client = client_for(name)
    url = reverse("measurement:commune_entries", args=[A])
    assert client.get(url).status_code == status
    if status != 200:
        posted = client.post(url, {"measure_key": "payments.online", "period_key": FEB, "numerator": "1",
                                   "denominator": "1"})
        assert posted.status_code == status
        assert not Figure.objects.filter(measure="payments.online").exists()
