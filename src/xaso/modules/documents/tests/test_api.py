# SPDX-License-Identifier: AGPL-3.0-or-later
"""The documents' API: the same services and checks as the pages, for other systems."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from xaso.modules.documents.models import OutgoingStatus

from .conftest import PASSPHRASE, SEAL_PASSPHRASE, draft, to_approved, to_issued

pytestmark = pytest.mark.django_db


def api(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def base(users):
    return f"/api/v1/documents/communes/{users['bob'].commune_id}"


def test_registering_and_searching_through_the_api(users):
    bob = api(users["bob"])
    made = bob.post(f"{base(users)}/incoming/", {"sender": "Sở Y tế", "type_code": "CV",
                                                "summary": "Về việc tiêm chủng mở rộng"}, format="json")
    assert made.status_code == 201 and made.json()["arrival_number"] == 1
    found = bob.get(f"{base(users)}/incoming/", {"q": "tiem chung"}).json()
    assert [d["summary"] for d in found["results"]] == ["Về việc tiêm chủng mở rộng"]
    refused = bob.post(f"{base(users)}/incoming/", {"sender": "Sở Y tế", "type_code": "XX", "summary": "x"},
                       format="json")
    assert refused.status_code == 400 and "type_code" in refused.json()
    assert api(users["charlie"]).get(f"{base(users)}/incoming/").status_code == 404


def test_signing_and_issuing_through_the_api(users, keys):
    document = to_approved(users, draft(users))
    url = f"{base(users)}/outgoing/{document.pk}/"
    assert "sign" in api(users["hana"]).get(url).json()["actions"]
    wrong = api(users["hana"]).post(url, {"action": "sign", "key": keys["personal"].pk, "secret": "sai"},
                                    format="json")
    assert wrong.status_code == 400
    signed = api(users["hana"]).post(url, {"action": "sign", "key": keys["personal"].pk, "secret": PASSPHRASE},
                                     format="json")
    assert signed.status_code == 200 and signed.json()["status"] == OutgoingStatus.SIGNED
    issued = api(users["bob"]).post(url, {"action": "issue", "key": keys["seal"].pk, "secret": SEAL_PASSPHRASE},
                                    format="json").json()
    assert issued["status"] == OutgoingStatus.ISSUED and issued["number_symbol"] == "01/UBND"
    assert [s["kind"] for s in issued["signatures"]] == ["personal", "organisation"]
    pdf = api(users["bob"]).get(f"{url}draft.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_anyone_may_verify_a_pdf_through_the_api(users, keys):
    document = to_issued(users, keys, draft(users))
    with document.issued_file.file.open("rb") as f:
        data = f.read()
    answer = api().post("/api/v1/documents/verify/", {"file": SimpleUploadedFile("vb.pdf", data)},
                        format="multipart")
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True and len(body["signatures"]) == 2
    junk = api().post("/api/v1/documents/verify/", {"file": SimpleUploadedFile("vb.pdf", b"%PDF-1.4 junk")},
                      format="multipart")
    assert junk.status_code == 400


def test_a_retried_registration_or_draft_makes_one_record(users):
    bob = api(users["bob"])
    data = {"sender": "Sở Y tế", "type_code": "CV", "summary": "Về việc tiêm chủng"}
    first = bob.post(f"{base(users)}/incoming/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1").json()
    again = bob.post(f"{base(users)}/incoming/", data, format="json", HTTP_IDEMPOTENCY_KEY="k-1").json()
    assert first["id"] == again["id"] and first["arrival_number"] == again["arrival_number"] == 1
    sam = api(users["sam"])
    draft = {"type_code": "TB", "summary": "Thông báo lịch tiếp công dân", "body": "Nội dung",
             "signer": users["hana"].pk, "signer_position": "CHỦ TỊCH", "idempotency_key": "d-1"}
    made = [sam.post(f"{base(users)}/outgoing/", draft, format="json").json()["id"] for _ in range(2)]
    assert made[0] == made[1]
