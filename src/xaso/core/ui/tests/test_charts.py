# SPDX-License-Identifier: AGPL-3.0-or-later
"""The server-drawn SVG charts: well-formed, escaped, accessible, scaled, and sane without data."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from defusedxml import ElementTree as SafeET
from django.utils import translation

from xaso.core.ui import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup: str) -> ET.Element:
    return SafeET.fromstring(str(markup))  # the whole figure, table included, is well-formed XML


def svg_of(figure: ET.Element) -> ET.Element:
    return figure.find(f".//{SVG}svg")


def bars(figure):
    return [r for r in svg_of(figure).iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]


def test_it_draws_an_accessible_bar_chart_with_its_table():
    figure = parse(charts.bar_chart(["Phường Hạ Long", "Xã Tiên Yên"], [("Số hộ", [120, 80])],
                                    title="Số hộ gia đình", unit="hộ"))
    svg = svg_of(figure)
    assert svg.get("role") == "img" and svg.get("aria-label") == "Số hộ gia đình (hộ)"
    assert svg.find(f"{SVG}title").text == "Số hộ gia đình (hộ)"
    table = [[cell.text for cell in row] for row in figure.iter("tr")]
    assert table[1:] == [["Phường Hạ Long", "120"], ["Xã Tiên Yên", "80"]]


def test_it_escapes_every_label():
    evil = '<script>alert("x")</script> & Thôn'
    markup = charts.bar_chart([evil], [(evil, [1]), ("b", [2])], title=evil, unit=evil)
    assert "<script>" not in markup
    figure = parse(markup)
    assert svg_of(figure).find(f"{SVG}title").text == f"{evil} ({evil})"
    assert evil in [t.text for t in svg_of(figure).iter(f"{SVG}title")]
    assert "<script>" not in charts.line_chart([evil], [(evil, [1])], title=evil)


def test_bars_are_scaled_to_round_ticks_and_a_fixed_maximum():
    figure = parse(charts.bar_chart(["a", "b", "c"], [("n", [100, 50, 0])], title="t"))
    widths = [float(r.get("width")) for r in bars(figure)]
    assert widths[0] == 2 * widths[1] and widths[2] == 0
    shares = parse(charts.bar_chart(["a"], [("n", [50])], title="t", maximum=100))
    assert float(bars(shares)[0].get("width")) == widths[1]  # half of the axis either way
    assert charts.ticks(0, 7) == [0, 2, 4, 6, 8]
    assert charts.ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    assert charts.ticks(-5, 5) == [-6, -4, -2, 0, 2, 4, 6]
    assert charts.ticks(0, 0) == [0, 1]


def test_a_missing_value_is_no_bar_a_gap_in_the_line_and_a_dash_in_the_table():
    with translation.override("en"):
        figure = parse(charts.bar_chart(["a", "b"], [("n", [None, Decimal("2.5")])], title="t"))
    assert len(bars(figure)) == 1 and [row[1].text for row in list(figure.iter("tr"))[1:]] == ["—", "2.5"]
    line = parse(charts.line_chart(["Q1", "Q2", "Q3", "Q4", "Q5"], [("n", [1, 2, None, 4, 5])], title="t"))
    assert len(list(svg_of(line).iter(f"{SVG}polyline"))) == 2
    assert len(list(svg_of(line).iter(f"{SVG}circle"))) == 4


def test_several_series_get_a_legend_in_words():
    figure = parse(charts.line_chart(["Q1", "Q2"], [("Đúng hạn", [1, 2]), ("Trễ hạn", [2, 1])], title="t"))
    legend = [t.text for t in svg_of(figure).iter(f"{SVG}text")]
    assert "Đúng hạn" in legend and "Trễ hạn" in legend


@pytest.mark.parametrize("draw", [charts.bar_chart, charts.line_chart])
def test_no_data_says_so_without_a_drawing(draw):
    for labels, series in (([], []), (["a"], [("n", [None])])):
        figure = parse(draw(labels, series, title="Trống"))
        assert svg_of(figure) is None and figure.find("p") is not None


def test_it_refuses_a_series_that_does_not_match_the_labels():
    with pytest.raises(ValueError, match="2 labels"):
        charts.bar_chart(["a", "b"], [("n", [1])], title="t")


def test_numbers_are_written_as_the_reader_writes_them():
    with translation.override("vi"):
        assert charts.number(Decimal("1234.5000")) == "1.234,5"
        svg = charts.bar_chart(["a"], [("n", [1234.5])], title="t")
        assert ">1.234,5<" in svg and 'width="' in svg and "," not in parse(svg).find(f".//{SVG}rect").get("x")
    with translation.override("en"):
        assert charts.number(Decimal("1234.5")) == "1,234.5" and charts.number(None) == "—"
        assert charts.number(Decimal("2E+3")) == "2,000"
