# SPDX-License-Identifier: AGPL-3.0-or-later
"""A commune's roadmap: what applies to it, where each component stands, and what comes next."""

from datetime import date

import pytest
from django.urls import reverse

from xaso import testing
from xaso.core.catalogue.models import Component

from .conftest import component, update
from .helpers import read_export


def url(code=testing.COMMUNE_A, query=""):
    return reverse("catalogue:roadmap", args=[code]) + query


def applicable_keys(area_type: str) -> list[str]:
    return list(Component.objects.filter(Component.applicable_q(area_type)).order_by("position")
                .values_list("key", flat=True))


@pytest.mark.parametrize(("who", "code", "area_type"), [
    ("alice", testing.COMMUNE_A, "urban"),
    ("charlie", testing.COMMUNE_B, "rural"),
    ("paula", testing.COMMUNE_C, "mountain"),
    ("ada", testing.COMMUNE_A, "urban"),
])
def test_it_lists_exactly_the_components_that_apply_to_the_area_type(client_for, who, code, area_type):
    response = client_for(who).get(url(code))
    assert response.status_code == 200
    plan = response.context["plan"]
    assert [item.component.key for item in plan.items] == applicable_keys(area_type)
    assert plan.applicable == len(applicable_keys(area_type))
    others = {"urban", "rural", "mountain"} - {area_type}
    assert not [i for i in plan.items if i.component.tier == "area" and i.component.area in others]


def test_the_three_area_types_get_different_roadmaps(db):
    urban, rural, mountain = (set(applicable_keys(a)) for a in ("urban", "rural", "mountain"))
    shared = set(Component.objects.exclude(tier="area").values_list("key", flat=True))
    assert urban & rural == shared == rural & mountain
    assert len(shared) + Component.objects.filter(tier="area", area="urban").count() == len(urban)


@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_an_outsider_gets_404(client_for, who):
    assert client_for(who).get(url()).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, users):
    response = client.get(url())
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_an_unknown_commune_is_404(client_for):
    assert client_for("ada").get(url("99999")).status_code == 404


def test_it_shows_status_owner_target_date_and_progress_by_layer(users, client_for, commune_a):
    update(users["alice"], commune_a, component("HTS", "commune", index=0), status="live")
    update(users["alice"], commune_a, component("HTS", "area", "urban"), status="live")
    update(users["alice"], commune_a, component("HTS", "commune", index=1), status="in_progress",
           owner=users["bob"], target_date=date(2999, 6, 30))
    response = client_for("alice").get(url())
    plan = response.context["plan"]
    hts = next(p for p in plan.layers if p.layer.key == "HTS")
    assert (hts.live, hts.applicable) == (2, len([k for k in applicable_keys("urban") if k.startswith("HTS")]))
    assert plan.live == 2 and plan.counts["in_progress"] == 1
    assert plan.counts["not_started"] == plan.applicable - 3
    body = response.content.decode()
    assert "Bob" in body and "Đang triển khai" in body and "Đã vận hành" in body
    assert f"{hts.live}/{hts.applicable}" in body


def test_next_steps_are_the_components_not_live_with_a_target_date_soonest_first_overdue_flagged(
        users, client_for, commune_a):
    late = component("DL", "commune")
    soon = component("ANM", "commune")
    later = component("HTS", "commune")
    done = component("KTT", "commune")
    update(users["alice"], commune_a, later, status="planned", target_date=date(2999, 12, 31))
    update(users["alice"], commune_a, soon, status="in_progress", target_date=date(2999, 1, 1))
    update(users["alice"], commune_a, late, status="planned", target_date=date(2001, 1, 1))
    update(users["alice"], commune_a, done, status="live", target_date=date(2000, 1, 1))
    update(users["alice"], commune_a, component("NTL", "commune"), status="planned")  # no date: not a step
    response = client_for("alice").get(url())
    steps = response.context["plan"].next_steps
    assert [s.component.key for s in steps] == [late.key, soon.key, later.key]
    assert [s.overdue for s in steps] == [True, False, False]
    body = response.content.decode()
    assert body.count('class="flag-overdue">quá hạn<') == 2  # in the next steps and in the layer's table


def test_it_filters_by_status_and_keeps_the_progress_of_everything(users, client_for, commune_a):
    live = component("HTS", "commune")
    update(users["alice"], commune_a, live, status="live")
    plan = client_for("alice").get(url(query="?status=live")).context["plan"]
    assert [i.component.key for i in plan.items] == [live.key]
    assert plan.applicable == len(applicable_keys("urban")) and plan.live == 1
    not_started = client_for("alice").get(url(query="?status=not_started")).context["plan"]
    assert len(not_started.items) == plan.applicable - 1


def test_a_bad_status_filter_is_named_and_ignored(client_for):
    response = client_for("alice").get(url(query="?status=done"))
    assert response.status_code == 200
    assert "Trạng thái: " in response.content.decode()
    assert len(response.context["plan"].items) == len(applicable_keys("urban"))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_its_exports_parse_back(users, client_for, commune_a, fmt):
    c = component("HTS", "commune")
    update(users["alice"], commune_a, c, status="live", owner=users["bob"], target_date=date(2999, 1, 2))
    rows = read_export(client_for("alice").get(url(query=f"?export={fmt}")))
    assert len(rows) == len(applicable_keys("urban"))
    row = next(r for r in rows if c.key in r.values())
    assert "live" in row.values() and "Bob" in row.values()
    assert any(str(v).startswith("2999-01-02") for v in row.values())


def test_an_outsider_gets_no_export(client_for):
    assert client_for("charlie").get(url(query="?export=json")).status_code == 404


@pytest.mark.parametrize("code", ["%00", "0668%00", "abcde", "٠٦٦٨٨"])
def test_a_malformed_commune_code_is_404_on_every_database(client_for, code):
    assert client_for("ada").get(f"/model/communes/{code}/roadmap/").status_code == 404
    assert client_for("ada").get(f"/model/communes/{code}/roadmap/HTS6/").status_code == 404


def test_its_queries_do_not_grow_with_the_records(users, client_for, commune_a):
    from .test_matrix import queries

    alice = client_for("alice")
    alice.get(url())
    update(users["alice"], commune_a, component("HTS", "commune"), status="live", owner=users["bob"])
    few = queries(alice, url())
    for key in applicable_keys("urban")[:40]:
        update(users["alice"], commune_a, Component.objects.get(key=key), status="in_progress",
               owner=users["alice"], target_date=date(2999, 1, 1))
    assert queries(alice, url()) == few
