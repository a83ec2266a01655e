# SPDX-License-Identifier: AGPL-3.0-or-later
"""The communes list of the province office, a commune's public page, and its area type."""

import csv
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from openpyxl import load_workbook

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places import services
from xaso.core.places.models import Commune
from xaso.core.text import fold

from .support import state

LIST = "/places/communes/"
PAGE_A = f"/places/communes/{testing.COMMUNE_A}/"


def exported(client, query: str) -> list[dict]:
    response = client.get(LIST + query + ("&" if "?" in query else "?") + "export=json")
    assert response.status_code == 200
    return json.loads(response.content)


def test_it_shows_a_province_official_only_the_communes_of_their_province(client_for):
    rows = exported(client_for("paula"), "")
    assert len(rows) == Commune.objects.filter(province_id=testing.PROVINCE).count() > 50
    assert {r["province_code"] for r in rows} == {testing.PROVINCE}
    # Asking for another province's communes does not widen the list.
    assert exported(client_for("paula"), f"?province={testing.OTHER_PROVINCE}") == rows
    assert {r["province_code"] for r in exported(client_for("oscar"), "")} == {testing.OTHER_PROVINCE}


def test_it_shows_an_administrator_every_commune_and_filters_by_province(client_for):
    ada = client_for("ada")
    assert len(exported(ada, "")) == 3321
    rows = exported(ada, f"?province={testing.OTHER_PROVINCE}")
    assert len(rows) == Commune.objects.filter(province_id=testing.OTHER_PROVINCE).count()
    assert {r["province_code"] for r in rows} == {testing.OTHER_PROVINCE}


def test_it_finds_communes_by_name_without_diacritics(client_for):
    rows = exported(client_for("ada"), "?q=ha+long")
    names = {r["name"] for r in rows}
    assert {"Phường Hạ Long", "Xã Hà Long"} <= names
    assert all("ha long" in fold(name) for name in names)
    assert [r["name"] for r in exported(client_for("paula"), "?q=VAN+DON")] == ["Đặc khu Vân Đồn"]
    assert [r["code"] for r in exported(client_for("paula"), f"?q={testing.COMMUNE_B}")] == [testing.COMMUNE_B]


def test_it_filters_by_kind_and_area_type(client_for, users):
    expected = Commune.objects.filter(province_id=testing.PROVINCE, kind="dac_khu", area_type="mountain")
    rows = exported(client_for("paula"), "?kind=dac_khu&area_type=mountain")
    assert sorted(r["code"] for r in rows) == sorted(expected.values_list("code", flat=True))
    assert rows and {r["kind"] for r in rows} == {"Đặc khu"}
    assert {r["area_type"] for r in rows} == {"Miền núi, biên giới, hải đảo"}


def test_it_names_the_field_of_a_bad_filter(client_for):
    response = client_for("paula").get(LIST + "?kind=thon")
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["kind"]
    assert "thon" in response.context["form"].errors["kind"][0]


def test_it_pages_the_list_and_keeps_the_filters(client_for):
    response = client_for("ada").get(LIST + "?kind=xa&page=2")
    assert response.status_code == 200
    page = response.context["page"]
    assert page.number == 2 and len(page.object_list) == 100
    assert all(c.kind == "xa" for c in page.object_list)
    assert b"kind=xa&amp;page=3" in response.content


def test_it_exports_communes_that_parse_back(client_for):
    paula = client_for("paula")
    expected = list(Commune.objects.filter(province_id=testing.PROVINCE).order_by("name", "code")
                    .values_list("code", "name"))

    response = paula.get(LIST + "?export=csv")
    assert response["Content-Disposition"] == 'attachment; filename="communes.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Mã", "Tên", "Loại", "Mã tỉnh", "Tỉnh", "Loại địa bàn"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted(expected)
    assert ["06688", "Phường Hạ Long", "Phường", "22", "Quảng Ninh", "Đô thị"] in rows

    workbook = load_workbook(io.BytesIO(paula.get(LIST + "?export=xlsx").content))
    sheet_rows = list(workbook.active.iter_rows(values_only=True))
    assert sheet_rows[0][:2] == ("Mã", "Tên")
    assert sorted((r[0], r[1]) for r in sheet_rows[1:]) == sorted(expected)


@pytest.mark.parametrize("who", ["alice", "charlie", "cindy"])
def test_it_refuses_the_communes_list_to_others(client_for, who):
    assert client_for(who).get(LIST).status_code == 403


def test_it_sends_an_anonymous_visitor_to_sign_in_for_the_list(db):
    response = Client().get(LIST + "?export=csv")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_shows_the_public_facts_of_a_commune_to_anyone(db):
    response = Client().get(PAGE_A)
    assert response.status_code == 200
    body = response.content.decode()
    for fact in ("Phường Hạ Long", testing.COMMUNE_A, "Phường", "Quảng Ninh", "Đô thị"):
        assert fact in body
    assert response.context["form"] is None and 'name="area_type"' not in body


def test_it_answers_404_for_an_unknown_commune(db):
    assert Client().get("/places/communes/99999/").status_code == 404
    assert Client().get("/places/communes/ha-long/").status_code == 404


def test_it_lets_a_province_official_change_the_area_type(client_for, users):
    paula = client_for("paula")
    assert 'name="area_type"' in paula.get(PAGE_A).content.decode()
    response = paula.post(PAGE_A, {"area_type": "mountain"})
    assert response.status_code == 302 and response["Location"] == PAGE_A
    assert Commune.objects.get(pk=testing.COMMUNE_A).area_type == "mountain"
    event = AuditEvent.objects.get()
    assert event.action == "xaso.places.commune.area_type_changed" and event.actor_id == users["paula"].pk
    assert (event.before, event.after, event.commune_id) == ({"area_type": "urban"}, {"area_type": "mountain"},
                                                             testing.COMMUNE_A)


def test_it_records_nothing_when_the_area_type_does_not_change(client_for):
    response = client_for("ada").post(PAGE_A, {"area_type": "urban"})
    assert response.status_code == 302
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize("who", ["alice", "charlie", "oscar", "cindy"])
def test_it_refuses_the_area_type_change_to_others(client_for, who):
    client = client_for(who)
    before = state()
    assert 'name="area_type"' not in client.get(PAGE_A).content.decode()
    assert client.post(PAGE_A, {"area_type": "mountain"}).status_code == 403
    assert state() == before


def test_it_refuses_the_area_type_change_to_an_anonymous_visitor(users):
    before = state()
    assert Client().post(PAGE_A, {"area_type": "mountain"}).status_code == 403
    assert state() == before


def test_it_names_the_field_of_a_bad_area_type(client_for):
    before = state()
    response = client_for("paula").post(PAGE_A, {"area_type": "desert"})
    assert response.status_code == 400
    assert "desert" in response.context["form"].errors["area_type"][0]
    assert state() == before


def test_the_area_type_service_checks_permission_and_value(users, commune_a):
    with pytest.raises(PermissionDenied):
        services.commune_set_area_type(actor=users["oscar"], commune=commune_a, area_type="rural")
    with pytest.raises(ValidationError) as caught:
        services.commune_set_area_type(actor=users["paula"], commune=commune_a, area_type="desert")
    assert list(caught.value.message_dict) == ["area_type"]
    assert Commune.objects.get(pk=testing.COMMUNE_A).area_type == "urban"
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(("name", "place"), [("Phường Hạ Long", "Hạ Long"), ("Xã Tiên Yên", "Tiên Yên"),
                                             ("Đặc khu Vân Đồn", "Vân Đồn"), ("Phường 15", "Phường 15")])
def test_the_place_name_drops_the_kind_unless_the_name_is_a_number(name, place):
    assert Commune(name=name).place_name == place
