# SPDX-License-Identifier: AGPL-3.0-or-later
"""The provincial dashboard (the province's IOC dashboard of commune indicators): each commune's closed
month, its Decision 766 index, indicators and figures (ĐLHQ8).

As for the IOC and the LGSP, the dashboard's interface is the province's and the contract here is ours:
``POST <url>/communes/<commune code>/months/<period>`` with the JSON body, signed with ``X-Xaso-Signature:
sha256=<HMAC>`` and keyed by ``X-Xaso-Key`` = ``<commune>.<period>.r<revision>``, so a resent month is kept
once and a month whose figures changed after it was sent arrives as the next revision, which replaces the
one before. ``client()`` is the HTTP client when XASO_PROVINCE_DASHBOARD_URL is set, and otherwise the
local fake, which keeps what it receives. The contract: docs/provincial-dashboard-feed.md.
"""

from __future__ import annotations

from django.conf import settings

from .http import post_json
from .services import outbox_enqueue
from .signing import secret_for

SYSTEM = "province_dashboard"
KIND = "measurement.month"


def key_for(commune_code: str, period: str, revision: int) -> str:
    return f"{commune_code}.{period}.r{revision}"


class HttpProvinceDashboard:
    def __init__(self, url: str, secret: str):
        self.url = url.rstrip("/")
        self.secret = secret

    def send(self, kind: str, payload: dict) -> dict:
        return post_json(f"{self.url}/communes/{payload['commune']['code']}/months/{payload['period']}", payload,
                         secret=self.secret, key=payload["key"])


class FakeProvinceDashboard:
    """Keeps each publication once, by its key, as the dashboard is expected to."""

    def send(self, kind: str, payload: dict) -> dict:
        from .models import DashboardRecord

        DashboardRecord.keep(kind, payload)
        return {"accepted": True}


def client():
    if settings.XASO_PROVINCE_DASHBOARD_URL:
        return HttpProvinceDashboard(settings.XASO_PROVINCE_DASHBOARD_URL, secret_for(SYSTEM))
    return FakeProvinceDashboard()


def publish(*, key: str, payload: dict):
    """Queue a publication in the caller's transaction: sent after commit, retried, once per key."""
    return outbox_enqueue(system=SYSTEM, kind=KIND, key=key, payload=payload)
