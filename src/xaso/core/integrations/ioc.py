# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's Intelligent Operations Centre (IOC) and dashboard: every change of a field report, as a
signed JSON event (KTT15).

The IOC's interface is the province's; the contract here is ours, as for the national portal: ``POST
<url>/events/<kind>`` with the JSON body, ``X-Xaso-Signature: sha256=<HMAC of the body>`` and
``X-Xaso-Key``. One event per change, keyed by the report's code and version, so a resent event is the
same event and the IOC keeps it once. Events carry no personal data: no reporter, no contact.
``client()`` is the HTTP client when XASO_IOC_URL is set, and otherwise the local fake, which keeps what
it receives.
"""

from __future__ import annotations

from django.conf import settings

from .http import post_json
from .services import outbox_enqueue
from .signing import secret_for

SYSTEM = "ioc"


class HttpIoc:
    def __init__(self, url: str, secret: str):
        self.url = url.rstrip("/")
        self.secret = secret

    def send(self, kind: str, payload: dict) -> dict:
        return post_json(f"{self.url}/events/{kind}", payload, secret=self.secret, key=payload["key"])


class FakeIoc:
    """Keeps each event once, by its key, as the IOC is expected to."""

    def send(self, kind: str, payload: dict) -> dict:
        from .models import IocRecord

        IocRecord.keep(kind, payload)
        return {"accepted": True}


def client():
    if settings.XASO_IOC_URL:
        return HttpIoc(settings.XASO_IOC_URL, secret_for(SYSTEM))
    return FakeIoc()


def publish(*, kind: str, key: str, payload: dict):
    """Queue an event for the IOC in the caller's transaction: sent after commit, retried, once per key."""
    return outbox_enqueue(system=SYSTEM, kind=kind, key=key, payload=payload)
