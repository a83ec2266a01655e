# SPDX-License-Identifier: AGPL-3.0-or-later
"""The API files and follows dossiers as the pages do, with the same rules."""

from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xaso import testing
from xaso.modules.dossiers.models import Dossier, Status

from .conftest import pdf

A = testing.COMMUNE_A
BASE = f"/api/v1/dossiers/communes/{A}/dossiers/"


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def intake(client, **extra):
    data = {"procedure": "1.000001", "applicant_name": "Phạm Minh", "applicant_id_number": "001190077777",
            "applicant_phone": "0901234567", "accept": "true", "files": [pdf()], "file_components": ["Tờ khai"]}
    data.update(extra)
    return client.post(BASE, data, format="multipart", HTTP_IDEMPOTENCY_KEY="api-key-1")


def test_it_files_a_dossier_once_per_idempotency_key(users, procedure):
    olivia = api_for(users["olivia"])
    first = intake(olivia)
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "accepted" and first.json()["portal_status"] == 2
    again = intake(olivia)
    assert again.json()["code"] == first.json()["code"]
    assert Dossier.objects.count() == 1


def test_it_refuses_bad_input_with_field_messages(users, procedure):
    olivia = api_for(users["olivia"])
    bad = intake(olivia, applicant_id_number="12", files=[], file_components=[])
    assert bad.status_code == 400
    assert "applicant_id_number" in bad.json()
    missing = intake(olivia, files=[], file_components=[])
    assert missing.status_code == 400 and "Tờ khai" in str(missing.json())
    assert not Dossier.objects.exists()


def test_it_moves_a_dossier_and_refuses_what_the_state_does_not_allow(users, procedure):
    olivia = api_for(users["olivia"])
    code = intake(olivia).json()["code"]
    url = f"{BASE}{code}/"
    assert "assign" in olivia.get(url).json()["actions"]
    refused = olivia.post(url, {"action": "approve"}, format="json")
    assert refused.status_code in (400, 403)
    moved = olivia.post(url, {"action": "assign", "assignee": users["sam"].pk, "version": 1}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "assigned" and moved.json()["steps"][-1]["holder"] == str(users["sam"])
    assert Dossier.objects.get().status == Status.ASSIGNED


def test_outsiders_get_nothing(users, procedure):
    code = intake(api_for(users["olivia"])).json()["code"]
    assert api_for(users["charlie"]).get(f"{BASE}{code}/").status_code == 404
    assert api_for(users["cindy"]).get(BASE).status_code == 404
    lookup = APIClient().get("/api/v1/dossiers/lookup/", {"code": code, "secret": "4567"})
    assert lookup.status_code == 200 and "applicant_name" not in lookup.json()
    assert APIClient().get("/api/v1/dossiers/lookup/", {"code": code, "secret": "1111"}).status_code == 404


def test_the_schema_documents_the_dossier_operations(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "/api/v1/dossiers/communes/{commune_code}/dossiers/" in paths
    assert "/api/v1/dossiers/lookup/" in paths


def test_a_dossier_travels_the_whole_way_through_the_api(users, procedure):
    olivia, sam, hana = (api_for(users[n]) for n in ("olivia", "sam", "hana"))
    code = intake(olivia).json()["code"]
    url = f"{BASE}{code}/"

    def step(client, action, fmt="json", **fields):
        version = client.get(url).json()["version"]
        response = client.post(url, {"action": action, "version": version, **fields}, format=fmt)
        assert response.status_code == 200, (action, response.content)
        return response.json()

    step(olivia, "assign", assignee=users["sam"].pk)
    step(sam, "start")
    paused = step(sam, "request_documents", note="Bản sao giấy khai sinh")
    assert paused["portal_status"] == 5 and paused["paused_on"]
    step(olivia, "documents_received", fmt="multipart", documents=pdf("bo-sung.pdf"))
    step(sam, "submit")
    step(hana, "approve")
    ready = step(sam, "result_ready", fmt="multipart", result=pdf("kq.pdf"), title="Giấy xác nhận")
    assert ready["portal_status"] == 9
    done = step(olivia, "return_result")
    assert done["status"] == "returned" and done["portal_status"] == 10
    assert [s["transition"] for s in done["steps"]] == [
        "receive", "accept", "assign", "start", "request_documents", "documents_received", "submit", "approve",
        "result_ready", "return_result"]
    report = olivia.get(f"/api/v1/dossiers/communes/{A}/report/").json()
    assert isinstance(report, list)
