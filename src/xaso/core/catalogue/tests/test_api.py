# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue's API: the model for anyone, adoption records for those allowed, in Vietnamese."""

from datetime import date

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from xaso import testing
from xaso.core import tenancy
from xaso.core.audit.models import AuditEvent
from xaso.core.catalogue import registry, seed
from xaso.core.catalogue.models import Adoption, Component

from .conftest import component, update

COMPONENTS = "/api/v1/model/components/"
ADOPTIONS = "/api/v1/model/adoptions/"
FIELDS = {"code", "key", "layer", "tier", "area", "name_vi", "name_en", "provided_by"}


@pytest.mark.django_db
def test_it_returns_all_170_components_in_one_response_to_anyone(client):
    response = client.get(COMPONENTS)
    assert response.status_code == 200
    body = response.json()
    assert isinstance(body, list) and len(body) == 170  # no pagination
    assert all(set(item) == FIELDS for item in body)
    in_data = [c for layer in seed.model_data()["layers"] for c in layer["components"]]
    assert [item["key"] for item in body] == [c["key"] for c in in_data]
    udcqs19 = next(item for item in body if item["key"] == "UDCQS19")
    assert udcqs19["code"] == "ỨDCQS19" and udcqs19["layer"] == "UDCQS"
    assert udcqs19["name_vi"] == next(c["vi"] for c in in_data if c["key"] == "UDCQS19")


@pytest.mark.django_db
def test_provided_by_says_module_integration_or_tracked(client):
    provided = {item["key"]: item["provided_by"] for item in client.get(COMPONENTS).json()}
    assert provided["DLHQ5"] == "module:catalogue"
    assert provided["HTS1"] == "integration" and provided["HTS4"] == "integration"  # central, province
    assert provided["HTS7"] == "tracked"  # the commune's own network: hardware and people
    assert set(provided.values()) <= {"integration", "tracked"} | {f"module:{m}" for m in registry.providers().values()}


@pytest.mark.django_db
def test_one_component_by_key_or_code_and_a_vietnamese_404_for_an_unknown_one(client):
    assert client.get(COMPONENTS + "UDCQS19/").json()["code"] == "ỨDCQS19"
    assert client.get(COMPONENTS + "ỨDCQS19/").json()["key"] == "UDCQS19"
    missing = client.get(COMPONENTS + "XYZ9/")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "Không có thành phần XYZ9 trong mô hình."


@pytest.fixture
def records(users, commune_a, commune_b):
    a = update(users["alice"], commune_a, component("HTS", "commune"), status="live", notes="A")
    a2 = update(users["alice"], commune_a, component("DL", "commune"), status="planned")
    b = update(users["charlie"], commune_b, component("HTS", "commune"), status="in_progress")
    return {"a": a, "a2": a2, "b": b}


def ids(response):
    assert response.status_code == 200, response.content
    return sorted(item["id"] for item in response.json()["results"])


def test_the_list_is_scoped_and_paginated_with_a_count(records, client_for):
    alice = client_for("alice").get(ADOPTIONS)
    assert alice.json()["count"] == 2 and "next" in alice.json()
    assert ids(alice) == sorted([records["a"].pk, records["a2"].pk])
    assert ids(client_for("charlie").get(ADOPTIONS)) == [records["b"].pk]
    assert ids(client_for("paula").get(ADOPTIONS)) == sorted(r.pk for r in records.values())
    assert ids(client_for("oscar").get(ADOPTIONS)) == []


def test_a_citizen_and_an_anonymous_caller_get_no_adoption_records(records, client_for, client):
    assert client_for("cindy").get(ADOPTIONS).status_code == 403
    assert client.get(ADOPTIONS).status_code in (401, 403)
    assert client.get(f"{ADOPTIONS}{records['a'].pk}/").status_code in (401, 403)


def test_the_list_filters_by_commune_status_and_layer(records, client_for):
    paula = client_for("paula")
    assert ids(paula.get(ADOPTIONS + f"?commune={testing.COMMUNE_B}")) == [records["b"].pk]
    assert ids(paula.get(ADOPTIONS + "?status=planned")) == [records["a2"].pk]
    assert ids(paula.get(ADOPTIONS + "?layer=DL")) == [records["a2"].pk]
    assert ids(client_for("charlie").get(ADOPTIONS + f"?commune={testing.COMMUNE_A}")) == []


def test_a_bad_filter_is_a_vietnamese_400(records, client_for):
    response = client_for("paula").get(ADOPTIONS + "?status=done&layer=NOPE")
    assert response.status_code == 400
    assert "status" in response.json() and response.json()["layer"] == ["Không có lớp NOPE trong mô hình."]


def test_a_record_reads_with_its_fields(records, client_for):
    body = client_for("alice").get(f"{ADOPTIONS}{records['a'].pk}/").json()
    assert body["commune"] == testing.COMMUNE_A and body["status"] == "live" and body["notes"] == "A"
    assert body["component_key"] == records["a"].component_id and body["layer"] == "HTS"
    assert body["evidence"] == []


def test_an_outsider_gets_404_for_a_record(records, client_for):
    assert client_for("charlie").get(f"{ADOPTIONS}{records['a'].pk}/").status_code == 404
    assert client_for("charlie").patch(f"{ADOPTIONS}{records['a'].pk}/", {"status": "planned"},
                                       content_type="application/json").status_code == 404
    assert Adoption.objects.get(pk=records["a"].pk).status == "live"


def post(client, **data):
    return client.post(ADOPTIONS, data, content_type="application/json")


def test_post_creates_then_updates_through_the_service(users, client_for):
    alice = client_for("alice")
    created = post(alice, commune=testing.COMMUNE_A, component="ỨDCQS6", status="planned",
                   target_date="2999-05-01", owner=users["bob"].pk, notes="Kế hoạch")
    assert created.status_code == 201, created.content
    assert created.json()["component_key"] == "UDCQS6" and created.json()["owner_name"] == "Bob"
    updated = post(alice, commune=testing.COMMUNE_A, component="udcqs6", status="live")
    assert updated.status_code == 200 and updated.json()["id"] == created.json()["id"]
    record = Adoption.objects.get()
    assert (record.status, record.target_date, record.owner, record.notes) == ("live", None, None, "")
    assert AuditEvent.objects.filter(action="xaso.catalogue.adoption.changed").count() == 2


def test_posting_the_same_thing_again_records_nothing_more(users, client_for):
    alice = client_for("alice")
    for _ in range(3):
        post(alice, commune=testing.COMMUNE_A, component="HTS6", status="live", notes="x")
    assert AuditEvent.objects.count() == 1


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"component": "XYZ9"}, "component", "Không có thành phần XYZ9 trong mô hình."),
    ({"component": "HTS15"}, "component", "không áp dụng cho Phường Hạ Long"),
    ({"commune": "99999"}, "commune", "Không có xã nào mang mã 99999."),
    ({"commune": testing.COMMUNE_B}, "commune", "nằm ngoài phạm vi của bạn"),
    ({"status": "done"}, "status", "“done” không phải là một trạng thái"),
    ({"owner": "bob"}, "owner", "mã số (số nguyên) của một cán bộ"),
    ({"target_date": "2026-02-31"}, "target_date", "Ngày sai định dạng"),
], ids=["unknown-component", "not-applicable", "unknown-commune", "outside-scope", "status", "owner", "date"])
def test_bad_input_is_a_vietnamese_400_naming_the_field_and_saves_nothing(users, client_for, data, field, message):
    response = post(client_for("alice"), **{"commune": testing.COMMUNE_A, "component": "HTS6", "status": "live",
                                           **data})
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    with tenancy.unscoped():
        assert not Adoption.objects.exists()
    assert not AuditEvent.objects.exists()


def test_an_owner_of_another_commune_is_refused(users, client_for):
    response = post(client_for("alice"), commune=testing.COMMUNE_A, component="HTS6", status="live",
                    owner=users["charlie"].pk)
    assert response.status_code == 400 and "không phải là cán bộ của Phường Hạ Long" in response.json()["owner"][0]
    assert not AuditEvent.objects.exists()


def test_bob_the_clerk_may_read_but_not_write(records, users, client_for):
    bob = client_for("bob")
    assert bob.get(ADOPTIONS).status_code == 200
    assert post(bob, commune=testing.COMMUNE_A, component="HTS6", status="planned").status_code == 403
    assert bob.patch(f"{ADOPTIONS}{records['a'].pk}/", {"status": "planned"},
                     content_type="application/json").status_code == 403
    assert Adoption.objects.get(pk=records["a"].pk).status == "live"


def test_patch_changes_only_the_fields_it_names(records, users, client_for):
    alice = client_for("alice")
    response = alice.patch(f"{ADOPTIONS}{records['a'].pk}/", {"target_date": "2999-12-31"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    record = Adoption.objects.get(pk=records["a"].pk)
    assert (record.status, record.notes, record.target_date) == ("live", "A", date(2999, 12, 31))
    again = alice.patch(f"{ADOPTIONS}{records['a'].pk}/", {"target_date": "2999-12-31"},
                        content_type="application/json")
    assert again.status_code == 200
    assert AuditEvent.objects.filter(object_id=str(records["a"].pk)).count() == 2  # created, then one change


def test_put_and_delete_are_not_offered(records, client_for):
    alice = client_for("alice")
    assert alice.put(f"{ADOPTIONS}{records['a'].pk}/", {}, content_type="application/json").status_code == 405
    assert alice.delete(f"{ADOPTIONS}{records['a'].pk}/").status_code == 405


def test_a_machine_writes_with_a_token(users):
    token = Token.objects.create(user=users["alice"])
    machine = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = post(machine, commune=testing.COMMUNE_A, component="HTS7", status="in_progress")
    assert response.status_code == 201, response.content
    assert ids(machine.get(ADOPTIONS)) == [response.json()["id"]]


def test_errors_are_in_english_when_english_is_asked_for(users, client_for):
    response = client_for("alice").post(ADOPTIONS, {"commune": testing.COMMUNE_A, "component": "XYZ9",
                                                    "status": "live"},
                                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.json()["component"] == ["There is no component XYZ9 in the model."]


def test_every_component_is_reachable_through_the_api_by_its_key(client, db):
    keys = list(Component.objects.values_list("key", flat=True))
    assert all(client.get(f"{COMPONENTS}{key}/").status_code == 200 for key in keys[:: 17])
