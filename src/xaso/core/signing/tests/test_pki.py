# SPDX-License-Identifier: AGPL-3.0-or-later
"""The test CA issues what real CAs issue, and its server answers over real HTTP."""

import asyncio
import urllib.request

from asn1crypto import tsp
from cryptography import x509
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, ExtensionOID, NameOID
from pyhanko.sign.timestamps import HTTPTimeStamper

from xaso.core.signing import pki


def test_it_issues_signing_certificates_with_the_usages_a_pades_signature_needs(ca_pki):
    cert, _key = ca_pki.ca.issue("Nguyễn Thị Hà", title="Chủ tịch", organisation="UBND phường Hạ Long")
    usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert usage.critical and usage.value.digital_signature and usage.value.content_commitment
    assert not usage.value.key_cert_sign
    assert cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "Nguyễn Thị Hà"
    assert cert.subject.get_attributes_for_oid(NameOID.TITLE)[0].value == "Chủ tịch"
    points = cert.extensions.get_extension_for_oid(ExtensionOID.CRL_DISTRIBUTION_POINTS).value
    assert points[0].full_name[0].value == ca_pki.ca.crl_url
    assert cert.issuer == ca_pki.ca.certificate.subject


def test_it_issues_a_tsa_certificate_with_the_critical_time_stamping_usage(ca_pki):
    cert, _key = ca_pki.tsa
    usage = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    assert usage.critical and list(usage.value) == [ExtendedKeyUsageOID.TIME_STAMPING]


def test_it_serves_the_crl_with_revoked_serials_over_http(ca_pki):
    cert, _key = ca_pki.ca.issue("Someone Revoked")
    ca_pki.ca.revoke(cert)
    with urllib.request.urlopen(ca_pki.ca.crl_url) as response:  # noqa: S310 (our own local server)
        crl = x509.load_der_x509_crl(response.read())
    assert crl.get_revoked_certificate_by_serial_number(cert.serial_number) is not None
    assert crl.is_signature_valid(ca_pki.ca.certificate.public_key())


def test_it_answers_rfc3161_requests(ca_pki):
    before = ca_pki.server.timestamps
    token = asyncio.run(HTTPTimeStamper(ca_pki.server.tsa_url).async_timestamp(b"\x00" * 32, "sha256"))
    info = tsp.TSTInfo.load(token["content"]["encap_content_info"]["content"].parsed.dump())
    assert info["message_imprint"]["hashed_message"].native == b"\x00" * 32
    assert ca_pki.server.timestamps == before + 1


def test_it_writes_pkcs12_files_encrypted_with_the_passphrase(ca_pki):
    cert, key = ca_pki.ca.issue("Trần Văn B")
    data = pki.pkcs12(cert, key, [ca_pki.ca.certificate], "đúng")
    loaded_key, loaded_cert, others = pkcs12.load_key_and_certificates(data, "đúng".encode())
    assert loaded_cert == cert and others == [ca_pki.ca.certificate]
