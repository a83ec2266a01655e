# SPDX-License-Identifier: AGPL-3.0-or-later
"""A survey link's QR code, drawn by segno on the server (nothing fetched from elsewhere)."""

import io

import segno
from django.urls import reverse

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}
SCALE = 8  # pixels a module: big enough to scan from a printed A5 page at arm's length
BORDER = 4  # the quiet zone the standard asks for


def link_url(request, link) -> str:
    """The absolute address people open (a counter's link returns to a fresh form by its channel)."""
    return request.build_absolute_uri(reverse("surveys:answer", args=[link.token]))


def image(url: str, fmt: str) -> bytes:
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if fmt == "svg":
        code.save(buffer, kind="svg", scale=SCALE, border=BORDER, xmldecl=False, svgns=True, title=url)
    else:
        code.save(buffer, kind="png", scale=SCALE, border=BORDER)
    return buffer.getvalue()
