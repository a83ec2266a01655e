# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing a PDF: a PAdES signature with a visible stamp, after filling in form fields if asked.

The form fields and the signature are written in ONE incremental revision. Earlier signatures stay
valid because pyHanko's difference analysis (and Adobe's) accepts filling in text fields and adding
signatures after a signature: this is how the clerk writes the number and date on a document the
chairperson has signed (Decree 30/2020 Art. 13), then seals it. The last signature may lock every field
(FieldMDP /All): nothing can be filled in after the seal.
"""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from django.conf import settings
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
from pyhanko.pdf_utils.form_tools import populate_static_text_field
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import FormFillingError, PdfError
from pyhanko.pdf_utils.text import TextBoxStyle
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, SigFieldSpec, SigSeedSubFilter, enumerate_sig_fields
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimestampRequestError
from pyhanko.stamp import StaticStampStyle, TextStampStyle

from xaso.core import fonts

from . import pdffile
from .errors import SigningError
from .keys import open_signer
from .models import SigningKey
from .trust import check_certificate

Box = tuple[int, float, float, float, float]  # page (from 0), x1, y1, x2, y2 in PDF points, origin bottom left

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
STAMP_FONT_SIZE = 10  # Decree 30 Appendix I: the signature information in size 10
FIELD_FONT_SIZE = 11  # when the field's /DA does not say
TIMESTAMP_TIMEOUT = 10  # seconds


def stamp_time(moment: datetime | None = None) -> str:
    """A moment as stamps show it: ISO 8601 to the second, in Vietnam's time (whatever the server's)."""
    return (moment or datetime.now(ZONE)).astimezone(ZONE).isoformat(timespec="seconds")


def sign_pdf(pdf: bytes, *, key: SigningKey, secret: str, field_name: str, box: Box, stamp_lines: list[str],
             fill: dict[str, str] | None = None, reason: str = "", location: str = "", lock: bool = False) -> bytes:
    """The PDF with one more signature (and the ``fill`` fields filled in), or SigningError.

    ``secret`` is the PKCS#12 passphrase or the PKCS#11 PIN; it is used for this signature only.
    """
    writer = pdffile.writer(pdf)
    fill = fill or {}
    page, *rect = box
    if not 0 <= page < int(writer.root["/Pages"]["/Count"]):
        raise ValueError(f"page {page} is not in the document")
    _refuse_if_locked(writer, [field_name, *fill])
    with open_signer(key, secret) as signer:
        check_certificate(signer.signing_cert, [*key.chain_asn1(), *signer.cert_registry])
        spec = SigFieldSpec(field_name, on_page=page, box=tuple(rect),
                            field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL) if lock else None)
        meta = PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES, md_algorithm="sha256",
                                    reason=reason or None, location=location or None, name=key.subject_name)
        timestamper = (HTTPTimeStamper(settings.XASO_SIGNING_TIMESTAMP_URL, timeout=TIMESTAMP_TIMEOUT)
                       if settings.XASO_SIGNING_TIMESTAMP_URL else None)
        pdf_signer = PdfSigner(meta, signer, timestamper=timestamper, new_field_spec=spec,
                               stamp_style=_stamp_style(key, stamp_lines, rect[2] - rect[0]))
        try:
            for name, value in fill.items():
                _fill(writer, name, value)
            return pdf_signer.sign_pdf(writer).getvalue()
        except TimestampRequestError as e:
            raise SigningError("timestamp") from e
        except FormFillingError as e:  # pyHanko's SigningError is one: a field already signed, or missing
            raise SigningError("field", name=field_name) from e
        except PdfError as e:
            raise SigningError("broken") from e


def _refuse_if_locked(writer: IncrementalPdfFileWriter, names: list[str]) -> None:
    """A signature that locked fields (our seal locks them all) forbids filling or signing them after."""
    for _name, _value, ref in enumerate_sig_fields(writer.prev, filled_status=True):
        field = ref.get_object()
        if "/Lock" in field and any(FieldMDPSpec.from_pdf_object(field["/Lock"]).is_locked(n) for n in names):
            raise SigningError("locked")


def _field_look(writer: IncrementalPdfFileWriter, name: str) -> tuple[float, layout.AxisAlignment]:
    """The size (from the field's /DA) and alignment (/Q) the document's author gave the field, so that a
    filled number or date matches the text around it."""
    size, align = FIELD_FONT_SIZE, layout.AxisAlignment.ALIGN_MIN
    form = writer.root.get("/AcroForm")
    for ref in form.get_object().get("/Fields", []) if form is not None else []:
        field = ref.get_object()
        if field.get("/T") != name:
            continue
        words = str(field.get("/DA", "")).split()
        if "Tf" in words and words.index("Tf") >= 1:
            with contextlib.suppress(ValueError):  # a malformed /DA keeps the default size
                size = float(words[words.index("Tf") - 1]) or FIELD_FONT_SIZE
        if int(field.get("/Q", 0)) == 1:
            align = layout.AxisAlignment.ALIGN_MID
    return size, align


def _fill(writer: IncrementalPdfFileWriter, name: str, value: str) -> None:
    """Fill in an empty text field with its value and an appearance in the embedded font, read-only."""
    size, align = _field_look(writer, name)
    style = TextBoxStyle(
        font=GlyphAccumulatorFactory(fonts.path(), font_size=size), font_size=size,
        box_layout_rule=layout.SimpleBoxLayoutRule(
            x_align=align, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=2, right=2), inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
    )
    try:
        populate_static_text_field(writer, name, style, _text(value))
    except FormFillingError as e:
        raise SigningError("field", name=name) from e


def _stamp_style(key: SigningKey, lines: list[str], width: float) -> TextStampStyle | StaticStampStyle:
    """The visible signature: the key's image (a handwritten signature, or the seal) on the left and the
    lines in the embedded serif in the right two thirds, which the seal over a signature leaves free
    (Decree 30 Appendix I: the seal covers about the left third of the signature)."""
    background = PdfImage(Image.open(BytesIO(bytes(key.image)))) if key.image else None
    if not lines:  # the seal: its image alone (who sealed and when is in the signature itself)
        if background is None:
            raise ValueError("a stamp without text needs the key's image")
        return StaticStampStyle(background=background, background_opacity=1.0, border_width=0,
                                background_layout=layout.SimpleBoxLayoutRule(
                                    x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID))
    return TextStampStyle(
        stamp_text=_text("\n".join(lines)).replace("%", "%%"),  # the text is a %-template to pyHanko
        text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(fonts.path(), font_size=STAMP_FONT_SIZE),
                                    font_size=STAMP_FONT_SIZE, leading=STAMP_FONT_SIZE + 2,
                                    box_layout_rule=layout.SimpleBoxLayoutRule(
                                        x_align=layout.AxisAlignment.ALIGN_MIN,
                                        y_align=layout.AxisAlignment.ALIGN_MID, margins=layout.Margins.uniform(2))),
        inner_content_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins(left=width / 3, right=2, top=2, bottom=2),
            inner_content_scaling=layout.InnerScaling.SHRINK_TO_FIT),
        # No frame: on the page the stamp sits between the signer's position and name, as ink would.
        background=background, background_opacity=1.0, border_width=0,
        background_layout=layout.SimpleBoxLayoutRule(
            x_align=layout.AxisAlignment.ALIGN_MIN, y_align=layout.AxisAlignment.ALIGN_MID,
            margins=layout.Margins.uniform(2)),
    )


def _text(value: str) -> str:
    # Composed letters: a decomposed "ộ" (typed on some systems) would be shaped as a letter and marks.
    return unicodedata.normalize("NFC", value)
