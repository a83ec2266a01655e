# SPDX-License-Identifier: AGPL-3.0-or-later
"""Adding signing keys and trusted authorities: what is checked, what is stored, what is refused."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from xaso.core.audit.models import AuditEvent
from xaso.core.signing import pki, services
from xaso.core.signing.errors import SigningError
from xaso.core.signing.models import SigningKey, TrustAnchor

from .conftest import PASSPHRASE, days, png

pytestmark = pytest.mark.django_db


def add(users, data, *, passphrase=PASSPHRASE, owner="hana", kind="personal", actor="alice", **options):
    owner = users[owner] if owner else None
    return services.signing_key_add_pkcs12(actor=users[actor], commune=users["hana"].commune, owner=owner, kind=kind,
                                           data=data, passphrase=passphrase, **options)


def refused(code, call, *args, **kwargs):
    count = SigningKey.objects.count()
    with pytest.raises(SigningError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    assert SigningKey.objects.count() == count
    return caught.value


def test_it_stores_the_pkcs12_file_as_uploaded_and_no_secret(users, trusted, ca_pki):
    data = ca_pki.p12("Nguyễn Thị Hà", title="Chủ tịch UBND phường")
    key = add(users, data, label="Chữ ký của chị Hà", image=png())
    key.refresh_from_db()
    assert bytes(key.pkcs12) == data  # still encrypted with its passphrase
    assert PASSPHRASE.encode() not in bytes(key.pkcs12)
    assert (key.subject_name, key.title, key.kind, key.backend) == ("Nguyễn Thị Hà", "Chủ tịch UBND phường",
                                                                    "personal", "pkcs12")
    assert key.subject.startswith("CN=Nguyễn Thị Hà") and key.serial and key.not_before < key.not_after
    assert len(key.chain) == 1  # the CA's certificate came with it
    event = AuditEvent.objects.get(action="xaso.signing.key.added")
    assert event.object_id == str(key.pk) and event.after["serial"] == key.serial
    assert PASSPHRASE not in str(event.after)


def test_it_refuses_a_wrong_passphrase(users, trusted, ca_pki):
    refused("passphrase", add, users, ca_pki.p12("Nguyễn Thị Hà"), passphrase="sai mật khẩu")


def test_it_refuses_a_key_file_without_a_passphrase(users, trusted, ca_pki):
    refused("unencrypted", add, users, ca_pki.p12("Nguyễn Thị Hà", passphrase=""), passphrase="")
    refused("unencrypted", add, users, ca_pki.p12("Nguyễn Thị Hà", passphrase=""), passphrase="anything")
    refused("unencrypted", add, users, ca_pki.p12("Nguyễn Thị Hà"), passphrase="")


def test_refusals_are_told_in_vietnamese_too(users, trusted, ca_pki):
    error = refused("passphrase", add, users, ca_pki.p12("Nguyễn Thị Hà"), passphrase="sai mật khẩu")
    with translation.override("vi"):
        assert error.messages == ["Mật khẩu hoặc mã PIN không đúng."]


def test_it_refuses_a_file_that_is_no_pkcs12(users, trusted):
    refused("pkcs12", add, users, b"-----BEGIN NOTHING-----", passphrase="x")


def test_it_refuses_an_expired_or_not_yet_valid_certificate(users, trusted, ca_pki):
    refused("expired", add, users, ca_pki.p12("Hết Hạn", not_before=days(-400), not_after=days(-30)))
    refused("not_yet_valid", add, users, ca_pki.p12("Chưa Tới", not_before=days(30), not_after=days(400)))


def test_it_refuses_a_revoked_certificate_from_the_crl_over_http(users, trusted, ca_pki):
    cert, key = ca_pki.ca.issue("Bị Thu Hồi")
    ca_pki.ca.revoke(cert)
    refused("revoked", add, users, pki.pkcs12(cert, key, [ca_pki.ca.certificate], PASSPHRASE))


def test_it_refuses_a_certificate_from_an_authority_nobody_trusts(users, trusted, ca_pki):
    refused("untrusted", add, users, ca_pki.p12("Người Lạ", authority=ca_pki.other_ca))


def test_an_unreachable_crl_is_let_through_unless_the_policy_is_hard_fail(users, trusted, settings):
    with pki.serving() as server:
        gone = pki.Authority.create("Short-lived CA", crl_url=f"{server.url}/gone.crl")
    # The server has stopped: the CRL this certificate names cannot be fetched.
    services.trust_anchor_add(actor=users["ada"], pem_or_der=gone.pem, name="Short-lived CA")
    cert, key = gone.issue("Nguyễn Thị Hà")
    data = pki.pkcs12(cert, key, [], PASSPHRASE)
    settings.XASO_SIGNING_REVOCATION = "hard-fail"
    refused("revocation_unknown", add, users, data)
    settings.XASO_SIGNING_REVOCATION = "soft-fail"
    assert add(users, data).subject_name == "Nguyễn Thị Hà"


def test_only_it_officers_leaders_and_administrators_manage_keys(users, trusted, ca_pki):
    data = ca_pki.p12("Nguyễn Thị Hà")
    with pytest.raises(PermissionDenied):
        add(users, data, actor="bob")  # the clerk
    with pytest.raises(PermissionDenied):
        add(users, data, actor="charlie")  # a chairperson of another commune
    assert add(users, data, actor="hana").owner == users["hana"]
    assert add(users, data, actor="ada").owner == users["hana"]


def test_a_personal_key_is_an_official_of_the_commune_s_and_the_seal_nobody_s(users, trusted, ca_pki):
    data = ca_pki.p12("Somebody")
    refused("owner", add, users, data, owner="charlie")  # an official of commune B
    refused("owner", add, users, data, owner=None)
    refused("owner", add, users, data, owner="hana", kind="organisation")
    assert add(users, data, owner=None, kind="organisation").owner is None


def test_it_refuses_an_image_that_is_no_png(users, trusted, ca_pki):
    refused("image", add, users, ca_pki.p12("Nguyễn Thị Hà"), image=b"GIF89a not really")


def test_a_withdrawn_key_is_kept_but_inactive(users, hana_key):
    services.signing_key_withdraw(actor=users["alice"], key=hana_key)
    hana_key.refresh_from_db()
    assert not hana_key.active
    assert AuditEvent.objects.filter(action="xaso.signing.key.withdrawn").count() == 1


def test_trust_anchors_are_ca_certificates_added_by_the_province(users, ca_pki):
    with pytest.raises(PermissionDenied):
        services.trust_anchor_add(actor=users["alice"], pem_or_der=ca_pki.ca.pem, name="CA")
    with pytest.raises(SigningError) as caught:
        services.trust_anchor_add(actor=users["paula"], pem_or_der=b"not a certificate", name="CA")
    assert caught.value.code == "not_certificate"
    leaf, _key = ca_pki.ca.issue("Nguyễn Thị Hà")
    with pytest.raises(SigningError) as caught:
        services.trust_anchor_add(actor=users["paula"], pem_or_der=pki.to_asn1(leaf).dump(), name="A person")
    assert caught.value.code == "not_ca"
    anchor = services.trust_anchor_add(actor=users["paula"], pem_or_der=ca_pki.ca.pem, name="Xaso Test CA")
    again = services.trust_anchor_add(actor=users["ada"], pem_or_der=pki.to_asn1(ca_pki.ca.certificate).dump(),
                                      name="The same, as DER")
    assert again.pk == anchor.pk and TrustAnchor.objects.count() == 1
    assert AuditEvent.objects.filter(action="xaso.signing.trust.added").count() == 1


def test_roots_from_settings_files_are_trusted_too(users, ca_pki, settings, tmp_path):
    root = tmp_path / "root.pem"
    root.write_bytes(ca_pki.ca.pem)
    settings.XASO_SIGNING_TRUST_ROOTS = [str(root)]
    assert add(users, ca_pki.p12("Nguyễn Thị Hà")).subject_name == "Nguyễn Thị Hà"


def test_a_withdrawn_trust_anchor_is_trusted_no_more(users, trusted, ca_pki):
    services.trust_anchor_withdraw(actor=users["paula"], anchor=trusted)
    refused("untrusted", add, users, ca_pki.p12("Nguyễn Thị Hà"))
