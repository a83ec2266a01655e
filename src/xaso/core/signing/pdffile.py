# SPDX-License-Identifier: AGPL-3.0-or-later
"""Opening a PDF that came from someone: refused clearly when it is not a PDF, protected or damaged."""

from io import BytesIO

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from .errors import SigningError

# The PDF header may follow a little junk (ISO 32000-1 §7.5.2, and readers tolerate it): look that far.
_HEADER_WINDOW = 1024


def read(data: bytes) -> PdfFileReader:
    return _open(data, lambda stream: PdfFileReader(stream, strict=True))


def writer(data: bytes) -> IncrementalPdfFileWriter:
    """A writer that appends one incremental revision after the document's last one."""
    return _open(data, lambda stream: IncrementalPdfFileWriter(stream, strict=True))


def _open(data: bytes, make):
    if b"%PDF-" not in data[:_HEADER_WINDOW]:
        raise SigningError("not_pdf")
    try:
        opened = make(BytesIO(data))
        reader = opened.prev if isinstance(opened, IncrementalPdfFileWriter) else opened
        if reader.encrypted:
            raise SigningError("encrypted")
        reader.root.get("/AcroForm")  # the catalogue must resolve, or nothing after it will
        _ = len(reader.root["/Pages"]["/Kids"])
    except SigningError:
        raise
    except Exception as e:  # noqa: BLE001 (a damaged file breaks a parser in any number of ways)
        raise SigningError("broken") from e
    return opened
