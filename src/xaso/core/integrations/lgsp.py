# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's data-sharing platform (LGSP, nền tảng tích hợp, chia sẻ dữ liệu cấp tỉnh): every approved
return, published once (DL6, DL12 "shared").

As for the IOC, the interface is the province's and the contract here is ours: ``POST
<url>/datasets/<dataset code>/returns`` with the JSON body, signed with ``X-Xaso-Signature: sha256=<HMAC>``
and keyed by ``X-Xaso-Key`` (the return and the number of its approval), so a resent return is kept once
and a return unlocked, corrected and approved again is a new publication that replaces the old.
``client()`` is the HTTP client when XASO_LGSP_URL is set, and otherwise the local fake, which keeps what
it receives.
"""

from __future__ import annotations

from django.conf import settings

from .http import post_json
from .services import outbox_enqueue
from .signing import secret_for

SYSTEM = "lgsp"


class HttpLgsp:
    def __init__(self, url: str, secret: str):
        self.url = url.rstrip("/")
        self.secret = secret

    def send(self, kind: str, payload: dict) -> dict:
        return post_json(f"{self.url}/datasets/{payload['dataset']}/returns", payload, secret=self.secret,
                         key=payload["key"])


class FakeLgsp:
    """Keeps each publication once, by its key, as the platform is expected to."""

    def send(self, kind: str, payload: dict) -> dict:
        from .models import LgspRecord

        LgspRecord.keep(kind, payload)
        return {"accepted": True}


def client():
    if settings.XASO_LGSP_URL:
        return HttpLgsp(settings.XASO_LGSP_URL, secret_for(SYSTEM))
    return FakeLgsp()


def publish(*, key: str, payload: dict):
    """Queue a publication in the caller's transaction: sent after commit, retried, once per key."""
    return outbox_enqueue(system=SYSTEM, kind="return.approved", key=key, payload=payload)
