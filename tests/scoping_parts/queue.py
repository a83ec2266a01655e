# SPDX-License-Identifier: AGPL-3.0-or-later
"""The kiosk, the board and a ticket by its token are public; counters, figures and setup are the commune's.

The counter's name carries a secret marker: the counter screens and setup show it, the public pages must
not (they show counter numbers only). The ticket is served by an official (a person) whose name no public
page may show either.
"""

from django.utils import timezone

from xaso.modules.queue.models import Counter, ServiceArea, Ticket

GENERIC = {}
PUBLIC_ABOUT_A = {"queue:kiosk", "queue:ticket", "queue:board", "queue:board_json", "queue_api:issue",
                  "queue_api:ticket", "queue_api:board"}


def private(commune, users, secrets):
    area = ServiceArea.objects.create(commune=commune, letter="Q", name="Hộ tịch")
    counter = Counter.objects.create(commune=commune, number=1, name=secrets[0])
    counter.areas.set([area])
    now = timezone.now()
    Ticket.objects.create(commune=commune, area=area, day=timezone.localdate(), number=1, issued_at=now,
                          status=Ticket.Status.SERVING, counter=counter, served_by=users["olivia"], called_at=now,
                          call_count=1, started_at=now)
    waiting = Ticket.objects.create(commune=commune, area=area, day=timezone.localdate(), number=2, issued_at=now)
    return {"counter_id": counter.pk, "ticket_token": waiting.token, "area_id": area.pk}


def state():
    return (sorted(Ticket.objects.values_list("pk", "status", "call_count", "counter_id")),
            sorted(ServiceArea.objects.values_list("pk", "name", "active", "order")),
            sorted(Counter.objects.values_list("pk", "name", "active")))
