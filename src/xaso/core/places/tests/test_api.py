# SPDX-License-Identifier: AGPL-3.0-or-later
"""The places API: public provinces and communes, scoped villages, writes by permission, errors in the
caller's language, and a schema without warnings."""

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune, Village

from .support import state

API = "/api/v1/places/"
COMMUNE_A = f"{API}communes/{testing.COMMUNE_A}/"


def village_url(village):
    return f"{API}villages/{village.pk}/"


def test_it_lists_the_34_provinces_to_anyone(db):
    response = Client().get(API + "provinces/")
    assert response.status_code == 200
    assert len(response.json()) == 34
    assert {"code": "22", "name": "Quảng Ninh", "codename": "quang_ninh", "is_city": False} in response.json()
    assert Client().get(API + "provinces/22/").json()["name"] == "Quảng Ninh"
    assert Client().get(API + "provinces/99/").status_code == 404


def test_it_counts_every_commune_and_pages_them(db):
    body = Client().get(API + "communes/").json()
    assert body["count"] == 3321
    assert len(body["results"]) == 100 and body["next"].endswith("?page=2")
    last = Client().get(API + "communes/?page=34").json()
    assert len(last["results"]) == 21 and last["next"] is None


def test_it_filters_communes(db):
    in_province = Client().get(API + "communes/?province=22").json()
    assert in_province["count"] == Commune.objects.filter(province_id="22").count()
    wards = Client().get(API + "communes/?province=22&kind=phuong&area_type=urban").json()
    assert wards["count"] == Commune.objects.filter(province_id="22", kind="phuong").count()
    found = Client().get(API + "communes/", {"search": "ha long"}).json()["results"]
    assert {"code": "06688", "name": "Phường Hạ Long", "kind": "phuong", "province": "22",
            "province_name": "Quảng Ninh", "area_type": "urban"} in found
    assert {c["name"] for c in found} >= {"Phường Hạ Long", "Xã Hà Long"}


@pytest.mark.parametrize(("query", "field", "vi", "en"), [
    ("kind=thon", "kind", "“thon” không phải là loại đơn vị cấp xã; hãy dùng xa, phuong hoặc dac_khu.",
     "“thon” is not a kind of commune; use xa, phuong or dac_khu."),
    ("area_type=desert", "area_type", "“desert” không phải là loại địa bàn; hãy dùng urban, rural hoặc mountain.",
     "“desert” is not an area type; use urban, rural or mountain."),
    ("province=99", "province", "Không có tỉnh nào mang mã “99”.", "No province has the code “99”."),
])
def test_it_names_the_field_of_a_bad_commune_filter_in_the_callers_language(db, query, field, vi, en):
    response = Client().get(f"{API}communes/?{query}")
    assert response.status_code == 400 and response.json() == {field: [vi]}
    assert Client().get(f"{API}communes/?{query}", HTTP_ACCEPT_LANGUAGE="en").json() == {field: [en]}


def test_it_shows_a_commune_to_anyone(db):
    assert Client().get(COMMUNE_A).json()["name"] == "Phường Hạ Long"
    assert Client().get(f"{API}communes/99999/").status_code == 404


@pytest.mark.parametrize("who", ["paula", "ada"])
def test_it_lets_allowed_users_change_the_area_type(client_for, users, who):
    response = client_for(who).patch(COMMUNE_A, {"area_type": "mountain"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["area_type"] == "mountain"
    assert Commune.objects.get(pk=testing.COMMUNE_A).area_type == "mountain"
    event = AuditEvent.objects.get()
    assert (event.action, event.actor_id) == ("xaso.places.commune.area_type_changed", users[who].pk)


def test_an_empty_patch_changes_nothing(client_for):
    response = client_for("paula").patch(COMMUNE_A, {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["area_type"] == "urban"
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["alice", "charlie", "oscar", "cindy"])
def test_it_refuses_the_area_type_to_others(client_for, who):
    before = state()
    response = client_for(who).patch(COMMUNE_A, {"area_type": "mountain"}, content_type="application/json")
    assert response.status_code == 403
    assert list(response.json()) == ["detail"]
    assert state() == before


def test_it_refuses_the_area_type_to_an_anonymous_caller(users):
    before = state()
    response = Client().patch(COMMUNE_A, {"area_type": "mountain"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert Client().put(COMMUNE_A, {"area_type": "mountain"}, content_type="application/json").status_code in (
        401, 403, 405)
    assert state() == before


def test_it_rejects_a_bad_area_type_in_the_callers_language(client_for):
    paula, before = client_for("paula"), state()
    response = paula.patch(COMMUNE_A, {"area_type": "desert"}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"area_type": ["“desert” không phải là loại địa bàn; hãy dùng urban, rural hoặc "
                                             "mountain."]}
    english = paula.patch(COMMUNE_A, {"area_type": None}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.json() == {"area_type": ["This field is required."]}
    assert state() == before


def names(response) -> set[str]:
    assert response.status_code == 200
    return {v["name"] for v in response.json()["results"]}


def test_it_lists_only_the_villages_in_the_callers_scope(client_for, villages):
    a = {"Thôn 1", "Thôn 2", "Tổ dân phố 3", "Thôn Cũ"}
    assert names(client_for("alice").get(API + "villages/")) == a
    assert names(client_for("charlie").get(API + "villages/")) == {"Thôn Tiên Phong"}
    assert names(client_for("paula").get(API + "villages/")) == a | {"Thôn Tiên Phong"}
    assert names(client_for("paula").get(API + f"villages/?commune={testing.COMMUNE_A}")) == a
    assert names(client_for("charlie").get(API + f"villages/?commune={testing.COMMUNE_A}")) == set()
    assert names(client_for("oscar").get(API + "villages/")) == set()
    assert names(client_for("cindy").get(API + "villages/")) == set()
    assert Client().get(API + "villages/").status_code in (401, 403)


def test_it_describes_a_village(client_for, villages):
    body = client_for("paula").get(village_url(villages["old"])).json()
    assert body == {"id": villages["old"].pk, "commune": testing.COMMUNE_A, "name": "Thôn Cũ", "kind": "thon",
                    "merged_into": villages["two"].pk, "is_active": False}


def test_it_rejects_an_unknown_commune_filter(client_for, villages):
    response = client_for("alice").get(API + "villages/?commune=99999")
    assert response.status_code == 400 and response.json() == {"commune": ["Không có xã nào mang mã “99999”."]}


@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_it_answers_404_for_another_communes_village(client_for, villages, who):
    client, before = client_for(who), state()
    assert client.get(village_url(villages["one"])).status_code == 404
    assert client.patch(village_url(villages["one"]), {"name": "Thôn Lạ"},
                        content_type="application/json").status_code == 404
    assert state() == before


def test_it_creates_a_village_for_those_who_manage(client_for, users, villages):
    response = client_for("alice").post(API + "villages/", {"commune": testing.COMMUNE_A, "name": " Bản  Mới ",
                                                            "kind": "ban"}, content_type="application/json")
    assert response.status_code == 201
    village = Village.objects.get(pk=response.json()["id"])
    assert (village.commune_id, village.name, village.kind) == (testing.COMMUNE_A, "Bản Mới", "ban")
    assert AuditEvent.objects.get().action == "xaso.places.village.created"


@pytest.mark.parametrize("who", ["paula", "charlie", "oscar", "cindy"])
def test_it_refuses_to_create_a_village_for_others(client_for, villages, who):
    before = state()
    response = client_for(who).post(API + "villages/", {"commune": testing.COMMUNE_A, "name": "Thôn Lạ"},
                                    content_type="application/json")
    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(("data", "expected"), [
    ({"commune": testing.COMMUNE_A, "name": "thôn 1"}, {"name": ["Xã đã có thôn, tổ dân phố tên “Thôn 1”."]}),
    ({"commune": "99999", "name": "Thôn Lạ"}, {"commune": ["Không có xã nào mang mã “99999”."]}),
    ({"commune": testing.COMMUNE_A}, {"name": ["Trường này là bắt buộc."]}),
    ({"commune": testing.COMMUNE_A, "name": "Thôn Lạ", "kind": "xom"},
     {"kind": ["“xom” không phải là một loại thôn, tổ dân phố hợp lệ."]}),
    ({"commune": testing.COMMUNE_A, "name": "x" * 101}, {"name": ["Tên thôn, tổ dân phố dài quá 100 ký tự."]}),
    ({"commune": testing.COMMUNE_A, "name": "..."},
     {"name": ["Tên thôn, tổ dân phố phải có ít nhất một chữ cái hoặc chữ số."]}),
])
def test_it_names_the_field_of_a_bad_village_in_vietnamese(client_for, villages, data, expected):
    before = state()
    response = client_for("alice").post(API + "villages/", data, content_type="application/json")
    assert response.status_code == 400 and response.json() == expected
    assert state() == before


def test_it_renames_a_village_for_those_who_manage(client_for, villages):
    response = client_for("bob").patch(village_url(villages["one"]), {"name": "Thôn Mới"},
                                       content_type="application/json")
    assert response.status_code == 200 and response.json()["name"] == "Thôn Mới"
    event = AuditEvent.objects.get()
    assert (event.action, event.before, event.after) == ("xaso.places.village.renamed", {"name": "Thôn 1"},
                                                         {"name": "Thôn Mới"})


def test_it_refuses_a_rename_to_a_reader_and_of_a_merged_village(client_for, villages):
    before = state()
    paula = client_for("paula")
    assert paula.patch(village_url(villages["one"]), {"name": "Thôn Lạ"},
                       content_type="application/json").status_code == 403
    response = client_for("alice").patch(village_url(villages["old"]), {"name": "Thôn Lạ"},
                                         content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"name": ["“Thôn Cũ” has been merged into “Thôn 2” and can no longer be renamed."]}
    assert state() == before


def test_it_scopes_token_callers_like_browser_sessions(users, villages):
    token = Token.objects.create(user=users["charlie"])
    machine = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert names(machine.get(API + "villages/")) == {"Thôn Tiên Phong"}
    assert machine.get(village_url(villages["one"])).status_code == 404


def test_its_schema_is_valid_and_has_no_warnings(tmp_path):
    call_command("spectacular", "--urlconf", "xaso.core.places.tests.schema_urls", "--validate", "--fail-on-warn",
                 "--file", str(tmp_path / "schema.yaml"))
    schema = (tmp_path / "schema.yaml").read_text()
    for route in ("/api/v1/places/provinces/", "/api/v1/places/communes/{commune_code}/",
                  "/api/v1/places/villages/{village_id}/"):
        assert route + ":" in schema
