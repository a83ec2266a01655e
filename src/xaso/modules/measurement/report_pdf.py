# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly reports as printable PDF (A4): a commune's month, and the province's communes compared.

They print what the dashboards show, from the same reads: the Decision 766 index with its groups, the
indicators against their targets, overdue work, progress by layer, and bar charts drawn with reportlab's
graphics (nothing fetched, works offline). The typeface is the one every xaso PDF embeds
(``xaso.core.fonts``: full Vietnamese); page, styles and ruled tables are the dossier forms' own
(``dossiers.pdf.layout``).
"""

from __future__ import annotations

import datetime
import unicodedata

from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from xaso.core import fonts
from xaso.core.ui.charts import number
from xaso.modules.dossiers.pdf import layout as L

MARGINS = (18 * mm, 15 * mm, 15 * mm, 20 * mm)
WIDTH = A4[0] - MARGINS[1] - MARGINS[3]
BAR = colors.HexColor("#0b5cad")
ROW = 13  # points per bar
CHUNK = 50  # bars per drawing: a drawing cannot break across pages, a list of them can


def _short(label: str, room: int) -> str:
    label = unicodedata.normalize("NFC", str(label))
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def bars(labels, values, *, maximum: float, unit: str = "") -> list[Drawing]:
    """Horizontal bars with their value written beside each; a value not known has no bar and a "—"."""
    labels, values = list(labels), list(values)
    return [_bars(labels[i:i + CHUNK], values[i:i + CHUNK], maximum=maximum, unit=unit)
            for i in range(0, len(labels), CHUNK)]


def _bars(labels, values, *, maximum: float, unit: str) -> Drawing:
    label_width, plot = WIDTH * 0.38, WIDTH * 0.48
    height = ROW * len(labels) + 6
    drawing = Drawing(WIDTH, height)
    family = fonts.register()
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = height - (i + 1) * ROW
        drawing.add(String(label_width - 4, y + 3, _short(label, 48), fontName=family, fontSize=8,
                           textAnchor="end"))
        length = 0 if value is None or not maximum else plot * min(float(value), maximum) / maximum
        if length > 0:
            drawing.add(Rect(label_width, y + 1, length, ROW - 4, fillColor=BAR, strokeColor=None))
        text = number(value) + (unit if value is not None else "")
        drawing.add(String(label_width + length + 3, y + 3, text, fontName=family, fontSize=8))
    drawing.add(Line(label_width, 2, label_width, height, strokeColor=colors.black, strokeWidth=0.5))
    return drawing


def _yes_no(met) -> str:
    return "—" if met is None else (_("Yes") if met else _("No"))


def _table(st, head, rows, widths):
    body = [[Paragraph(L.text(h), st["cell_head"]) for h in head]]
    body += [[Paragraph(L.text(c), st["cell"]) for c in row] for row in rows]
    return L.grid(body, [WIDTH * w for w in widths])


def _title(st, heading: str, place: str, period, today: datetime.date) -> list:
    return [Paragraph(L.text(heading), st["title"]),
            Paragraph(L.text(f"{place} — {period.label}"), st["subtitle"]),
            Paragraph(L.text(_("Printed on %(day)s from the snapshots of xaso.") % {"day": L.dmy(today)}),
                      st["small"]),
            Spacer(1, 4 * mm)]


def _section(st, title: str) -> Paragraph:
    return Paragraph(f"<b>{L.text(title)}</b>", st["body"])


def commune_report(board) -> bytes:
    """A commune's month; ``board`` is the dashboard's ``CommuneBoard`` (the same reads as the page)."""
    st = L.styles(10.5)
    commune, period = board.commune, board.period
    story = _title(st, _("Monthly report on digital transformation"), commune.name, period, board.today)
    score = board.score
    story.append(_section(st, _("Decision 766 index")))
    if score is None:
        story.append(Paragraph(L.text(_("No index has been computed for this month yet.")), st["body"]))
    else:
        story.append(Paragraph(L.text(_("Total: %(total)s of 100 points — %(band)s") % {
            "total": number(score.total), "band": score.band or "—"}), st["body"]))
        story.append(_table(st, [_("Group"), _("Name"), _("Points"), _("Maximum")],
                            [[g["code"], g["name"], number(g["points"]), number(g["max"])] for g in board.groups],
                            (0.12, 0.58, 0.15, 0.15)))
        story += [Spacer(1, 2 * mm),
                  *bars([g["name"] for g in board.groups],
                       [100 * g["points"] / g["max"] if g["max"] else None for g in board.groups],
                       maximum=100, unit="%")]
    story += [Spacer(1, 4 * mm), _section(st, _("Indicators against their targets"))]
    story.append(_table(st, [_("Code"), _("Indicator"), _("Value"), _("Target"), _("Target met"), _("Origin")],
                        [[i.code, i.name, number(i.value), number(i.target), _yes_no(i.met), i.origin_label]
                         for i in board.indicators], (0.21, 0.35, 0.09, 0.09, 0.1, 0.16)))
    counts = board.overdue.counts
    story += [Spacer(1, 4 * mm), _section(st, _("Overdue work today")),
              _table(st, [_("Dossiers overdue"), _("Field reports overdue"), _("Petitions overdue")],
                     [[str(counts["dossiers"]), str(counts["reports"]), str(counts["petitions"])]],
                     (1 / 3, 1 / 3, 1 / 3))]
    plan = board.progress
    story += [Spacer(1, 4 * mm), _section(st, _("Digital-transformation progress by layer")),
              _table(st, [_("Layer"), _("Components that apply"), _("Progress (%)"),
                          _("Declared live, not seen in use")],
                     [[f"{line.layer.number}. {line.layer.name}", str(line.applicable), number(line.percent),
                       str(line.flagged)] for line in plan.layers]
                     + [[_("All layers"), str(plan.total.applicable), number(plan.total.percent),
                         str(plan.total.flagged)]], (0.5, 0.16, 0.14, 0.2)),
              Spacer(1, 2 * mm),
              *bars([f"{line.layer.number}. {line.layer.name}" for line in plan.layers],
                   [line.percent for line in plan.layers], maximum=100, unit="%")]
    return L.build(story, pagesize=A4, margins=MARGINS,
                   title=_("Monthly report on digital transformation") + f" — {commune.name} — {period.key}")


def province_report(data, today: datetime.date) -> bytes:
    """The province's communes compared for a month (``data``: ``selectors.province_dashboard``)."""
    st = L.styles(10.5)
    story = _title(st, _("Monthly report on the communes' digital transformation"), data.province.name,
                   data.period, today)
    story.append(_section(st, _("The communes compared")))
    rows = []
    for line in data.lines:
        rows.append([line.commune.name, number(line.total), line.band or "—",
                     number(line.progress.total.percent) if line.progress else "—",
                     number(line.returns.completeness) if line.returns else "—",
                     str(sum(line.overdue.values()))])
    story.append(_table(st, [_("Commune"), _("Decision 766 index"), _("Rating"), _("Progress (%)"),
                             _("Returns complete (%)"), _("Overdue work")], rows,
                        (0.3, 0.14, 0.12, 0.14, 0.16, 0.14)))
    names = [line.commune.name for line in data.lines]
    story += [Spacer(1, 4 * mm), _section(st, _("Decision 766 index by commune")),
              *bars(names, [line.total for line in data.lines], maximum=100),
              Spacer(1, 4 * mm), _section(st, _("Digital-transformation progress by commune")),
              *bars(names, [row.total.percent for row in data.matrix.rows], maximum=100, unit="%"),
              Spacer(1, 4 * mm), _section(st, _("Progress by layer, all communes shown")),
              _table(st, [_("Layer"), _("Progress (%)")],
                     [[f"{cell.layer.number}. {cell.layer.name}", number(cell.percent)] for cell in data.matrix.totals],
                     (0.8, 0.2))]
    return L.build(story, pagesize=A4, margins=MARGINS,
                   title=_("Monthly report on the communes' digital transformation")
                   + f" — {data.province.name} — {data.period.key}")
