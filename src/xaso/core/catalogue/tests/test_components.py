# SPDX-License-Identifier: AGPL-3.0-or-later
"""The model's public pages: every component, filtered and exported, and one component's page."""

import pytest
from django.urls import reverse
from django.utils import translation

from xaso.core.catalogue import registry, seed
from xaso.core.catalogue.models import Component

from .conftest import component, update
from .helpers import read_export

URL = "/model/components/"


def model_components(**match) -> list[dict]:
    """Components straight from the data file, not through the code under test."""
    found = []
    for layer in seed.model_data()["layers"]:
        for c in layer["components"]:
            if all(c.get(k, "") == v or (k == "layer" and layer["key"] == v) for k, v in match.items()):
                found.append(c)
    return found


def test_the_route_names_keep_their_paths():
    assert reverse("catalogue:components") == URL
    assert reverse("catalogue:component", args=["UDCQS19"]) == "/model/components/UDCQS19/"
    assert reverse("catalogue:roadmap", args=["06688"]) == "/model/communes/06688/roadmap/"
    assert reverse("catalogue:adoption", args=["06688", "HTS6"]) == "/model/communes/06688/roadmap/HTS6/"
    assert reverse("catalogue:matrix") == "/model/matrix/"


@pytest.mark.django_db
def test_it_shows_every_component_to_anyone_grouped_by_layer(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert sum(len(rows) for _, rows in response.context["groups"]) == 170
    assert [layer.key for layer, _ in response.context["groups"]] == [
        layer["key"] for layer in seed.model_data()["layers"]]
    body = response.content.decode()
    assert "ỨDCQS19" in body and "Hạ tầng số" in body  # codes as the model writes them, names in Vietnamese
    assert "Tích hợp với hệ thống của Trung ương/tỉnh" in body  # the provision label, translated


@pytest.mark.django_db
def test_it_names_things_in_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    body = client.get(URL).content.decode()
    assert "Digital infrastructure" in body and "Integrates with the central/provincial system" in body


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "match"), [
    ("tier=central", {"tier": "central"}),
    ("tier=area&area=urban", {"tier": "area", "area": "urban"}),
    ("area=mountain&layer=HTS", {"area": "mountain", "layer": "HTS"}),
    ("layer=NVCQS", {"layer": "NVCQS"}),
])
def test_it_filters_by_tier_area_and_layer(client, query, match):
    response = client.get(f"{URL}?{query}")
    shown = [row.component.key for _, rows in response.context["groups"] for row in rows]
    assert shown == [c["key"] for c in model_components(**match)]
    assert shown


@pytest.mark.django_db
def test_it_filters_by_what_provides_a_component(client):
    provided = client.get(f"{URL}?provision=module").context["groups"]
    assert sorted(row.component.key for _, rows in provided for row in rows) == sorted(registry.providers())
    tracked = [row for _, rows in client.get(f"{URL}?provision=tracked").context["groups"] for row in rows]
    assert tracked and all(row.component.tier in ("commune", "area") for row in tracked)


@pytest.mark.django_db
def test_it_names_the_field_of_a_bad_filter_in_vietnamese_and_shows_everything(client):
    response = client.get(f"{URL}?tier=galaxy")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Cấp triển khai: " in body and "Hãy chọn một lựa chọn hợp lệ" in body  # the field, then Django's own words
    assert sum(len(rows) for _, rows in response.context["groups"]) == 170


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_its_exports_parse_back_to_the_same_170_components(client, fmt):
    rows = read_export(client.get(f"{URL}?export={fmt}"))
    assert len(rows) == 170
    columns = [list(r.values()) for r in rows]  # code, key, layer, layer name, tier, area, names, provision
    assert [c[1] for c in columns] == list(Component.objects.order_by("position").values_list("key", flat=True))
    assert columns[0][:3] == ["HTS1", "HTS1", "HTS"] and columns[0][8] == "integration"
    assert next(c for c in columns if c[1] == "UDCQS19")[0] == "ỨDCQS19"


@pytest.mark.django_db
def test_an_export_keeps_the_filter(client):
    rows = read_export(client.get(f"{URL}?tier=area&area=rural&export=json"))
    assert [r["key"] for r in rows] == [c["key"] for c in model_components(tier="area", area="rural")]
    assert {r["area"] for r in rows} == {"rural"}


@pytest.mark.django_db
def test_a_component_page_shows_its_public_facts_to_anyone(client):
    response = client.get(reverse("catalogue:component", args=["UDCQS19"]))
    assert response.status_code == 200
    body = response.content.decode()
    c = Component.objects.get(key="UDCQS19")
    assert c.code in body and c.name_vi in body and c.name_en in body
    assert response.context["standing"] is None


@pytest.mark.django_db
def test_a_component_is_found_by_its_code_as_the_model_writes_it(client):
    assert client.get("/model/components/ỨDCQS19/").context["component"].key == "UDCQS19"


@pytest.mark.django_db
def test_an_unknown_component_is_404(client):
    assert client.get(reverse("catalogue:component", args=["NOPE1"])).status_code == 404


def test_a_commune_official_sees_their_own_record_with_a_link(users, client_for, commune_a):
    c = component("HTS", "commune")
    update(users["alice"], commune_a, c, status="in_progress", owner=users["bob"])
    body = client_for("alice").get(reverse("catalogue:component", args=[c.key])).content.decode()
    assert "Đang triển khai" in body and "Bob" in body
    assert reverse("catalogue:adoption", args=[commune_a.code, c.key]) in body


def test_a_commune_official_is_told_when_a_component_does_not_apply(users, client_for):
    rural = component("HTS", "area", "rural")
    response = client_for("alice").get(reverse("catalogue:component", args=[rural.key]))
    assert "không áp dụng cho xã/phường của bạn" in response.content.decode()
    assert reverse("catalogue:adoption", args=["06688", rural.key]) not in response.content.decode()


def test_a_province_official_sees_how_many_communes_of_the_province_have_it(users, client_for, commune_a,
                                                                            commune_b):
    c = component("HTS", "commune")
    update(users["alice"], commune_a, c, status="live")
    update(users["charlie"], commune_b, c, status="in_progress")
    standing = client_for("paula").get(reverse("catalogue:component", args=[c.key])).context["standing"]
    assert (standing.live, standing.in_progress) == (1, 1)
    assert standing.applicable_communes == commune_a.province.communes.count()
    assert client_for("oscar").get(reverse("catalogue:component", args=[c.key])).context["standing"].live == 0


def test_a_province_official_counts_an_area_component_only_where_it_applies(users, client_for, commune_a):
    urban = component("HTS", "area", "urban")
    update(users["alice"], commune_a, urban, status="live")
    standing = client_for("paula").get(reverse("catalogue:component", args=[urban.key])).context["standing"]
    assert standing.live == 1
    assert standing.applicable_communes == commune_a.province.communes.filter(area_type="urban").count()


def test_the_provision_label_names_the_module(db):
    with translation.override("en"):
        assert registry.provision(Component.objects.get(key="DLHQ5")).label == "Provided by xaso module catalogue"


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["%00", "HTS%001", "x" * 300, "%F0%9F%98%80"])
def test_a_malformed_component_key_is_404_on_every_database(client, key):
    assert client.get(f"{URL}{key}/").status_code == 404
    assert client.get(f"/api/v1/model/components/{key}/").status_code == 404
