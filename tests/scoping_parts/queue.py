# SPDX-License-Identifier: AGPL-3.0-or-later
"""The kiosk, the board and a ticket by its token are public; counters and figures are the commune's."""

from django.utils import timezone

from xaso.modules.queue.models import Counter, ServiceArea, Ticket

GENERIC = {}
PUBLIC_ABOUT_A = {"queue:kiosk", "queue:ticket", "queue:board", "queue:board_json", "queue_api:issue",
                  "queue_api:board"}


def private(commune, users, secrets):
    area = ServiceArea.objects.create(commune=commune, letter="A", name="Hộ tịch")
    counter = Counter.objects.create(commune=commune, number=1)
    counter.areas.set([area])
    ticket = Ticket.objects.create(commune=commune, area=area, day=timezone.localdate(), number=1,
                                   issued_at=timezone.now())
    return {"counter_id": counter.pk, "ticket_token": ticket.token, "area_id": area.pk}


def state():
    return (sorted(Ticket.objects.values_list("pk", "status", "call_count", "counter_id")),
            ServiceArea.objects.count(), Counter.objects.count())
