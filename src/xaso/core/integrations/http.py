# SPDX-License-Identifier: AGPL-3.0-or-later
"""Posting signed JSON to another system (the standard library's HTTP client: no extra dependency)."""

import json
import urllib.request
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder

from .signing import HEADER, sign

TIMEOUT = 15


def post_json(url: str, payload: dict, *, secret: str, key: str) -> dict:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) address: {url!r}")
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (scheme checked above)
        "Content-Type": "application/json; charset=utf-8", HEADER: sign(body, secret), "X-Xaso-Key": key})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (scheme checked above)
        text = response.read().decode() or "{}"
    return json.loads(text)
