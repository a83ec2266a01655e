# SPDX-License-Identifier: AGPL-3.0-or-later
"""Adding and withdrawing signing keys and trusted certification authorities.

A key is checked before it is stored: the passphrase or PIN opens it, its private key belongs to its
certificate, the certificate is valid now, chains to a trusted root and is not revoked. The passphrase
and PIN are used for that check and forgotten; the audit trail records what was added, never a secret.
The checks that go to the network (the CRL) run before the transaction, so no row lock waits on them.
"""

from __future__ import annotations

import hashlib
from base64 import b64encode
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.x509.oid import NameOID
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from xaso.core.accounts.permissions import require
from xaso.core.audit.services import record

from .errors import SigningError
from .keys import check_key_matches, load_pkcs12, open_pkcs11
from .models import SigningKey, TrustAnchor
from .trust import check_certificate, load_certificates

MANAGE_KEYS = "signing.key.manage"
MANAGE_TRUST = "signing.trust.manage"
IMAGE_MAX_BYTES = 2 * 1024 * 1024


def signing_key_add_pkcs12(*, actor, commune, owner, kind: str, data: bytes, passphrase: str, label: str = "",
                           image: bytes | None = None, title: str = "") -> SigningKey:
    """Store a PKCS#12 file as uploaded (still encrypted with its passphrase, which is not stored)."""
    require(actor, MANAGE_KEYS, commune)
    _check_owner(commune, owner, kind)
    _check_image(image)
    signer = load_pkcs12(data, passphrase)
    check_key_matches(signer)
    chain = _others(signer)
    check_certificate(signer.signing_cert, chain)
    key = SigningKey(commune=commune, owner=owner, kind=kind, backend=SigningKey.Backend.PKCS12, pkcs12=bytes(data),
                     label=label, image=image, title=title)
    return _store(actor, key, signer.signing_cert, chain)


def signing_key_add_pkcs11(*, actor, commune, owner, kind: str, token_label: str, key_label: str, pin: str,
                           label: str = "", image: bytes | None = None, title: str = "") -> SigningKey:
    """Record where a key on a server-side token is (XASO_PKCS11_MODULE); the PIN is not stored."""
    require(actor, MANAGE_KEYS, commune)
    _check_owner(commune, owner, kind)
    _check_image(image)
    with open_pkcs11(token_label, key_label, pin) as signer:
        check_key_matches(signer)
        cert, chain = signer.signing_cert, _others(signer)
    check_certificate(cert, chain)
    key = SigningKey(commune=commune, owner=owner, kind=kind, backend=SigningKey.Backend.PKCS11,
                     token_label=token_label, key_label=key_label, label=label, image=image, title=title)
    return _store(actor, key, cert, chain)


def signing_key_withdraw(*, actor, key: SigningKey) -> SigningKey:
    """The key signs nothing more (a lost token, an official who left); signatures made stay valid."""
    require(actor, MANAGE_KEYS, key.commune)
    with transaction.atomic():
        key = SigningKey.objects.select_for_update().get(pk=key.pk)
        if key.active:
            key.active = False
            key.save(update_fields=["active"])
            record(actor=actor, action="xaso.signing.key.withdrawn", obj=key, after={"serial": key.serial})
    return key


def trust_anchor_add(*, actor, pem_or_der: bytes, name: str) -> TrustAnchor:
    """Trust a certification authority's certificate; adding one already there (again) changes nothing."""
    require(actor, MANAGE_TRUST)
    try:
        cert = load_certificates(pem_or_der)[0]
    except (ValueError, TypeError, IndexError) as e:
        raise SigningError("not_certificate") from e
    if not cert.ca:
        raise SigningError("not_ca")
    der = cert.dump()
    fingerprint = hashlib.sha256(der).hexdigest()
    with transaction.atomic():
        anchor = TrustAnchor.objects.select_for_update().filter(fingerprint=fingerprint).first()
        if anchor is not None and anchor.active:
            return anchor
        if anchor is None:
            anchor = TrustAnchor(certificate=der, fingerprint=fingerprint)
        anchor.name, anchor.active, anchor.added_by = name.strip() or cert.subject.human_friendly, True, actor
        anchor.save()
        record(actor=actor, action="xaso.signing.trust.added", obj=anchor,
               after={"name": anchor.name, "fingerprint": fingerprint, "subject": cert.subject.human_friendly})
    return anchor


def trust_anchor_withdraw(*, actor, anchor: TrustAnchor) -> TrustAnchor:
    require(actor, MANAGE_TRUST)
    with transaction.atomic():
        anchor = TrustAnchor.objects.select_for_update().get(pk=anchor.pk)
        if anchor.active:
            anchor.active = False
            anchor.save(update_fields=["active"])
            record(actor=actor, action="xaso.signing.trust.withdrawn", obj=anchor,
                   after={"fingerprint": anchor.fingerprint})
    return anchor


def _check_owner(commune, owner, kind: str) -> None:
    if kind == SigningKey.Kind.ORGANISATION and owner is None:
        return
    if kind == SigningKey.Kind.PERSONAL and owner is not None and owner.commune_id == commune.pk:
        return
    raise SigningError("owner")


def _check_image(image: bytes | None) -> None:
    if image is None:
        return
    try:
        with Image.open(BytesIO(image)) as picture:
            ok = picture.format == "PNG" and len(image) <= IMAGE_MAX_BYTES
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        raise SigningError("image") from e
    if not ok:
        raise SigningError("image")


def _others(signer) -> list[asn1_x509.Certificate]:
    """The certificates that came with the key, but the key's own."""
    own = signer.signing_cert.dump()
    return [c for c in signer.cert_registry if c.dump() != own]


def _store(actor, key: SigningKey, cert: asn1_x509.Certificate, chain) -> SigningKey:
    parsed = x509.load_der_x509_certificate(cert.dump())
    key.certificate = cert.dump()
    key.chain = [b64encode(c.dump()).decode("ascii") for c in chain]
    key.subject_name = _attribute(parsed.subject, NameOID.COMMON_NAME) or parsed.subject.rfc4514_string()
    key.subject = parsed.subject.rfc4514_string()
    key.title = key.title or _attribute(parsed.subject, NameOID.TITLE)
    key.serial = format(parsed.serial_number, "X")
    key.not_before, key.not_after = parsed.not_valid_before_utc, parsed.not_valid_after_utc
    with transaction.atomic():
        key.save()
        record(actor=actor, action="xaso.signing.key.added", obj=key, after={
            "kind": key.kind, "backend": key.backend, "label": key.label,
            "owner": getattr(key.owner, "username", None), "subject": key.subject, "serial": key.serial,
            "not_after": key.not_after.isoformat(),
        })
    return key


def _attribute(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""
