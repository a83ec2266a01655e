# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing and issuing an outgoing document: the signer's signature, then number, date and seal.

Decree 30/2020 Art. 13 and Appendix I: the signer signs the approved document with their personal
digital signature; the clerk then gives it the register's number and the date and applies the
organisation's digital signature, whose stamp shows the seal over the left third of the signature.
The number and date are PDF form fields filled in the same revision as the organisation's signature,
so the signer's signature stays valid (docs/decisions/0019-official-documents.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.files.services import file_store
from xaso.core.signing.models import SigningKey
from xaso.core.signing.sign import sign_pdf
from xaso.core.text import date_line
from xaso.core.workflow import WorkflowError

from . import drafts, events, services
from .drafting.pdf import DATE_FIELD, NUMBER_FIELD
from .drafting.types import number_and_symbol
from .models import Signature
from .workflow import OUTGOING


def keys_for_signer(user, document):
    """The signer's own personal keys: nobody signs with another person's key."""
    return SigningKey.objects.filter(commune=document.commune, owner=user, kind="personal", active=True)


def keys_for_seal(document):
    return SigningKey.objects.filter(commune=document.commune, owner=None, kind="organisation", active=True)


def _iso(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _check(actor, document, name: str, key, allowed) -> None:
    if not OUTGOING.may(actor, document, name):
        if actor is None or not OUTGOING._allowed(actor, document, OUTGOING.transitions[name]):
            raise PermissionDenied(name)
        raise WorkflowError(_("“%(action)s” is not possible while the document is “%(state)s”.")
                            % {"action": OUTGOING.transitions[name].label, "state": document.get_status_display()},
                            code="state")
    if key is None or not allowed.filter(pk=key.pk).exists():
        raise ValidationError(_("Choose one of the signing keys offered."), code="key")


def _store(actor, document, data: bytes, name: str):
    return file_store(actor=actor, commune=document.commune, upload=ContentFile(data, name=name))


def _record(document, kind, key, stored, at) -> None:
    Signature.objects.create(document=document, kind=kind, signer_name=key.subject_name,
                             certificate_subject=key.subject, certificate_serial=key.serial, signed_at=at,
                             file=stored, sha256=stored.sha256)


def outgoing_sign(*, actor, document, key, secret: str, version: int | None = None):
    """The named signer signs the approved draft (as rendered now) with their personal key."""
    _check(actor, document, "sign", key, keys_for_signer(actor, document))
    rendered = drafts.pdf(document)
    now = timezone.now()
    signed = sign_pdf(rendered.data, key=key, secret=secret, field_name="signer", box=rendered.signer_box,
                      stamp_lines=[f"Ký bởi: {key.subject_name}", "Thời gian:", _iso(now)],
                      reason="Ký ban hành văn bản", location=services.issuer_for(document.commune).place)

    def apply(d):
        d.signed_file = _store(actor, d, signed, f"{drafts.filename(d)}-ky.pdf")
        _record(d, Signature.Kind.PERSONAL, key, d.signed_file, now)

    document = OUTGOING.fire(document, "sign", actor=actor, version=version, apply=apply, holder=None,
                             data={"certificate_serial": key.serial})
    events.outgoing_changed(document, "sign")
    return document


def outgoing_issue(*, actor, document, key, secret: str, number: int | None = None, version: int | None = None):
    """The clerk numbers, dates and seals the signed document, which issues it.

    The number is taken inside the transaction and the organisation's signature is made there too: if
    signing fails (a wrong passphrase, a revoked certificate), the number is given back and nothing is
    stored. Issuing holds the register's sequence until commit, so one register issues one at a time.
    """
    _check(actor, document, "issue", key, keys_for_seal(document))
    issuer = services.issuer_for(document.commune)
    try:
        return _issue(actor, document, key, secret, number, version, issuer)
    except IntegrityError:  # a number typed by two clerks at the same moment: the second is refused
        raise ValidationError(_("This number was just used for another document; choose another."),
                              code="number_used") from None


def _issue(actor, document, key, secret, number, version, issuer):
    with transaction.atomic():
        now = timezone.now()
        today = timezone.localdate(now)
        taken = services.take_outgoing_number(document, today.year, number)
        code = number_and_symbol(taken, drafts.document_symbol(document))
        with document.signed_file.file.open("rb") as f:
            signed = f.read()
        sealed = sign_pdf(signed, key=key, secret=secret, field_name="seal", box=drafts.pdf(document).seal_box,
                          # The seal image alone (who sealed and when is in the signature); words without one.
                          stamp_lines=[] if key.image else [issuer.name, "Thời gian:", _iso(now)],
                          fill={NUMBER_FIELD: code, DATE_FIELD: date_line(issuer.place, today)},
                          reason="Phát hành văn bản", location=issuer.place, lock=True)

        def apply(d):
            d.year, d.number, d.number_symbol, d.issued_on = today.year, taken, code, today
            d.issued_file = _store(actor, d, sealed, f"{drafts.filename(d)}.pdf")
            _record(d, Signature.Kind.ORGANISATION, key, d.issued_file, now)

        document = OUTGOING.fire(document, "issue", actor=actor, version=version, apply=apply,
                                 data={"number": code, "certificate_serial": key.serial})
    return document
