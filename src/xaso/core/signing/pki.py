# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small certificate authority, and a local server for its revocation list and time stamps.

The tests and the demo need real certificates (a root, signers' certificates with the key usages a
PAdES signature asks for, a time-stamping authority), a real revocation list fetched over HTTP from the
address written in the certificates, and a real RFC 3161 time-stamping service. This is all of that,
built with ``cryptography`` and the standard library's HTTP server; nothing here is for production
keys (the keys are generated in memory and the CA's key is never stored).

    with serving() as server:
        ca = Authority.create("Xaso Test CA", crl_url=server.url + "/ca.crl")
        server.publish(ca)
        server.stamp_with(*ca.issue("Xaso Test TSA", kind="tsa"))
        cert, key = ca.issue("Nguyễn Thị Hà", title="Chủ tịch")
        data = pkcs12(cert, key, [ca.certificate], "a passphrase")
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from asn1crypto import keys as asn1_keys
from asn1crypto import tsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12 as p12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

KINDS = ("personal", "organisation", "tsa")
# RSA throughout: pyHanko's test time stamper signs with RSA only, and every reader checks RSA.
_KEY_SIZE = 2048


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=_KEY_SIZE)


def _name(common_name: str, *, title: str | None = None, organisation: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    if title:
        parts.append(x509.NameAttribute(NameOID.TITLE, title))
    parts.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(parts)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


@dataclass
class Authority:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey
    crl_url: str | None = None
    revoked: dict[int, dt.datetime] = field(default_factory=dict)

    @classmethod
    def create(cls, name: str, *, crl_url: str | None = None) -> Authority:
        """A self-signed root; certificates it issues name ``crl_url`` as where to find its CRL."""
        key = _key()
        subject = _name(name, organisation=name)
        now = _now()
        cert = (
            x509.CertificateBuilder()
            .subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_usage(key_cert_sign=True, crl_sign=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        return cls(certificate=cert, key=key, crl_url=crl_url)

    @property
    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def issue(self, common_name: str, *, title: str | None = None, organisation: str | None = None,
              kind: str = "personal", not_before: dt.datetime | None = None,
              not_after: dt.datetime | None = None) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
        """An end-entity certificate and its key: a signer's ("personal", "organisation") or a TSA's."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        key = _key()
        now = _now()
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, title=title, organisation=organisation))
            .issuer_name(self.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - dt.timedelta(days=1))
            .not_valid_after(not_after or now + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(self._authority_key_id(), critical=False)
        )
        if kind == "tsa":
            # RFC 3161 §2.3: a TSA's certificate has exactly this one extended key usage, critical.
            builder = builder.add_extension(_usage(digital_signature=True), critical=True)
            builder = builder.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        else:
            # A PAdES signature is a commitment: readers look for non-repudiation (contentCommitment).
            builder = builder.add_extension(_usage(digital_signature=True, content_commitment=True), critical=True)
        if self.crl_url:
            point = x509.DistributionPoint([x509.UniformResourceIdentifier(self.crl_url)], None, None, None)
            builder = builder.add_extension(x509.CRLDistributionPoints([point]), critical=False)
        return builder.sign(self.key, hashes.SHA256()), key

    def revoke(self, cert: x509.Certificate) -> None:
        self.revoked[cert.serial_number] = _now() - dt.timedelta(minutes=1)

    def crl(self) -> bytes:
        """The current revocation list (DER), valid for a day from now."""
        now = _now()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(now - dt.timedelta(minutes=5)).next_update(now + dt.timedelta(days=1))
            .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
            .add_extension(self._authority_key_id(), critical=False)
        )
        for serial, when in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(when).build())
        return builder.sign(self.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)

    def _authority_key_id(self) -> x509.AuthorityKeyIdentifier:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key())


def _usage(**wanted: bool) -> x509.KeyUsage:
    names = ("digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign", "encipher_only", "decipher_only")
    return x509.KeyUsage(**{n: wanted.get(n, False) for n in names})


def pkcs12(cert: x509.Certificate, key, chain: list[x509.Certificate], passphrase: str) -> bytes:
    """A PKCS#12 file as a CA hands it out: key and certificates, encrypted with the passphrase (an empty
    passphrase gives an unencrypted file, which xaso refuses: the tests need one)."""
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    return p12.serialize_key_and_certificates(None, key, cert, chain or None, encryption)


def to_asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def key_to_asn1(key) -> asn1_keys.PrivateKeyInfo:
    return asn1_keys.PrivateKeyInfo.load(key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))


class LocalServer:
    """What ``serving`` yields: its base URL, the time-stamping URL, and the CRLs it publishes."""

    def __init__(self, url: str):
        self.url = url
        self.tsa_url = f"{url}/tsa"
        self.crls: dict[str, Authority] = {}
        self.stamper = None
        self.timestamps = 0  # how many time stamps it gave
        self.crl_fetches = 0  # how many CRLs it served

    def publish(self, authority: Authority) -> None:
        """Serve this authority's CRL at the path of its ``crl_url``."""
        if not authority.crl_url:
            raise ValueError("the authority has no CRL address")
        self.crls[urlsplit(authority.crl_url).path] = authority

    def stamp_with(self, cert: x509.Certificate, key) -> None:
        """Answer time-stamp requests as this TSA (its certificate has the timeStamping usage)."""
        from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

        self.stamper = DummyTimeStamper(tsa_cert=to_asn1(cert), tsa_key=key_to_asn1(key))


@contextmanager
def serving(*authorities: Authority, tsa: tuple[x509.Certificate, object] | None = None) -> Iterator[LocalServer]:
    """An HTTP server on 127.0.0.1 (a free port) serving the authorities' CRLs and, given a TSA's
    certificate and key, answering RFC 3161 requests (POST application/timestamp-query) at ``/tsa``.

    An authority whose CRL address must name this server is created inside the block, then published.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(lambda: local))
    local = LocalServer(f"http://127.0.0.1:{server.server_port}")
    for authority in authorities:
        local.publish(authority)
    if tsa is not None:
        local.stamp_with(*tsa)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield local
    finally:
        server.shutdown()
        server.server_close()


def _handler(get_local):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's naming)
            authority = get_local().crls.get(urlsplit(self.path).path)
            if authority is None:
                return self._answer(404, "text/plain", b"not found")
            get_local().crl_fetches += 1
            return self._answer(200, "application/pkix-crl", authority.crl())

        def do_POST(self):  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            local = get_local()
            if urlsplit(self.path).path != "/tsa" or local.stamper is None:
                return self._answer(404, "text/plain", b"not found")
            if self.headers.get("Content-Type") != "application/timestamp-query":
                return self._answer(415, "text/plain", b"expected application/timestamp-query")
            response = local.stamper.request_tsa_response(tsp.TimeStampReq.load(raw))
            local.timestamps += 1
            return self._answer(200, "application/timestamp-reply", response.dump())

        def _answer(self, status: int, content_type: str, body: bytes):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return Handler
