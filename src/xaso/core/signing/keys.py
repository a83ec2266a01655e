# SPDX-License-Identifier: AGPL-3.0-or-later
"""Opening a signing key for one signature: a PKCS#12 file with its passphrase, or a PKCS#11 token with
its PIN. The secret is used here and forgotten; the decrypted key lives only as long as the signature."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import pkcs11
from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import load_der_x509_certificate
from django.conf import settings
from pyhanko.config.pkcs11 import TokenCriteria
from pyhanko.sign.general import SigningError as PyHankoSigningError
from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session
from pyhanko.sign.signers import Signer, SimpleSigner
from pyhanko_certvalidator.registry import SimpleCertificateStore

from .errors import SigningError
from .models import SigningKey


def load_pkcs12(data: bytes, passphrase: str) -> SimpleSigner:
    """The signer in a PKCS#12 file; refuses a file whose key is not protected by a passphrase."""
    if not passphrase or _has_plain_key(data):
        raise SigningError("unencrypted")
    try:
        key, cert, others = pkcs12.load_key_and_certificates(data, passphrase.encode())
    except ValueError as e:  # cryptography says the same for a wrong passphrase and a damaged file
        raise SigningError("passphrase") from e
    if key is None or cert is None:
        raise SigningError("pkcs12")
    # pyHanko signs with asn1crypto objects; the key in this form lives as long as the signer.
    private = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    return SimpleSigner(signing_cert=_asn1(cert), signing_key=asn1_keys.PrivateKeyInfo.load(private),
                        cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in others]))


def _asn1(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _has_plain_key(data: bytes) -> bool:
    """True when a private key sits in the file unencrypted (a PKCS#12 without a passphrase, or made with
    ``-keypbe NONE``): xaso would then hold a key in the clear. A file that is no PKCS#12 is refused."""
    try:
        if pkcs12.load_key_and_certificates(data, None)[0] is not None:
            return True
    except ValueError:
        pass  # needs a passphrase: look inside the parts that are not encrypted as a whole
    try:
        for info in asn1_pkcs12.Pfx.load(data).authenticated_safe:
            if info["content_type"].native == "data":
                bags = asn1_pkcs12.SafeContents.load(info["content"].native)
                if any(bag["bag_id"].native == "key_bag" for bag in bags):
                    return True
    except (ValueError, TypeError, KeyError) as e:
        raise SigningError("pkcs12") from e
    return False


@contextmanager
def open_pkcs11(token_label: str, key_label: str, pin: str, *,
                signing_cert: asn1_x509.Certificate | None = None, chain=()) -> Iterator[Signer]:
    """A signer on a PKCS#11 token (the module is XASO_PKCS11_MODULE), open for the ``with`` block.

    The certificate is read from the token under the key's label unless it is given (a stored key).
    """
    if not settings.XASO_PKCS11_MODULE:
        raise SigningError("token")
    try:
        session = open_pkcs11_session(settings.XASO_PKCS11_MODULE, token_criteria=TokenCriteria(label=token_label),
                                      user_pin=pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange, pkcs11.exceptions.PinInvalid) as e:
        raise SigningError("passphrase") from e
    except (pkcs11.PKCS11Error, PyHankoSigningError, OSError, RuntimeError) as e:
        raise SigningError("token") from e
    try:
        signer = PKCS11Signer(session, key_label=key_label, cert_label=key_label, signing_cert=signing_cert,
                              ca_chain=list(chain))
        try:
            asyncio.run(signer.ensure_objects_loaded())
        except (pkcs11.PKCS11Error, PyHankoSigningError) as e:
            raise SigningError("token") from e
        yield signer
    finally:
        session.close()


@contextmanager
def open_signer(key: SigningKey, secret: str) -> Iterator[Signer]:
    """The stored key, opened with the passphrase (PKCS#12) or the PIN (PKCS#11) typed for this signature."""
    # Asked of the database: a key withdrawn a moment ago (a lost token) must not sign, whatever copy
    # of the row the caller holds.
    if not key.active or key.pk and not SigningKey._base_manager.filter(pk=key.pk, active=True).exists():
        raise SigningError("inactive")
    if key.backend == SigningKey.Backend.PKCS12:
        yield load_pkcs12(bytes(key.pkcs12), secret)
        return
    with open_pkcs11(key.token_label, key.key_label, secret, signing_cert=key.certificate_asn1(),
                     chain=key.chain_asn1()) as signer:
        yield signer


def check_key_matches(signer: Signer) -> None:
    """Sign a few bytes and check them with the certificate: a token whose label points at another key,
    or a file whose key is not its certificate's, is caught when the key is added, not at a signature."""
    data = b"xaso: does this key belong to this certificate?"
    signature = asyncio.run(signer.async_sign_raw(data, "sha256"))
    public_key = load_der_x509_certificate(signer.signing_cert.dump()).public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as e:
        raise SigningError("mismatch") from e
