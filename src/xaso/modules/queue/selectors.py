# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of the queue: the board (public), a ticket by its token (public), counters, the day's figures."""

from __future__ import annotations

import datetime as dt
import statistics

from django.http import Http404

from xaso.core import tenancy
from xaso.core.accounts.permissions import can

from .models import Counter, ServiceArea, Ticket

S = Ticket.Status


def areas(commune) -> list[ServiceArea]:
    """The active areas, for the kiosk and the counter's transfer list (public facts)."""
    with tenancy.unscoped():
        return list(ServiceArea.objects.filter(commune=commune, active=True))


def board(commune, day: dt.date) -> dict:
    """What the display board shows: the last calls with their counters, and how many wait per area.
    Ticket labels, area names and counter numbers only: nothing about the people or the officials."""
    with tenancy.unscoped():
        called = (Ticket.objects.filter(commune=commune, day=day, status__in=(S.CALLED, S.SERVING))
                  .select_related("area", "counter").order_by("-called_at", "-id")[:8])
        open_areas = list(ServiceArea.objects.filter(commune=commune, active=True))
        waiting = dict.fromkeys((a.pk for a in open_areas), 0)
        for area_id in Ticket.objects.filter(commune=commune, day=day, status=S.WAITING).values_list("area_id",
                                                                                                        flat=True):
            if area_id in waiting:
                waiting[area_id] += 1
    return {"called": [{"ticket": t.label, "counter": t.counter.number, "calls": t.call_count} for t in called],
            "waiting": [{"area": f"{a.letter} · {a.name}", "count": waiting[a.pk]} for a in open_areas]}


def ticket_by_token(commune, token: str) -> dict:
    """A ticket for the person holding it (the token is the permission): its label, area and place in the
    line; after a transfer, the ticket that replaced it."""
    with tenancy.unscoped():
        ticket = Ticket.objects.select_related("area", "counter").filter(commune=commune, token=token).first()
        if ticket is None:
            raise Http404
        ahead = 0
        if ticket.status == S.WAITING:
            ahead = (Ticket.objects.filter(commune=commune, day=ticket.day, status=S.WAITING, area=ticket.area)
                     .filter(issued_at__lt=ticket.issued_at).count())
        successor = (Ticket.objects.select_related("area").filter(transferred_from=ticket).first()
                     if ticket.status == S.TRANSFERRED else None)
    return {"ticket": ticket, "ahead": ahead, "successor": successor}


def counters(*, user, commune) -> list[Counter]:
    if not can(user, "queue.counter.operate", commune):
        raise Http404
    return list(Counter.objects.filter(commune=commune).prefetch_related("areas"))


def counter_for(*, user, commune, counter_id) -> Counter:
    """A counter of the commune, for an official who may operate it (others: 404)."""
    if not can(user, "queue.counter.operate", commune):
        raise Http404
    counter = Counter.objects.filter(commune=commune, pk=counter_id).prefetch_related("areas").first()
    if counter is None:
        raise Http404
    return counter


def setup(*, user, commune) -> tuple[list[ServiceArea], list[Counter]]:
    """Every area and counter, open or closed, for those who set the center up."""
    if not can(user, "queue.setup.manage", commune):
        raise Http404
    return (list(ServiceArea.objects.filter(commune=commune)),
            list(Counter.objects.filter(commune=commune).prefetch_related("areas")))


def setup_area(*, user, commune, area_id) -> ServiceArea:
    if not can(user, "queue.setup.manage", commune):
        raise Http404
    area = ServiceArea.objects.filter(commune=commune, pk=area_id).first()
    if area is None:
        raise Http404
    return area


def setup_counter(*, user, commune, counter_id) -> Counter:
    if not can(user, "queue.setup.manage", commune):
        raise Http404
    counter = Counter.objects.filter(commune=commune, pk=counter_id).prefetch_related("areas").first()
    if counter is None:
        raise Http404
    return counter


def ticket_for_counter(*, user, counter: Counter) -> Ticket | None:
    """The ticket a counter is calling or serving now (at most one: ticket_call_next sees to it); the
    dossier intake links to it."""
    if not can(user, "queue.counter.operate", counter.commune):
        raise Http404
    return (Ticket.objects.filter(counter=counter, status__in=(S.CALLED, S.SERVING))
            .select_related("area", "counter").order_by("-called_at").first())


def _minutes(pairs) -> dict:
    values = [(b - a).total_seconds() / 60 for a, b in pairs if a and b]
    return {"average": round(statistics.fmean(values), 1) if values else None,
            "median": round(statistics.median(values), 1) if values else None}


def _queued_at(ticket: Ticket):
    # A transferred person's new ticket keeps their first arrival time for its place in the line; their
    # wait in the second area runs from when the first counter let them go.
    return ticket.transferred_from.finished_at if ticket.transferred_from_id else ticket.issued_at


def _row(group: str, tickets: list[Ticket]) -> dict:
    wait = _minutes((_queued_at(t), t.called_at) for t in tickets)
    service = _minutes((t.started_at, t.finished_at) for t in tickets if t.status == S.DONE)
    return {"group": group, "issued": len(tickets), "served": sum(t.status == S.DONE for t in tickets),
            "no_show": sum(t.status == S.NO_SHOW for t in tickets),
            "transferred": sum(t.status == S.TRANSFERRED for t in tickets),
            "waiting": sum(t.status == S.WAITING for t in tickets),
            "wait_average": wait["average"], "wait_median": wait["median"],
            "service_average": service["average"], "service_median": service["median"]}


def figures(*, user, commune, day: dt.date) -> dict:
    """The day's figures, from the tickets' timestamps: waiting time (issued → called) and service time
    (started → finished) per counter, per area and for the whole center. "Issued" in the total counts the
    numbers taken at the kiosk (a transfer is the same person); per area it counts every ticket there."""
    if not can(user, "queue.figures.view", commune):
        raise Http404
    tickets = list(Ticket.objects.filter(commune=commune, day=day).select_related("area", "counter",
                                                                                    "transferred_from"))
    total = _row(str(commune), tickets)
    total["issued"] = sum(not t.transferred_from_id for t in tickets)
    counters_rows = [_row(str(c), [t for t in tickets if t.counter_id == c.pk])
                     for c in Counter.objects.filter(commune=commune)]
    for row in counters_rows:
        row["issued"] = None  # a counter does not issue tickets: it calls them
    area_rows = [_row(str(a), [t for t in tickets if t.area_id == a.pk])
                 for a in ServiceArea.objects.filter(commune=commune)]
    return {"total": total, "counters": counters_rows, "areas": area_rows}
