# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writing to and checking the audit trail. Every service that changes data calls `record`."""

import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xaso.core import tenancy

from .models import GENESIS, AuditEvent, AuditHead


def client_ip(request) -> str | None:
    """The client's address: behind a proxy, from the header the deployment names (the same one the
    sign-in rate limits read, XASO_CLIENT_IP_META_KEY); a value that is no address is not recorded."""
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None) or "REMOTE_ADDR"
    value = (request.META.get(key) or "").split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def record(*, actor, action: str, obj, before: dict | None = None, after: dict | None = None,
           commune_id: str | None = None) -> AuditEvent:
    """Append one event inside the caller's transaction (so a rolled-back change leaves no event)."""
    request = tenancy.current_request()
    ip = user_agent = None
    if request is not None:
        ip = client_ip(request)
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
    if commune_id is None:
        commune_id = obj.pk if obj._meta.label_lower == "places.commune" else getattr(obj, "commune_id", None)
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            at=timezone.now(),
            actor_id=getattr(actor, "pk", None),
            actor_label=str(getattr(actor, "username", None) or actor or "system"),
            ip=ip,
            user_agent=user_agent or "",
            action=action,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            commune_id=commune_id,
            before=before,
            after=after,
            prev_hash=head.last_hash,
        )
        # Microseconds survive every backend we run on; the hash is taken of the stored value.
        event.hash = event.compute_hash()
        event.save(force_insert=True)
        head.last_hash = event.hash
        head.length += 1
        head.save(update_fields=["last_hash", "length"])
    return event


@dataclass
class Verdict:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify() -> Verdict:
    """Walk the chain from the first event; name the first event whose link or content is wrong."""
    prev = GENESIS
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != prev:
            return Verdict(False, checked, event.id, "prev_hash does not match the event before it")
        if event.compute_hash() != event.hash:
            return Verdict(False, checked, event.id, "content does not match its hash")
        prev = event.hash
        checked += 1
    head = AuditHead.objects.filter(pk=1).first()
    if (head is None and checked) or (head is not None and (head.last_hash != prev or head.length != checked)):
        return Verdict(False, checked, None, "events are missing after the last one (head does not match)")
    return Verdict(True, checked)


def snapshot(obj, fields) -> dict:
    """The before/after picture of the fields a change touches."""
    return {f: getattr(obj, f) for f in fields}
