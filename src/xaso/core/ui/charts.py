# SPDX-License-Identifier: AGPL-3.0-or-later
"""Charts drawn on the server as SVG: no JavaScript, nothing fetched from elsewhere, readable without colour.

``bar_chart`` (horizontal bars: long Vietnamese names of communes and villages stay readable) and
``line_chart`` (a few series over periods) return a ``<figure>`` holding an ``<svg role="img">`` with a
``<title>`` and an ``aria-label``, a legend in words, the value written beside each bar, and the table of
the numbers (``table=False`` only where the page shows the same numbers right beside the chart): a screen
reader, a printout and whoever needs the exact figure read the table. Every label goes through the
template engine's escaping, so a village's name can never inject markup.

``series`` is a list of ``(name, values)`` with one value per label; a value may be None (not known): no
bar, a gap in the line, "—" in the table.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.numberformat import format as format_number
from django.utils.safestring import mark_safe

# Each at least 3:1 against white (WCAG 2.2, 1.4.11), and told apart by the legend's words, not hue alone.
PALETTE = ("#0b5cad", "#a4161a", "#2b8a3e", "#6741d9", "#8f5b00", "#495057")
CHAR = 7.0  # the average width of a character at the charts' 12px font, for laying out labels
_ids = itertools.count(1)


def number(value) -> str:
    """A figure as Vietnamese officials write it (1.234,5) or as English does (1,234.5); None is "—"."""
    if value is None:
        return "—"
    if isinstance(value, float):
        value = Decimal(repr(value)).quantize(Decimal("0.01"))
    value = Decimal(value).normalize()
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return format_number(value, get_format("DECIMAL_SEPARATOR"), grouping=3, force_grouping=True,
                         thousand_sep=get_format("THOUSAND_SEPARATOR"))


def ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high] (and zero) in about ``count`` steps of 1, 2 or 5 × 10ⁿ."""
    low, high = min(low, 0.0), max(high, 0.0)
    raw = (high - low) / count or 1.0
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    first, last = math.floor(low / step + 1e-9), math.ceil(high / step - 1e-9)
    if last == first:
        last += 1
    return [round(i * step, 10) for i in range(first, last + 1)]


def _shorten(label: str, room: int) -> str:
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"


def _prepare(labels, series, maximum):
    labels = [str(label) for label in labels]
    series = [(str(name), [None if v is None else float(v) for v in values]) for name, values in series]
    for name, values in series:
        if len(values) != len(labels):
            raise ValueError(f"series {name!r} has {len(values)} values for {len(labels)} labels")
    known = [v for _name, values in series for v in values if v is not None]
    scale = ticks(min(known, default=0.0), max([*known, *([maximum] if maximum else [])], default=0.0))
    return labels, series, known, scale


def _render(kind, *, title, unit, labels, series, table, geometry) -> str:
    rows = [{"label": label, "cells": [number(values[i]) for _name, values in series]}
            for i, label in enumerate(labels)]
    return render_to_string("ui/charts/chart.html", {
        "kind": kind, "id": f"chart-{next(_ids)}", "title": title, "unit": unit, "table": table,
        "series_names": [name for name, _values in series], "rows": rows, **geometry})


def _legend(series) -> tuple[list[dict], int]:
    """The legend in words (four names a row) and the room it takes above the plot; none for one series."""
    if len(series) < 2:
        return [], 10
    items = [{"x": 8 + 150 * (i % 4), "y": 16 + 18 * (i // 4), "name": _shorten(name, 18), "full": name,
              "color": PALETTE[i % len(PALETTE)]} for i, (name, _values) in enumerate(series)]
    return items, 16 + 18 * ((len(series) - 1) // 4) + 16


def _bar_groups(groups, axis_x) -> str:
    """The bars as SVG, written here rather than by the template: a province's chart has a bar per commune
    and the template engine took tens of milliseconds for 168 of them. Words are escaped; the rest are
    numbers and palette colours this module computed."""
    out = []
    for g in groups:
        full = escape(g["full"])
        out.append(f'<g><title>{full}</title><text x="{axis_x}" y="{g["ly"]}" text-anchor="end" '
                   f'dominant-baseline="middle">{escape(g["label"])}</text>\n')
        for b in g["bars"]:
            text = escape(b["text"])
            out.append(f'<rect x="{b["x"]}" y="{b["y"]}" width="{b["w"]}" height="{b["h"]}" fill="{b["color"]}">'
                       f'<title>{full} · {escape(b["series"])}: {text}</title></rect>'
                       f'<text x="{b["tx"]}" y="{b["ty"]}">{text}</text>\n')
        out.append("</g>\n")
    return mark_safe("".join(out))  # noqa: S308 (the words are escaped above)


def bar_chart(labels, series, *, title: str, unit: str = "", maximum: float | None = None,
              table: bool = True) -> str:
    """Horizontal bars, one group per label, one bar per series; ``maximum`` fixes the axis (100 for shares)."""
    labels, series, known, scale = _prepare(labels, series, maximum)
    if not known:
        return _render("empty", title=title, unit=unit, labels=labels, series=series, table=table, geometry={})
    label_width = min(240, max(60, int(CHAR * max(len(label) for label in labels)) + 12))
    plot, bar, gap = 420, 16, 10
    legend, top = _legend(series)
    band = bar * len(series) + gap
    low, high = scale[0], scale[-1]

    def x(v: float) -> float:
        return round(label_width + (v - low) / (high - low) * plot, 1)

    groups = []
    for i, label in enumerate(labels):
        y = top + i * band
        bars = [{"x": min(x(0), x(v)), "y": y + j * bar, "w": round(abs(x(v) - x(0)), 1), "h": bar - 2,
                 "color": PALETTE[j % len(PALETTE)], "text": number(v), "tx": max(x(0), x(v)) + 4,
                 "ty": y + j * bar + 12, "series": name}
                for j, (name, values) in enumerate(series) if (v := values[i]) is not None]
        groups.append({"label": _shorten(label, int((label_width - 12) / CHAR)), "full": label,
                       "ly": y + band / 2, "bars": bars})
    bottom = top + band * len(labels)
    geometry = {"width": label_width + plot + 90, "height": bottom + 28, "groups": _bar_groups(groups, label_width - 6),
                "legend": legend, "axis_x": label_width - 6, "plot_top": top, "plot_bottom": bottom,
                "tick_y": bottom + 16, "grid": [{"x": x(t), "text": number(t)} for t in scale], "zero": x(0)}
    return _render("bar", title=title, unit=unit, labels=labels, series=series, table=table, geometry=geometry)


def line_chart(labels, series, *, title: str, unit: str = "", maximum: float | None = None,
               table: bool = True) -> str:
    """Lines over ``labels`` (periods, oldest first); a value not known breaks its line."""
    labels, series, known, scale = _prepare(labels, series, maximum)
    if not known:
        return _render("empty", title=title, unit=unit, labels=labels, series=series, table=table, geometry={})
    legend, top = _legend(series)
    left, plot_w, plot_h = 70, 520, 220
    step = plot_w / max(len(labels) - 1, 1)
    tilt = len(labels) > 1 and max(len(label) for label in labels) * CHAR > step
    low, high = scale[0], scale[-1]

    def y(v: float) -> float:
        return round(top + plot_h - (v - low) / (high - low) * plot_h, 1)

    lines = []
    for j, (name, values) in enumerate(series):
        runs, run, points = [], [], []
        for i, v in enumerate(values):
            if v is None:  # a figure not known: the line stops here and starts again at the next one
                runs, run = runs + [run], []
                continue
            px = round(left + i * step, 1)
            run.append(f"{px},{y(v)}")
            points.append({"x": px, "y": y(v), "text": number(v), "label": labels[i]})
        lines.append({"color": PALETTE[j % len(PALETTE)], "name": name, "points": points,
                      "runs": [" ".join(r) for r in [*runs, run] if len(r) > 1]})
    bottom = top + plot_h
    geometry = {"width": left + plot_w + 40, "height": bottom + (90 if tilt else 36), "lines": lines,
                "legend": legend, "left": left, "ylabel_x": left - 6, "right": left + plot_w, "plot_top": top,
                "plot_bottom": bottom, "tick_y": bottom + 18, "tilt": tilt,
                "xlabels": [{"x": round(left + i * step, 1), "text": _shorten(label, 16), "full": label}
                            for i, label in enumerate(labels)],
                "grid": [{"y": y(t), "text": number(t)} for t in scale]}
    return _render("line", title=title, unit=unit, labels=labels, series=series, table=table, geometry=geometry)

