# SPDX-License-Identifier: AGPL-3.0-or-later
"""The petition pages: filing (anonymous allowed, rate-limited, bad input refused), the published answers and
their search without personal data, the petitioner's follow-up page and consent, the officials' pages."""

import pytest
from django.urls import reverse

from xaso.modules.petitions import services
from xaso.modules.petitions.models import Petition, Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]

A = "06688"


def form(**more):
    return {"idempotency_key": more.pop("key", "k1"), "kind": "general", "topic": "order",
            "subject": "Bãi đỗ xe chợ đêm", "body": "Xe máy đỗ tràn xuống lòng đường.", "name": "Nguyễn Thị Dân",
            "phone": "0912345678", "email": "dan@example.org", "address": "Tổ 3, khu 5", **more}


def published(users, petition):
    bob = users["bob"]
    petition = services.petition_assign(actor=bob, petition=services.petition_accept(actor=bob, petition=petition),
                                        assignee=users["sam"])
    petition = services.petition_answer(actor=users["sam"], petition=petition,
                                        answer="Phường bố trí bãi đỗ xe tại sân nhà văn hóa.")
    return services.petition_publish(actor=bob, petition=petition)


def test_anyone_files_and_follows_it_by_token(client):
    answer = client.post(reverse("petitions:new", args=[A]), form(consent_to_publish="on"))
    petition = Petition.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("petitions:follow", args=[petition.token])
    assert petition.petitioner is None and petition.consent_to_publish and petition.petitioner_phone == "0912345678"
    page = client.get(answer["Location"]).content.decode()
    assert "Bãi đỗ xe chợ đêm" in page and petition.code in page
    # The answer rule is unverified and the page says so.
    assert "flag-unverified" in page
    again = client.post(reverse("petitions:new", args=[A]), form(consent_to_publish="on"))
    assert again.status_code == 302 and Petition.objects.count() == 1  # the same key: the same petition


def test_bad_input_is_refused_escaped_and_nothing_is_filed(client, client_for, users):
    too_long = client.post(reverse("petitions:new", args=[A]), form(subject="x" * 201))
    assert too_long.status_code == 400 and 'role="alert"' in too_long.content.decode()
    nobody = client.post(reverse("petitions:new", args=[A]), form(phone="", email="", address=""))
    assert nobody.status_code == 400 and not Petition.objects.exists()
    script = "<script>alert(1)</script>"
    client.post(reverse("petitions:new", args=[A]), form(subject=f"Đèn {script}", body=script, key="k2"))
    petition = Petition.objects.get()
    page = client_for("bob").get(reverse("petitions:case", args=[A, petition.code])).content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_filing_is_rate_limited_per_address(client):
    for i in range(5):
        assert client.post(reverse("petitions:new", args=[A]), form(key=f"k{i}")).status_code == 302
    limited = client.post(reverse("petitions:new", args=[A]), form(key="k9"))
    assert limited.status_code == 400 and Petition.objects.count() == 5
    other = client.post(reverse("petitions:new", args=[A]), form(key="k10"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_published_answers_are_searchable_and_never_name_the_petitioner(client, users, file):
    shown = published(users, file(who=None, consent_to_publish=True, subject="Bãi đỗ xe chợ đêm"))
    hidden = services.petition_answer(actor=users["sam"], petition=services.petition_assign(
        actor=users["bob"], petition=services.petition_accept(actor=users["bob"], petition=file(
            who=None, subject="Đèn đường ngõ 7")), assignee=users["sam"]), answer="Đã thay bóng.")
    listing = client.get(reverse("petitions:published", args=[A]), {"q": "bai do XE"}).content.decode()
    assert shown.code in listing and hidden.code not in listing
    assert hidden.code not in client.get(reverse("petitions:published", args=[A])).content.decode()
    assert client.get(reverse("petitions:published_one", args=[hidden.code])).status_code == 404
    page = client.get(reverse("petitions:published_one", args=[shown.code])).content.decode()
    assert "Phường bố trí bãi đỗ xe" in page
    for personal in ("Nguyễn Thị Dân", "0912345678", "dan@example.org", "Tổ 3, khu 5", shown.body, shown.token):
        assert personal not in page and personal not in listing


def test_the_petitioner_changes_their_consent_until_it_is_published(client, users, file):
    petition = file(who=None)
    url = reverse("petitions:follow", args=[petition.token])
    assert client.post(url, {"name": "x"}).status_code == 400  # no explicit choice: nothing changes
    client.post(url, {"consent": "yes"})
    assert Petition.objects.get(pk=petition.pk).consent_to_publish
    published(users, Petition.objects.get(pk=petition.pk))
    assert client.post(url, {"consent": "no"}).status_code == 404
    assert Petition.objects.get(pk=petition.pk).status == Status.PUBLISHED


def test_my_petitions_and_the_lookup(client_for, file):
    mine = file()
    cindy = client_for("cindy")
    assert mine.code in cindy.get(reverse("petitions:mine")).content.decode()
    found = cindy.get(reverse("petitions:lookup"), {"token": mine.token})
    assert found.status_code == 302 and found["Location"] == reverse("petitions:follow", args=[mine.token])
    assert mine.code not in client_for("alice").get(reverse("petitions:mine")).content.decode()


def test_officials_work_a_petition_from_their_pages(client_for, users, file):
    petition = file()
    bob, sam = client_for("bob"), client_for("sam")
    case = reverse("petitions:case", args=[A, petition.code])
    assert bob.post(case, {"action": "accept", "version": 0, "accept-note": ""}).status_code == 302
    bob.post(case, {"action": "assign", "version": 1, "assign-assignee": users["sam"].pk})
    # The clerk sees no "answer" action; the assignee does, and answers with a file.
    assert 'id="action-answer"' not in bob.get(case).content.decode()
    assert 'id="action-answer"' in sam.get(case).content.decode()
    sam.post(case, {"action": "answer", "version": 2, "answer-answer": "Đã thay bóng đèn."})
    assert Petition.objects.get(pk=petition.pk).status == Status.ANSWERED
    overdue = bob.get(reverse("petitions:work", args=[A]), {"view": "overdue", "export": "json"}).json()
    assert overdue == []
    assert client_for("charlie").get(case).status_code == 404


def test_officials_record_a_petition_from_the_counter(client_for):
    bob = client_for("bob")
    answer = bob.post(reverse("petitions:intake", args=[A]), form(channel="voters", key="c1"))
    petition = Petition.objects.get()
    assert answer.status_code == 302 and petition.channel == "voters" and petition.kind == "voters"
    assert client_for("sam").get(reverse("petitions:intake", args=[A])).status_code == 403


def test_the_province_adds_its_own_rule_and_others_cannot(client, client_for):
    url = reverse("petitions:rules", args=["22"])
    rule = {"kind": "general", "stage": "answer", "days": "15", "counting": "working",
            "effective_from": "2027-01-01", "legal_basis": "Quyết định của UBND tỉnh", "certainty": "V"}
    assert "42/2013/QH13" in client.get(url).content.decode()  # public
    assert client_for("hana").post(url, rule).status_code == 403
    assert client_for("oscar").post(url, rule).status_code == 403
    assert client_for("paula").post(url, rule).status_code == 302
    assert "Quyết định của UBND tỉnh" in client.get(url).content.decode()
