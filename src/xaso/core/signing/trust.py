# SPDX-License-Identifier: AGPL-3.0-or-later
"""Which certificates xaso trusts, and the check a certificate passes before anyone signs with it.

Trusted roots are the active TrustAnchor rows (added by the province) and the PEM files named in
XASO_SIGNING_TRUST_ROOTS (for a deployment that manages them as files). Revocation is checked against
the CRL named in each certificate, fetched over HTTP; XASO_SIGNING_REVOCATION says whether an
unreachable CRL lets the signature through ("soft-fail", the default: a commune on a weak link can still
sign) or stops it ("hard-fail").
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv

from .errors import SigningError
from .models import TrustAnchor

# A PAdES signature commits its signer: pyHanko's validator looks for non-repudiation by default too.
SIGNING_KEY_USAGE = {"non_repudiation"}


def trusted_roots() -> list[asn1_x509.Certificate]:
    roots = [anchor.as_asn1() for anchor in TrustAnchor.objects.filter(active=True)]
    for path in settings.XASO_SIGNING_TRUST_ROOTS:
        roots.extend(load_certificates(Path(path).read_bytes()))
    return roots


def load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    """Every certificate in a PEM file (one or more blocks) or the one in a DER file; ValueError if none."""
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True)
                if kind == "CERTIFICATE"]
    cert = asn1_x509.Certificate.load(data)
    cert.native  # noqa: B018 (parse it all now: asn1crypto parses lazily)
    return [cert]


def validation_context(*, other_certs=(), moment: datetime | None = None, fetch: bool = True) -> ValidationContext:
    """``fetch``: may the validator download CRLs and missing certificates from the addresses the
    certificates name? Yes for our own keys (officials added them); for a PDF anyone uploads it is
    settings.XASO_SIGNING_VERIFY_FETCH, off by default: a made-up certificate could otherwise make the
    server request any address on the intranet (server-side request forgery)."""
    return ValidationContext(
        trust_roots=trusted_roots(), other_certs=list(other_certs), moment=moment, allow_fetching=fetch,
        revocation_mode=settings.XASO_SIGNING_REVOCATION,
    )


def check_certificate(cert: asn1_x509.Certificate, chain=()) -> None:
    """Valid now, issued under a trusted root, not revoked, fit for signing; SigningError otherwise."""
    context = validation_context(other_certs=chain)
    validator = CertificateValidator(cert, intermediate_certs=list(chain), validation_context=context)

    async def run():
        try:
            await validator.async_validate_usage(SIGNING_KEY_USAGE)
        finally:
            await context.aclose()

    try:
        asyncio.run(run())
    except cv.ExpiredError as e:
        raise SigningError("expired") from e
    except cv.NotYetValidError as e:
        raise SigningError("not_yet_valid") from e
    except cv.RevokedError as e:
        raise SigningError("revoked") from e
    except cv.InsufficientRevinfoError as e:
        raise SigningError("revocation_unknown") from e
    except cv.InvalidCertificateError as e:
        raise SigningError("unsuitable") from e
    except (cv.PathBuildingError, cv.PathValidationError) as e:
        raise SigningError("untrusted") from e
