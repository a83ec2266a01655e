# SPDX-License-Identifier: AGPL-3.0-or-later
from django import template
from django.utils.html import format_html_join

from xaso.core.catalogue.seed import area_name as _area_name

register = template.Library()


@register.filter
def area_name(area: str) -> str:
    """The model's name of an area type in the active language; empty for components of every area."""
    return _area_name(area) if area else ""


@register.filter
def share_class(percent: int) -> str:
    """A CSS class for a share live, in five steps, so a matrix reads at a glance (the number is always
    printed too: colour is never the only signal)."""
    for floor, name in ((100, "share-4"), (75, "share-3"), (50, "share-2"), (25, "share-1")):
        if percent >= floor:
            return name
    return "share-0"


@register.simple_tag
def matrix_cells(cells, extra_class: str = ""):
    """The <td>s of one matrix row: "live/applicable" with the share below it, shaded by share.

    Built here rather than with a template loop because a province has up to 170 communes × 13 cells
    and the template engine's per-variable cost would then be most of the page's time.
    """
    return format_html_join("", '<td class="{}">{}/{}<small>{}%</small></td>', (
        (f"{share_class(cell.percent)} {extra_class}".strip(), cell.live, cell.applicable, cell.percent)
        for cell in cells))
