# SPDX-License-Identifier: AGPL-3.0-or-later
"""One commune's record of one component: the page, the form, its evidence and its history."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso import testing
from xaso.core import tenancy
from xaso.core.audit.models import AuditEvent
from xaso.core.catalogue.models import Adoption, AdoptionEvidence
from xaso.core.files.models import StoredFile
from xaso.core.files.tests import samples

from .conftest import component, update
from .helpers import read_export


@pytest.fixture
def comp(db):
    return component("HTS", "commune")


def url(comp, code=testing.COMMUNE_A):
    return reverse("catalogue:adoption", args=[code, comp.key])


def form(users, **values):
    data = {"status": "in_progress", "owner": users["bob"].pk, "target_date": "2999-03-31",
            "notes": "Đã lắp đặt 3 bộ phát Wi-Fi"}
    data.update(values)
    return {k: v for k, v in data.items() if v is not None}


def records():
    with tenancy.unscoped():
        return list(Adoption.objects.values_list("commune_id", "component_id", "status", "owner_id", "target_date",
                                                 "notes"))


def test_an_official_of_the_commune_sees_a_component_not_yet_started(client_for, comp):
    response = client_for("bob").get(url(comp))
    assert response.status_code == 200
    assert response.context["record"] is None and "Chưa bắt đầu" in response.content.decode()
    assert response.context["form"] is None  # the clerk may look, not change


def test_alice_records_a_change_and_it_is_audited(users, client_for, comp):
    response = client_for("alice").post(url(comp), form(users))
    assert response.status_code == 302 and response["Location"] == url(comp)
    assert records() == [(testing.COMMUNE_A, comp.key, "in_progress", users["bob"].pk, date(2999, 3, 31),
                          "Đã lắp đặt 3 bộ phát Wi-Fi")]
    event = AuditEvent.objects.get(action="xaso.catalogue.adoption.changed")
    assert event.object_type == "catalogue.adoption" and event.actor_id == users["alice"].pk
    assert event.before is None and event.after["status"] == "in_progress" and event.commune_id == testing.COMMUNE_A


def test_submitting_the_same_form_again_records_nothing_more(users, client_for, comp):
    alice = client_for("alice")
    alice.post(url(comp), form(users))
    alice.post(url(comp), form(users, notes="Đã lắp đặt 3 bộ phát Wi-Fi\r\n"))  # a browser's CRLF, same text
    assert AuditEvent.objects.filter(action="xaso.catalogue.adoption.changed").count() == 1
    assert len(records()) == 1


def test_a_second_change_is_a_second_event_with_before_and_after(users, client_for, comp):
    alice = client_for("alice")
    alice.post(url(comp), form(users))
    alice.post(url(comp), form(users, status="live"))
    event = AuditEvent.objects.filter(action="xaso.catalogue.adoption.changed").last()
    assert (event.before["status"], event.after["status"]) == ("in_progress", "live")
    history = alice.get(url(comp)).context["history"]
    assert len(history) == 2
    assert [(c.before, c.after) for c in history[0].changes] == [("Đang triển khai", "Đã vận hành")]


def test_bob_the_clerk_cannot_change_a_record(users, client_for, comp):
    response = client_for("bob").post(url(comp), form(users))
    assert response.status_code == 403
    assert records() == [] and not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_an_outsider_gets_404_and_changes_nothing(users, client_for, comp, who):
    client = client_for(who)
    assert client.get(url(comp)).status_code == 404
    assert client.post(url(comp), form(users)).status_code == 404
    assert records() == [] and not AuditEvent.objects.exists()


def test_a_province_official_reads_but_does_not_change(users, client_for, comp, commune_a):
    update(users["alice"], commune_a, comp, status="live", notes="Biên bản số 12")
    paula = client_for("paula")
    response = paula.get(url(comp))
    assert response.status_code == 200 and "Biên bản số 12" in response.content.decode()
    assert paula.post(url(comp), form(users)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, users, comp):
    assert client.get(url(comp)).status_code == 302
    assert client.post(url(comp), form(users)).status_code == 302
    assert records() == []


def test_a_component_of_another_area_type_is_404_with_a_message(users, client_for):
    rural = component("HTS", "area", "rural")
    response = client_for("alice").get(url(rural))
    assert response.status_code == 404
    body = response.content.decode()
    assert f"Thành phần {rural.code} không áp dụng cho Phường Hạ Long" in body and "Đô thị" in body
    assert client_for("alice").post(url(rural), form(users)).status_code == 404
    assert records() == []


def test_an_unknown_component_is_404(client_for):
    assert client_for("alice").get(reverse("catalogue:adoption", args=[testing.COMMUNE_A, "NOPE1"])).status_code == 404


@pytest.mark.parametrize(("values", "field", "words"), [
    ({"status": "finished"}, "Trạng thái", "Hãy chọn một lựa chọn hợp lệ"),
    ({"target_date": "31/02/2026"}, "Ngày mục tiêu", "Nhập một ngày hợp lệ"),
    ({"owner": "charlie"}, "Người phụ trách", "Hãy chọn một lựa chọn hợp lệ"),
    ({"notes": "x" * 10001}, "Ghi chú minh chứng", "10000"),
], ids=["status", "date", "owner-not-a-number", "notes-too-long"])
def test_bad_input_is_named_in_vietnamese_and_saves_nothing(users, client_for, comp, values, field, words):
    response = client_for("alice").post(url(comp), form(users, **values))
    assert response.status_code == 400
    body = response.content.decode()
    assert f"{field}: " in body and words in body
    assert records() == [] and not AuditEvent.objects.exists()


def test_an_owner_from_another_commune_is_refused(users, client_for, comp):
    response = client_for("alice").post(url(comp), form(users, owner=users["charlie"].pk))
    assert response.status_code == 400 and "Người phụ trách: " in response.content.decode()
    assert records() == []


def test_an_evidence_file_is_stored_shown_and_downloadable(users, client_for, comp):
    alice = client_for("alice")
    upload = SimpleUploadedFile("Biên bản nghiệm thu.pdf", samples.pdf())
    assert alice.post(url(comp), {**form(users), "evidence_file": upload}).status_code == 302
    evidence = AdoptionEvidence.objects.select_related("file").get()
    assert evidence.file.content_type == "application/pdf" and evidence.added_by == users["alice"]
    page = alice.get(url(comp))
    body = page.content.decode()
    download = reverse("files:download", args=[evidence.file.pk])
    assert download in body and "Biên bản nghiệm thu.pdf" in body
    assert alice.get(download).status_code == 200
    assert client_for("charlie").get(download).status_code == 404  # an outsider, even with the link
    actions = sorted(AuditEvent.objects.values_list("action", flat=True))
    assert actions == ["xaso.catalogue.adoption.changed", "xaso.catalogue.adoption.evidence_added",
                       "xaso.files.file.stored"]
    assert page.context["history"][0].file_name == "Biên bản nghiệm thu.pdf"


def test_the_same_evidence_sent_again_is_attached_once(users, client_for, comp):
    alice = client_for("alice")
    for _ in range(2):
        alice.post(url(comp), {**form(users), "evidence_file": SimpleUploadedFile("a.pdf", samples.pdf())})
    assert AdoptionEvidence.objects.count() == 1 and StoredFile.objects.count() == 1
    assert AuditEvent.objects.count() == 3


def test_a_refused_evidence_file_saves_nothing_not_even_the_status(users, client_for, comp):
    upload = SimpleUploadedFile("anh.pdf", samples.png())
    response = client_for("alice").post(url(comp), {**form(users), "evidence_file": upload})
    assert response.status_code == 400
    assert "Tệp minh chứng: " in response.content.decode() and "không khớp" in response.content.decode()
    assert records() == [] and not StoredFile.objects.exists() and not AuditEvent.objects.exists()


def test_the_owner_choices_are_the_communes_officials(users, client_for, comp):
    owners = client_for("alice").get(url(comp)).context["form"].fields["owner"].queryset
    assert set(owners) == {users[n] for n in ("alice", "bob", "olivia", "sam", "hana")}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_the_history_exports_parse_back(users, client_for, comp, fmt):
    alice = client_for("alice")
    alice.post(url(comp), form(users))
    alice.post(url(comp), form(users, status="live"))
    rows = read_export(alice.get(url(comp) + f"?export={fmt}"))
    assert len(rows) == 2
    assert all("alice" in r.values() for r in rows)
