# SPDX-License-Identifier: AGPL-3.0-or-later
"""The provincial document-exchange axis (trục liên thông văn bản): edXML packages between agencies
(QCVN 102:2016, Decision 28/2018/QĐ-TTg; DOMAIN.md §8; docs/edxml.md).

Sending goes through the integrations outbox: ``send_package(key=, package=)`` writes a delivery in the
caller's transaction, sent after commit and retried until the axis accepts it; the same key is one delivery.
``receive(organ_id, handle)`` takes what waits for an agency, hands each package to ``handle`` and
acknowledges it only once ``handle`` has returned.

The axis' own interface (an X-Road ``eDoc`` service at the Government Office, relayed by each province's
integration platform) is not public, so the HTTP contract is ours, for a relay the province runs:

- ``POST <url>/packages``: the body is the MIME package exactly as built (its headers included, so a
  multipart reader sees them as the preamble); ``Content-Type`` is the package's own (multipart/related with
  its boundary); ``X-Xaso-Key`` the delivery key; ``X-Xaso-Signature: sha256=<HMAC-SHA256 of the body>``.
  A 2xx is acceptance; a key the axis already holds is answered as accepted (a resent package is harmless).
  The axis queues the package for each agency in the envelope's ``To`` (for a status: ``ResponseFor``).
- ``GET <url>/packages?to=<organ id>``: what waits for that agency, oldest first, as JSON
  ``[{"id": "<axis id>", "package": "<base64 of the MIME bytes>"}]``; the signature is of the request target.
- ``POST <url>/packages/<id>/ack`` with JSON ``{"id", "to", "key"}``: taken; not offered again.

``client()`` answers ``HttpAxis`` when XASO_DOCUMENT_AXIS_URL is set and otherwise ``FakeAxis``, which keeps
packages in this database: on one install, commune A sending to commune B's agency code lands in B's queue.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from django.conf import settings
from django.utils import timezone, translation

from ..http import get_json, post_bytes, post_json
from ..services import outbox_enqueue
from ..signing import secret_for
from .edxml import build_package, build_status, content_type_of, parse, peek
from .packages import (
    Attachment,
    DocumentPackage,
    EdxmlError,
    Organ,
    Priority,
    ResponseFor,
    Staff,
    StatusCode,
    StatusPackage,
    make_document_id,
)

__all__ = ["SYSTEM", "Attachment", "DocumentPackage", "EdxmlError", "FakeAxis", "HttpAxis", "Organ", "Priority",
           "ResponseFor", "Staff", "StatusCode", "StatusPackage", "client", "make_document_id", "receive",
           "send_package"]

if TYPE_CHECKING:
    from ..models import Delivery

SYSTEM = "document_axis"
PACKAGE, STATUS = "edxml.package", "edxml.status"
logger = logging.getLogger(__name__)


class HttpAxis:
    def __init__(self, url: str, secret: str):
        self.url = url.rstrip("/")
        self.secret = secret

    def send(self, kind: str, payload: dict) -> dict:
        data = base64.b64decode(payload["package"])
        return post_bytes(f"{self.url}/packages", data, content_type=content_type_of(data), secret=self.secret,
                          key=payload["key"])

    def fetch(self, organ_id: str) -> list[tuple[str, bytes]]:
        waiting = get_json(f"{self.url}/packages?{urlencode({'to': organ_id})}", secret=self.secret)
        return [(str(item["id"]), base64.b64decode(item["package"])) for item in waiting]

    def acknowledge(self, organ_id: str, package_id: str) -> None:
        post_json(f"{self.url}/packages/{quote(package_id, safe='')}/ack",
                  {"id": package_id, "to": organ_id, "key": f"ack:{organ_id}:{package_id}"},
                  secret=self.secret, key=f"ack:{organ_id}:{package_id}")


class FakeAxis:
    """Queues each package once per recipient and key, as the real axis is expected to."""

    def send(self, kind: str, payload: dict) -> dict:
        from ..models import AxisPackage

        data = base64.b64decode(payload["package"])
        ids = []
        for recipient in payload["to"]:
            row, _created = AxisPackage.objects.get_or_create(
                key=payload["key"], recipient=recipient,
                defaults={"kind": kind, "sender": payload.get("from", ""), "data": data})
            ids.append(str(row.pk))
        return {"accepted": True, "ids": ids}

    def fetch(self, organ_id: str) -> list[tuple[str, bytes]]:
        from ..models import AxisPackage

        waiting = AxisPackage.objects.filter(recipient=organ_id, acknowledged_at__isnull=True).order_by("id")
        return [(str(row.pk), bytes(row.data)) for row in waiting]

    def acknowledge(self, organ_id: str, package_id: str) -> None:
        from ..models import AxisPackage

        # Only the recipient takes its own package; acknowledging twice keeps the first time.
        AxisPackage.objects.filter(pk=int(package_id), recipient=organ_id, acknowledged_at__isnull=True).update(
            acknowledged_at=timezone.now())


def client() -> HttpAxis | FakeAxis:
    if settings.XASO_DOCUMENT_AXIS_URL:
        return HttpAxis(settings.XASO_DOCUMENT_AXIS_URL, secret_for(SYSTEM))
    return FakeAxis()


def send_package(*, key: str, package: DocumentPackage | StatusPackage) -> Delivery:
    """Queue a package for the axis in the caller's transaction: sent after commit, retried, once per key.

    A status and the document it answers are different events: give them different keys.
    """
    if isinstance(package, DocumentPackage):
        kind, to, data = PACKAGE, [organ.id for organ in package.recipients], build_package(package)
    else:
        kind, to, data = STATUS, [package.response_for.organ_id], build_status(package)
    return outbox_enqueue(system=SYSTEM, kind=kind, key=key, payload={
        "from": package.sender.id, "to": to, "package": base64.b64encode(data).decode("ascii")})


def receive(organ_id: str, handle: Callable[[DocumentPackage | StatusPackage, bytes], None]) -> int:
    """Hand each package waiting for ``organ_id`` to ``handle``; acknowledge it once ``handle`` returned.

    ``handle`` must be idempotent by DocumentId (an acknowledgement lost on the way brings the package
    again). A package ``handle`` fails on stays on the axis and comes again next time. A package that cannot
    be read is answered with status 02 (refused) and acknowledged when its sender and DocumentId can still be
    read; otherwise it stays on the axis, logged, for a person to look at: nothing is silently dropped.
    Returns how many packages were handled.
    """
    axis = client()
    handled = 0
    for package_id, data in axis.fetch(organ_id):
        try:
            package = parse(data)
        except EdxmlError as error:
            _refuse(axis, organ_id, package_id, data, error)
            continue
        try:
            handle(package, data)
        except Exception:  # the handler's failure is kept for next time, and must not stop the queue
            logger.exception("document axis: package %s for %s was not taken; it stays on the axis",
                             package_id, organ_id)
            continue
        axis.acknowledge(organ_id, package_id)
        handled += 1
    return handled


def _refuse(axis, organ_id: str, package_id: str, data: bytes, error: EdxmlError) -> None:
    seen = peek(data)
    with translation.override("vi"):  # the answer goes to another Vietnamese agency
        reason = " ".join(str(message) for message in error.messages)
    if seen is None:
        logger.error("document axis: package %s for %s cannot be read and stays on the axis: %s",
                     package_id, organ_id, reason)
        return
    refusal = StatusPackage(
        response_for=ResponseFor(organ_id=seen["sender"], document_id=seen["document_id"], code=seen["code"],
                                 promulgation_date=seen["promulgation_date"]),
        sender=Organ(id=organ_id, name=seen["to"].get(organ_id) or organ_id), status_code=StatusCode.REFUSED,
        description=reason, timestamp=timezone.now())
    send_package(key=f"refused:{organ_id}:{package_id}", package=refusal)
    logger.warning("document axis: package %s for %s refused (%s)", package_id, organ_id, reason)
    axis.acknowledge(organ_id, package_id)
