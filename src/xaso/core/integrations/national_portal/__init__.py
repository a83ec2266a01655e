# SPDX-License-Identifier: AGPL-3.0-or-later
"""The National Public Service Portal (Cổng Dịch vụ công quốc gia): status synchronisation and
inter-agency forwarding.

Its connection specification is not public (DOMAIN.md §11, [U]), so the contract here is ours: signed
JSON over HTTPS (see ..signing), one event per state change keyed by the dossier code and version, with
the portal's own status codes 1–10 (dossiers.workflow.PORTAL_STATUS). ``client()`` answers the HTTP
client when XASO_NATIONAL_PORTAL_URL is set, and otherwise the local fake, which keeps what it receives.

The wire: ``POST <url>/events/<kind>`` (kinds ``dossier.status`` and ``dossier.forward``), a JSON body
carrying its ``key``, headers ``X-Xaso-Signature: sha256=<HMAC-SHA256 of the body>`` and ``X-Xaso-Key``.
A 2xx answer is acceptance; a key the portal already has is answered as accepted, with the first answer,
so that a resent event is harmless. A forward is answered ``{"reference": "<the agency's reference>"}``.
"""

from __future__ import annotations

import urllib.error

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..errors import IntegrationError
from ..http import post_json
from ..services import outbox_enqueue
from ..signing import secret_for

SYSTEM = "national_portal"


def _summary(dossier, agency: str) -> dict:
    return {"dossier_code": dossier.code, "procedure_code": dossier.procedure.code,
            "procedure_name": dossier.procedure.name, "agency": agency, "commune": dossier.commune_id,
            "status_code": dossier.portal_status, "channel": int(dossier.channel)}


class HttpPortal:
    def __init__(self, url: str, secret: str):
        self.url = url.rstrip("/")
        self.secret = secret

    def send(self, kind: str, payload: dict) -> dict:
        return post_json(f"{self.url}/events/{kind}", payload, secret=self.secret, key=payload["key"])

    def forward(self, *, dossier, agency: str) -> str:
        key = f"{dossier.code}:forward"
        try:
            answer = self.send("dossier.forward", {"key": key, **_summary(dossier, agency)})
        except (OSError, urllib.error.URLError, ValueError) as error:
            raise IntegrationError(_("The national portal could not forward the dossier now (%(error)s). Try "
                                     "again later.") % {"error": error}, code="unreachable") from error
        reference = str(answer.get("reference", ""))
        if not reference:
            raise IntegrationError(_("The national portal did not accept the dossier."), code="refused")
        return reference


class FakePortal:
    """Keeps what it receives, deduplicated by key, as the real portal is expected to."""

    def send(self, kind: str, payload: dict) -> dict:
        from ..models import PortalRecord

        try:
            with transaction.atomic():
                record = PortalRecord.objects.create(kind=kind, key=payload["key"], payload=payload)
        except IntegrityError:
            record = PortalRecord.objects.get(key=payload["key"])
        return {"accepted": True, "reference": f"FAKE-{record.pk}"}

    def forward(self, *, dossier, agency: str) -> str:
        return self.send("dossier.forward", {"key": f"{dossier.code}:forward", **_summary(dossier, agency)})[
            "reference"]


def client():
    if settings.XASO_NATIONAL_PORTAL_URL:
        return HttpPortal(settings.XASO_NATIONAL_PORTAL_URL, secret_for(SYSTEM))
    return FakePortal()


def sync_status(dossier, step_name: str) -> None:
    """Queue the dossier's new status for the portal: one event per state change (code and version)."""
    key = f"{dossier.code}:{dossier.version}"
    outbox_enqueue(system=SYSTEM, kind="dossier.status", key=key, payload={
        "dossier_code": dossier.code, "status_code": dossier.portal_status, "status": dossier.status,
        "step": step_name, "channel": int(dossier.channel), "at": timezone.now().isoformat()})
