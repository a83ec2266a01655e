# SPDX-License-Identifier: AGPL-3.0-or-later
"""The flowables of the PDF that reportlab lacks: rules, the two form fields, boxed marks, the signing room.

The form fields hold the number and the date so the clerk can fill them after the signer has signed
(a PAdES signature allows form filling): the signer's signature stays valid when the number is given.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfdoc import PDFDictionary, PDFObjectReference, PDFString
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from xaso.core import fonts

# reportlab's AcroForm only knows the 14 standard fonts for a field's default appearance (/DA). The
# nearest is Times; it cannot show every Vietnamese letter, which is why each field also gets an
# appearance stream drawn here with the embedded font, and why whoever fills the field later (the
# signing code, with pyHanko) draws the filled appearance itself.
# One font for every field: reportlab writes each field font as its own "/Font" key in the form's /DR, and
# a PDF dictionary with a key twice is malformed (pyHanko refuses to sign such a file).
FIELD_DA_FONT = "Times-Roman"


class Rule(Flowable):
    """A short horizontal line centred in the available width (under the issuer, the motto, the title)."""

    def __init__(self, length: float, space: float = 3):
        super().__init__()
        self.length, self.space = length, space
        self.width, self.height = length, space * 2

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        start = (self.width - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(start, self.space, start + self.length, self.space)


class MarkBox(Flowable):
    """An urgency or confidentiality mark: bold capitals in a frame, centred (Appendix I, 10a/10b)."""

    def __init__(self, text: str, size: float):
        super().__init__()
        self.text, self.size = text, size
        self.height = size * 1.6 + 4  # the frame plus a little room above it

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        inner = stringWidth(self.text, fonts.BOLD, self.size)
        box_w, box_h = inner + 4 * mm, self.size * 1.6
        x = (self.width - box_w) / 2
        self.canv.setLineWidth(0.8)
        self.canv.rect(x, 0, box_w, box_h)
        self.canv.setFont(fonts.BOLD, self.size)
        self.canv.drawCentredString(self.width / 2, box_h * 0.3, self.text)


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the field's name in the AcroForm
    value: str  # "" while not filled
    font: str  # the face of the surrounding text
    size: float
    label: str = ""  # static text before the field ("Số: ")
    room: str = ""  # text the field must have room for when filled
    centred: bool = False  # the date fills its column and is centred; the number follows its label


class FormField(Flowable):
    """A static label and a borderless text field after it, on one line, the pair centred in its cell."""

    def __init__(self, spec: FieldSpec):
        super().__init__()
        self.spec = spec
        self.height = spec.size * 1.4
        self.rect: tuple[float, float, float, float] | None = None  # page coordinates, once drawn

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def _layout(self) -> tuple[float, float, float]:
        """x of the label, x of the field and the field's width."""
        s = self.spec
        if s.centred:
            return 0, 0, self.width
        label = stringWidth(s.label, s.font, s.size)
        room = max(stringWidth(t, s.font, s.size) for t in (s.value, s.room)) + 2 * mm
        room = min(room, self.width - label)
        start = (self.width - label - room) / 2
        return start, start + label, room

    def draw(self):
        s, canv = self.spec, self.canv
        label_x, field_x, field_w = self._layout()
        baseline = (self.height - s.size) / 2 + 0.25 * s.size
        if s.label:
            canv.setFont(s.font, s.size)
            canv.drawString(label_x, baseline, s.label)
        x, y = canv.absolutePosition(field_x, 0)
        canv.acroForm.textfield(
            name=s.name, value="", x=x, y=y, width=field_w, height=self.height, relative=False,
            fontName=FIELD_DA_FONT, fontSize=s.size, textColor=None, fillColor=None, borderColor=None,
            borderWidth=0, maxlen=0, tooltip=s.name)
        widget = canv._doc.idToObject[canv.acroForm.fields[-1].name]
        self.rect = (x, y, x + field_w, y + self.height)
        if s.centred:
            widget.dict["Q"] = 1
        if s.value:
            # reportlab cannot write a Vietnamese value into a standard-font appearance: draw our own.
            widget.dict["V"] = widget.dict["DV"] = PDFString(s.value)
            widget.dict["AP"] = PDFDictionary({"N": PDFObjectReference(self._appearance(field_w, baseline))})

    def _appearance(self, width: float, baseline: float) -> str:
        """The filled field's look as a form XObject in the embedded font; returns its reference name."""
        s, canv = self.spec, self.canv
        name = f"xaso_field_{s.name}"
        canv.beginForm(name, 0, 0, width, self.height)
        canv.setFont(s.font, s.size)
        if s.centred:
            canv.drawCentredString(width / 2, baseline, s.value)
        else:
            canv.drawString(0, baseline, s.value)
        canv.endForm()
        return f"FormXob.{name}"


class SignatureSpace(Flowable):
    """The empty room between the signer's position and name; remembers where it was drawn."""

    def __init__(self, height: float):
        super().__init__()
        self.height = height
        self.page_index: int | None = None
        self.rect: tuple[float, float, float, float] | None = None

    def wrap(self, available_width, available_height):
        self.width = available_width
        return available_width, self.height

    def draw(self):
        x, y = self.canv.absolutePosition(0, 0)
        self.page_index = self.canv.getPageNumber() - 1
        self.rect = (x, y, x + self.width, y + self.height)
