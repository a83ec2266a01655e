# SPDX-License-Identifier: AGPL-3.0-or-later
"""From an outgoing document's fields to the drafting layer's ``Draft``, and back to files.

The drafting package knows the legal layout and nothing of the database; this module is the one place
that maps one onto the other.
"""

from __future__ import annotations

from xaso.core.files.services import DOCX

from .drafting.docx import render_docx
from .drafting.model import Draft
from .drafting.pdf import RenderedPdf, render_pdf
from .drafting.types import symbol

__all__ = ["DOCX", "docx", "draft_for", "filename", "initial", "pdf"]


def _issuer(commune):
    from .services import issuer_for

    return issuer_for(commune)


def document_symbol(document) -> str:
    return symbol(document.type_code, _issuer(document.commune).abbreviation)


def draft_for(document, *, number: int | None = None, issued_on=None) -> Draft:
    issuer = _issuer(document.commune)
    signer = document.signer
    return Draft(
        issuer_parent=issuer.parent, issuer=issuer.name, issuer_abbr=issuer.abbreviation,
        type_code=document.type_code, number=number if number is not None else document.number,
        symbol=document_symbol(document), place=issuer.place,
        issued_on=issued_on if issued_on is not None else document.issued_on,
        title=document.title, summary=document.summary, addressees=list(document.addressees), body=document.body,
        signer_competence=document.signer_competence, signer_position=document.signer_position,
        signer_name=signer.full_name or signer.username, cosigner_position=document.cosigner_position,
        cosigner_name=document.cosigner_name, recipients=list(document.recipients),
        urgency=document.urgency, confidentiality=document.confidentiality)


def docx(document) -> bytes:
    return render_docx(draft_for(document))


def pdf(document) -> RenderedPdf:
    return render_pdf(draft_for(document))


def filename(document) -> str:
    kind = document.type_code.lower()
    return f"{kind}-{document.number or 'du-thao'}-{document.year or document.pk}"


def initial(template, *, commune, reply_to=None) -> dict:
    """The draft form's starting values from a template (and the incoming document being answered)."""
    issuer = _issuer(commune)
    values = {**template.initial(place=issuer.place, issuer=issuer.name),
              "cosigner_position": template.cosigner_position}
    if reply_to is not None:
        values["summary"] = values.get("summary") or f"V/v trả lời văn bản số {reply_to.number_symbol}"
        if reply_to.sender:
            values["addressees"] = [reply_to.sender]
    return values
