# SPDX-License-Identifier: AGPL-3.0-or-later
"""The integrations outbox: write a delivery now, send it after commit, retry until it is accepted."""

from __future__ import annotations

from django.db import transaction

from xaso.core import outbox

from .models import Delivery


def outbox_enqueue(*, system: str, kind: str, key: str, payload: dict) -> Delivery:
    """The same ``key`` for the same system twice gives one delivery: a retried change sends one event."""
    delivery, created = Delivery.objects.get_or_create(
        system=system, key=key, defaults={"kind": kind, "payload": {**payload, "key": key}})
    if created:
        transaction.on_commit(lambda: _enqueue(delivery.pk))
    return delivery


def _enqueue(pk: int) -> None:
    from .tasks import deliver_delivery

    deliver_delivery.enqueue(pk)


def _send(delivery: Delivery):
    from . import document_axis, ioc, lgsp, national_portal, province_dashboard

    adapters = {"national_portal": national_portal.client, "document_axis": document_axis.client,
                "ioc": ioc.client, "lgsp": lgsp.client, "province_dashboard": province_dashboard.client}
    return adapters[delivery.system]().send(delivery.kind, delivery.payload)


def deliver(pk: int, *, now=None) -> Delivery | None:
    return outbox.deliver(Delivery, pk, _send, now=now)


def deliver_due(*, now=None) -> int:
    sent = 0
    for pk in outbox.due(Delivery, now).values_list("pk", flat=True):
        row = deliver(pk, now=now)
        sent += bool(row and row.status == outbox.Status.SENT)
    return sent
