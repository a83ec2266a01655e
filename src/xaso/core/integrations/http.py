# SPDX-License-Identifier: AGPL-3.0-or-later
"""Talking signed HTTP to another system (the standard library's HTTP client: no extra dependency).

Every request carries ``X-Xaso-Signature: sha256=<HMAC>`` of its body; a request without a body (a GET)
signs its target instead (path and query, exactly as sent), so that only who holds the secret is answered.
"""

import json
import urllib.request
from urllib.parse import urlsplit

from django.core.serializers.json import DjangoJSONEncoder

from .signing import HEADER, sign

TIMEOUT = 15


def _checked(url: str) -> str:
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) address: {url!r}")
    return url


def _json_answer(request: urllib.request.Request):
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (scheme checked by _checked)
        text = response.read().decode() or "{}"
    return json.loads(text)


def post_json(url: str, payload: dict, *, secret: str, key: str) -> dict:
    body = json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True).encode()
    return post_bytes(url, body, content_type="application/json; charset=utf-8", secret=secret, key=key)


def post_bytes(url: str, body: bytes, *, content_type: str, secret: str, key: str) -> dict:
    """A body that is not JSON (an edXML package), signed the same way; the answer is JSON."""
    request = urllib.request.Request(_checked(url), data=body, method="POST", headers={  # noqa: S310
        "Content-Type": content_type, HEADER: sign(body, secret), "X-Xaso-Key": key})
    return _json_answer(request)


def get_json(url: str, *, secret: str):
    split = urlsplit(_checked(url))
    target = split.path + (f"?{split.query}" if split.query else "")
    request = urllib.request.Request(url, method="GET", headers={HEADER: sign(target.encode(), secret)})  # noqa: S310
    return _json_answer(request)
