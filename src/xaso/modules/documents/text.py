# SPDX-License-Identifier: AGPL-3.0-or-later
"""The words of an uploaded document, for searching the registers by body text.

Only PDFs with a text layer give words; a scan without one gives none (OCR is not done here). A PDF that
cannot be read gives none either: the registration does not depend on it.
"""

import logging

from pypdf import PdfReader
from pypdf.errors import PdfReadError

log = logging.getLogger(__name__)
MAX_PAGES = 50  # enough to find a document by its words; a 500-page annex need not be read whole
MAX_CHARS = 200_000


def of_pdf(stream) -> str:
    try:
        reader = PdfReader(stream)
        if reader.is_encrypted:
            return ""
        parts, size = [], 0
        for page in reader.pages[:MAX_PAGES]:
            part = page.extract_text() or ""
            parts.append(part)
            size += len(part)
            if size > MAX_CHARS:
                break
        return "\n".join(parts)[:MAX_CHARS]
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError) as error:
        log.info("no text from an uploaded PDF: %s", error)
        return ""


def of_upload(upload) -> str:
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head != b"%PDF-":
        return ""
    text = of_pdf(upload)
    upload.seek(0)
    return text
