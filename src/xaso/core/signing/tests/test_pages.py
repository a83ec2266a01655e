# SPDX-License-Identifier: AGPL-3.0-or-later
"""The signing-key and trust pages: who may add, what is refused, what is never kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from xaso.core.audit.models import AuditEvent
from xaso.core.signing import pki
from xaso.core.signing.models import SigningKey, TrustAnchor

pytestmark = pytest.mark.django_db

SECRET = "mật khẩu tệp khóa"


@pytest.fixture(scope="module")
def authority():
    return pki.Authority.create("Pages Test CA")


def p12(authority, name="Nguyễn Thị Hà"):
    cert, key = authority.issue(name)
    return SimpleUploadedFile("ha.p12", pki.pkcs12(cert, key, [authority.certificate], SECRET))


def test_the_province_trusts_an_authority_then_the_it_officer_adds_a_key(users, client_for, authority):
    paula = client_for("paula")
    answer = paula.post(reverse("signing:trust"), {
        "name": "Test CA", "certificate": SimpleUploadedFile("ca.pem", authority.pem)})
    assert answer.status_code == 302 and TrustAnchor.objects.get().name == "Test CA"

    alice = client_for("alice")
    url = reverse("signing:keys", args=[users["alice"].commune_id])
    answer = alice.post(url, {"owner": users["hana"].pk, "backend": "pkcs12", "file": p12(authority),
                              "secret": SECRET, "label": "Khóa của chủ tịch"})
    assert answer.status_code == 302
    key = SigningKey.objects.get()
    assert key.owner == users["hana"] and key.kind == "personal" and key.subject_name == "Nguyễn Thị Hà"
    events = " ".join(str(e.after) for e in AuditEvent.objects.all())
    assert SECRET not in events and SECRET.encode() not in bytes(key.pkcs12)
    # Hana sees her own key; the specialist sees none and may not add one.
    assert "Nguyễn Thị Hà" in client_for("hana").get(url).content.decode()
    sam = client_for("sam")
    assert "Nguyễn Thị Hà" not in sam.get(url).content.decode()
    assert sam.post(url, {"owner": "organisation", "backend": "pkcs12", "file": p12(authority),
                          "secret": SECRET}).status_code == 403
    assert SigningKey.objects.count() == 1


def test_a_wrong_passphrase_or_an_untrusted_key_is_refused(users, client_for, authority):
    alice = client_for("alice")
    url = reverse("signing:keys", args=[users["alice"].commune_id])
    wrong = alice.post(url, {"owner": "organisation", "backend": "pkcs12", "file": p12(authority), "secret": "sai"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    untrusted = alice.post(url, {"owner": "organisation", "backend": "pkcs12", "file": p12(authority),
                                 "secret": SECRET})  # nobody trusts the CA yet
    assert untrusted.status_code == 200
    assert not SigningKey.objects.exists()


def test_outsiders_see_no_keys_and_no_trust_page(users, client_for):
    assert client_for("charlie").get(reverse("signing:keys", args=[users["alice"].commune_id])).status_code == 404
    assert client_for("alice").get(reverse("signing:trust")).status_code == 404
