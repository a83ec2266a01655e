# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public guide, the search, each commune's choice of procedures, the online form and the API."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.procedures import forms, seed, selectors, services
from xaso.modules.procedures.models import Enablement, Procedure

BIRTH, COPIES, RESIDENCE = "1.001193", "2.000815", "1.004222"


@pytest.fixture
def sample(users):
    seed.seed_sample_procedures()


def commune_a():
    return Commune.objects.get(pk=testing.COMMUNE_A)


def test_it_loads_the_sample_list_once_and_marks_it(users):
    first = seed.seed_sample_procedures()
    assert first["created"] >= 10
    assert seed.seed_sample_procedures() == {"created": 0, "updated": 0, "unchanged": first["created"]}
    assert not Procedure.objects.filter(is_sample=False).exists()
    assert seed.enable_all(testing.COMMUNE_B) == first["created"] and seed.enable_all(testing.COMMUNE_B) == 0


def test_a_commune_official_chooses_the_communes_procedures(sample, users):
    changed = services.enablement_set(actor=users["olivia"], commune=commune_a(), codes=[BIRTH, COPIES])
    assert changed == {"added": [BIRTH, COPIES], "removed": []}
    assert services.enablement_set(actor=users["hana"], commune=commune_a(), codes=[COPIES]) == {
        "added": [], "removed": [BIRTH]}
    assert [p.code for p in selectors.enabled_procedures(commune_a())] == [COPIES]
    with pytest.raises(ValidationError):
        services.enablement_set(actor=users["olivia"], commune=commune_a(), codes=[BIRTH, "9.nope"])
    assert selectors.enabled_codes(commune_a()) == {COPIES}  # the refused change left nothing behind


@pytest.mark.parametrize("outsider", ["charlie", "paula", "bob", "cindy"])
def test_only_the_communes_own_officials_enable(sample, users, outsider):
    """charlie governs another commune; paula is the province (enabling is the commune's); bob is a clerk."""
    with pytest.raises(PermissionDenied):
        services.enablement_set(actor=users[outsider], commune=commune_a(), codes=[BIRTH])
    assert not Enablement.objects.exists()


def test_the_commune_page_is_public_and_its_officials_tick_the_boxes(sample, users, client_for):
    seed.enable_all(testing.COMMUNE_A)
    url = f"/procedures/communes/{testing.COMMUNE_A}/"
    public = Client().get(url)
    assert public.status_code == 200 and "Đăng ký khai sinh" in public.content.decode()
    assert public.context["form"] is None and 'type="checkbox"' not in public.content.decode()
    assert "Dữ liệu mẫu" in public.content.decode()
    for outsider in ("charlie", "paula"):
        assert client_for(outsider).post(url, {"codes": [BIRTH]}).status_code == 404
    assert len(selectors.enabled_codes(commune_a())) >= 10
    olivia = client_for("olivia")
    assert 'type="checkbox"' in olivia.get(url).content.decode()
    assert olivia.post(url, {"codes": [BIRTH, RESIDENCE]}).status_code == 302
    assert selectors.enabled_codes(commune_a()) == {BIRTH, RESIDENCE}
    exported = json.loads(Client().get(url, {"export": "json"}).content)
    assert sorted(r["code"] for r in exported) == [BIRTH, RESIDENCE]
    assert olivia.post(url, {}).status_code == 302  # every box unticked: the commune handles none
    assert selectors.enabled_codes(commune_a()) == set()


def test_the_commune_page_refuses_a_post_without_csrf(sample, users):
    strict = Client(enforce_csrf_checks=True)
    testing.sign_in(strict, users["olivia"])
    assert strict.post(f"/procedures/communes/{testing.COMMUNE_A}/", {"codes": [BIRTH]}).status_code == 403
    assert not Enablement.objects.exists()
    assert Client().get("/procedures/communes/99999/").status_code == 404


def test_the_public_finds_a_procedure_with_or_without_diacritics(sample, client):
    for query in ("khai sinh", "Đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", BIRTH):
        page = client.get("/procedures/", {"q": query})
        assert [p.code for p in page.context["procedures"]] == [BIRTH], query
    assert {p.code for p in client.get("/procedures/", {"q": "chung thuc"}).context["procedures"]} == {
        COPIES, "2.000884"}
    assert client.get("/procedures/", {"q": "khai sinh xyz"}).context["procedures"] == []
    page = client.get("/procedures/")
    assert "Dữ liệu mẫu" in page.content.decode() and len(page.context["procedures"]) >= 10


def test_the_list_filters_by_sector_and_online_level_and_exports(sample, client):
    civil = client.get("/procedures/", {"sector": "HT"}).context["procedures"]
    assert civil and all(p.sector.code == "HT" for p in civil)
    offline = client.get("/procedures/", {"online": "none"}).context["procedures"]
    assert offline and all(p.online_level == "none" for p in offline)
    rows = json.loads(client.get("/procedures/", {"export": "json", "q": "khai sinh"}).content)
    assert [r["code"] for r in rows] == [BIRTH]
    assert client.get("/procedures/", {"export": "csv"})["Content-Type"].startswith("text/csv")


def test_the_guide_says_what_to_bring_how_long_and_how_much(sample, users, client):
    services.enablement_set(actor=users["olivia"], commune=commune_a(), codes=[COPIES])
    body = client.get(f"/procedures/{COPIES}/").content.decode()
    assert "Bản chính giấy tờ cần chứng thực" in body and "Bản sao cần chứng thực" in body
    assert "<dd>2.000 đồng · 2.000 đồng/trang" in body  # the fee, grouped the Vietnamese way, then its note
    assert "<dd>Trong ngày; tiếp nhận từ 15:00 trở đi" in body  # the same day, with the cut-off hour
    assert "Nghị định 23/2015/NĐ-CP" in body and "Dữ liệu mẫu" in body and "Phường Hạ Long" in body
    birth = client.get(f"/procedures/{BIRTH}/").content.decode()
    assert "<dd>Miễn phí" in birth and "<dd>1 ngày làm việc;" in birth
    assert "<td>75.000 đồng</td>" in client.get("/procedures/", {"q": "giay phep xay dung"}).content.decode()
    assert client.get("/procedures/0.000000/").status_code == 404


def test_the_online_form_checks_its_fields(sample):
    form = forms.fields_form(selectors.procedure_in_force(BIRTH))
    assert list(form.fields) == ["child_name", "birth_date", "sex", "birth_place", "mother_id_number"]
    good = {"child_name": "Nguyễn An", "birth_date": "05/03/2026", "sex": "Nữ", "birth_place": "Hạ Long",
            "mother_id_number": "022 190 007 777"}
    filled = forms.fields_form(selectors.procedure_in_force(BIRTH), data=good)
    assert filled.is_valid(), filled.errors
    assert filled.cleaned_data["mother_id_number"] == "022190007777"
    bad = forms.fields_form(selectors.procedure_in_force(BIRTH), data={
        **good, "birth_date": "31/02/2026", "sex": "Khác", "mother_id_number": "12345", "child_name": ""})
    assert not bad.is_valid()
    assert set(bad.errors) == {"child_name", "birth_date", "sex", "mother_id_number"}
    assert "12 chữ số" in bad.errors["mother_id_number"][0]
    residence = selectors.procedure_in_force(RESIDENCE)
    for phone, ok in (("0912345678", True), ("091 234 5678", True), ("+84912345678", True), ("02033123456", True),
                      ("123", False), ("0112345678", False), ("09123456789", False)):
        form = forms.fields_form(residence, data={"address": "Tổ 1", "phone": phone})
        assert form.is_valid() is ok, phone


def test_the_api_reads_publicly_and_changes_within_the_commune(sample, users):
    anyone = APIClient()
    listed = anyone.get("/api/v1/procedures/").json()["results"]
    assert len(listed) >= 10 and all(p["is_sample"] for p in listed)
    assert [p["code"] for p in anyone.get("/api/v1/procedures/", {"q": "dang ky khai sinh"}).json()["results"]] == [
        BIRTH]
    assert {p["sector"] for p in anyone.get("/api/v1/procedures/", {"sector": "CT"}).json()["results"]} == {
        "Chứng thực"}
    detail = anyone.get(f"/api/v1/procedures/{COPIES}/").json()
    assert detail["fee"] == "2000" and detail["processing_days"] == 0 and detail["components"][0]["original_count"] == 1
    assert anyone.get("/api/v1/procedures/0.000000/").status_code == 404
    url = f"/api/v1/procedures/communes/{testing.COMMUNE_A}/enabled/"
    olivia, charlie, paula = APIClient(), APIClient(), APIClient()
    for client, name in ((olivia, "olivia"), (charlie, "charlie"), (paula, "paula")):
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=users[name]).key}")
    assert olivia.put(url, {"codes": [COPIES]}, format="json").json() == {"codes": [COPIES]}
    assert charlie.put(url, {"codes": []}, format="json").status_code == 404
    assert paula.put(url, {"codes": []}, format="json").status_code == 404
    assert anyone.put(url, {"codes": []}, format="json").status_code in (401, 403)
    refused = olivia.put(url, {"codes": ["9.nope"]}, format="json")
    assert refused.status_code == 400 and "9.nope" in refused.json()["codes"][0]
    assert anyone.get(url).json() == {"codes": [COPIES]}
