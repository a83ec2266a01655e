# SPDX-License-Identifier: AGPL-3.0-or-later
"""Trusted certification authorities, and the signing keys of a commune's officials and of the commune.

A key is never stored in the clear: a PKCS#12 file is kept exactly as uploaded, encrypted with its
passphrase, which xaso never stores (the official types it at each signature); a PKCS#11 key stays on
its token and xaso keeps only where to find it. See docs/decisions/0018-digital-signatures.md.
"""

from base64 import b64decode

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xaso.core.tenancy import CommuneOwned


class TrustAnchor(models.Model):
    """A root certificate whose certificates xaso trusts (kept by the province, not by a commune)."""

    name = models.CharField(_("name"), max_length=200)
    certificate = models.BinaryField()  # DER
    fingerprint = models.CharField(max_length=64, unique=True)  # SHA-256 of the DER, hex
    active = models.BooleanField(default=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("trusted certification authority")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(bytes(self.certificate))


class SigningKey(CommuneOwned):
    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal (an official's signature)")
        ORGANISATION = "organisation", _("Organisation (the commune's seal)")

    class Backend(models.TextChoices):
        PKCS12 = "pkcs12", _("PKCS#12 file")
        PKCS11 = "pkcs11", _("PKCS#11 token")

    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="signing_keys")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    backend = models.CharField(max_length=10, choices=Backend.choices)
    label = models.CharField(_("label"), max_length=200, blank=True)
    # The file as uploaded, still encrypted with its passphrase (never the key in the clear).
    pkcs12 = models.BinaryField(null=True, blank=True)
    token_label = models.CharField(max_length=100, blank=True)
    key_label = models.CharField(max_length=100, blank=True)
    certificate = models.BinaryField()  # DER
    chain = models.JSONField(default=list)  # the other certificates that came with it: base64 DER
    subject_name = models.CharField(_("signer"), max_length=255)  # the certificate's common name
    subject = models.CharField(max_length=1000)  # the full subject, RFC 4514
    title = models.CharField(_("position"), max_length=200, blank=True)
    serial = models.CharField(max_length=64)  # hexadecimal
    not_before = models.DateTimeField()
    not_after = models.DateTimeField(_("valid until"))
    # The handwritten signature (personal) or the red seal (organisation), PNG, shown on stamps.
    image = models.BinaryField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        constraints = [
            # The organisation's key is nobody's; a personal key is somebody's.
            models.CheckConstraint(name="signing_key_owner_matches_kind", condition=(
                Q(kind="organisation", owner__isnull=True) | Q(kind="personal", owner__isnull=False))),
            models.CheckConstraint(name="signing_key_backend_has_key", condition=(
                Q(backend="pkcs12", pkcs12__isnull=False) | Q(backend="pkcs11") & ~Q(key_label=""))),
        ]

    def __str__(self) -> str:
        return self.label or self.subject_name

    def certificate_asn1(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(bytes(self.certificate))

    def chain_asn1(self) -> list[asn1_x509.Certificate]:
        return [asn1_x509.Certificate.load(b64decode(c)) for c in self.chain]
