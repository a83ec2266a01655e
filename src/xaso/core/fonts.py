# SPDX-License-Identifier: AGPL-3.0-or-later
"""The typeface of every PDF xaso prints (forms, official documents, signature stamps), embedded.

Vietnamese needs precomposed letters the PDF standard fonts lack (ạ ả ấ ầ ẩ ẫ ậ ư ơ đ …), so a TrueType
font is embedded. It comes from a PyPI package (``fontpkg-crimson-text``, pinned in pyproject.toml), so a
fresh machine has it after ``pip install``; see docs/decisions/0017-pdf-forms.md for why this face.
"""

from functools import cache

import fontpkg
from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FAMILY = "XasoSerif"
BOLD = f"{FAMILY}-Bold"
ITALIC = f"{FAMILY}-Italic"
BOLD_ITALIC = f"{FAMILY}-BoldItalic"

# The one place that knows which package and face: changing the typeface is a change here.
_SOURCE_FAMILY = "Crimson Text"
_FACES = {FAMILY: (400, "normal"), BOLD: (700, "normal"), ITALIC: (400, "italic"), BOLD_ITALIC: (700, "italic")}


def path(weight: int = 400, style: str = "normal") -> str:
    """The TrueType file of one face (pyHanko's signature stamps embed it directly)."""
    return str(fontpkg.path(_SOURCE_FAMILY, weight, style))


@cache
def register() -> str:
    """Register the four faces with reportlab once per process; returns the family name for styles."""
    for name, (weight, style) in _FACES.items():
        pdfmetrics.registerFont(TTFont(name, path(weight, style)))
    # <b> and <i> inside a Paragraph pick the matching face.
    for name, (weight, style) in _FACES.items():
        addMapping(FAMILY, int(weight == 700), int(style == "italic"), name)
    return FAMILY
