# SPDX-License-Identifier: AGPL-3.0-or-later
"""Verifying the signatures of a PDF, ours or anyone's: who signed, when, whether the document changed
after, whether the certificate is trusted here. Each signature is validated by pyHanko against the
trusted roots (trust.py), its CRL fetched over HTTP, and the later revisions of the file analysed:
filling in form fields and adding signatures after a signature is allowed, anything else is a change.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel

from . import pdffile
from .errors import SigningError
from .trust import validation_context

# What may follow a signature without changing what was signed (form filling includes new signatures).
ALLOWED_LATER = {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
EXPIRED = {AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE,
           AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED}
NOT_YET_VALID = {AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID}
NO_CHAIN = {AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND}
UNSUITABLE = {AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE}


@dataclass
class SignatureInfo:
    field_name: str
    signer_name: str = ""
    signer_subject: str = ""
    issuer: str = ""
    serial: str = ""
    signing_time: datetime | None = None  # as the signer claims it
    timestamp_time: datetime | None = None  # from a time-stamping authority, if the signature has one
    intact: bool = False  # the signed bytes are unchanged
    valid: bool = False  # the signature value matches the certificate
    trusted: bool = False  # the certificate chains to a trusted root and is usable now
    revoked: bool = False
    expired: bool = False
    coverage: str = ""  # "entire_file", "entire_revision", "contiguous_block_from_start", "unclear"
    modification_level: str | None = None  # pyHanko's ModificationLevel name: "NONE", "FORM_FILLING", …
    modified: bool = True
    ok: bool = False
    problems: list[str] = field(default_factory=list)


@dataclass
class Verification:
    signatures: list[SignatureInfo]

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and all(s.ok for s in self.signatures)

    @property
    def modified(self) -> bool:
        return any(s.modified for s in self.signatures)


def verify_pdf(data: bytes) -> Verification:
    """What the signatures of this PDF say; SigningError for a file that is no PDF, or has no signature."""
    reader = pdffile.read(data)
    try:
        embedded = list(reader.embedded_regular_signatures)
    except (PdfError, ValueError, KeyError, TypeError) as e:
        raise SigningError("broken") from e
    if not embedded:
        raise SigningError("unsigned")
    return Verification([_check(sig) for sig in embedded])


def _check(embedded) -> SignatureInfo:
    try:
        status = validate_pdf_signature(embedded, validation_context(fetch=settings.XASO_SIGNING_VERIFY_FETCH))
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError):
        return SignatureInfo(field_name=embedded.field_name, problems=[_("This signature cannot be read.")])
    cert = x509.load_der_x509_certificate(status.signing_cert.dump())
    info = SignatureInfo(
        field_name=embedded.field_name,
        signer_name=_common_name(cert.subject),
        signer_subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        serial=format(cert.serial_number, "X"),
        signing_time=status.signer_reported_dt,
        timestamp_time=status.timestamp_validity.timestamp if status.timestamp_validity else None,
        intact=status.intact, valid=status.valid, trusted=status.trusted, revoked=status.revoked,
        expired=status.trust_problem_indic in EXPIRED or _expired_when_signed(cert, status),
        coverage=status.coverage.name.lower() if status.coverage else "unclear",
        modification_level=status.modification_level.name if status.modification_level else None,
        modified=_modified(status),
    )
    info.problems = _problems(status, info)
    info.ok = status.bottom_line and not info.modified and not info.problems
    return info


def _modified(status: PdfSignatureStatus) -> bool:
    if not status.intact or status.coverage is None:
        return True
    if status.coverage < SignatureCoverageLevel.ENTIRE_REVISION or status.docmdp_ok is False:
        return True
    return status.modification_level not in ALLOWED_LATER


def _expired_when_signed(cert: x509.Certificate, status: PdfSignatureStatus) -> bool:
    when = status.timestamp_validity.timestamp if status.timestamp_validity else status.signer_reported_dt
    return when is not None and not cert.not_valid_before_utc <= when <= cert.not_valid_after_utc


def _problems(status: PdfSignatureStatus, info: SignatureInfo) -> list[str]:
    """In plain words, what keeps this signature from being good (empty when it is)."""
    problems = []
    if not info.intact:
        problems.append(_("The signed content was altered: it no longer matches the signature."))
    elif not info.valid:
        problems.append(_("The signature does not match the signer's certificate."))
    if info.intact and info.modified:
        problems.append(_("The document was changed after this signature."))
    indication = status.trust_problem_indic
    if info.revoked:
        problems.append(_("The signer's certificate has been revoked."))
    elif info.expired:
        problems.append(_("The signer's certificate has expired or was not valid when signing."))
    elif indication in NOT_YET_VALID:
        problems.append(_("The signer's certificate is not valid yet."))
    elif indication in NO_CHAIN:
        problems.append(_("The certificate was not issued by a certification authority this system trusts."))
    elif indication in UNSUITABLE:
        problems.append(_("The signer's certificate is not meant for signing documents."))
    elif indication is not None or (info.valid and info.intact and not info.trusted):
        problems.append(_("The signer's certificate could not be checked (its revocation status is unknown)."))
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        problems.append(_("The signature's time stamp cannot be verified."))
    return problems


def _common_name(name: x509.Name) -> str:
    values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(values[0].value) if values else name.rfc4514_string()
