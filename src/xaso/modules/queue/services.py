# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's moves: a ticket is issued at the kiosk, called to a counter, served, skipped or transferred.

Issuing a ticket is not audited: it is an anonymous visitor taking a number, not a person changing
protected data, and the ticket row itself keeps when and where it was taken (auditing it would also let
anyone grow the hash chain at 30 rows a minute per address). Every move an official makes is audited.

Times: every service takes ``now=`` (default: the clock), so tests and the demo pass fixed instants.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core import sequences
from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record

from .models import Counter, ServiceArea, Ticket

S = Ticket.Status


def _number(commune_id: str, area: ServiceArea, day: dt.date) -> int:
    # The area's letter is fixed once created (area_update never changes it), so it names the count.
    return sequences.next_number(f"ticket:{commune_id}:{area.letter}:{day:%Y%m%d}")


def ticket_issue(*, commune, area: ServiceArea, now: dt.datetime | None = None) -> Ticket:
    """Take a number in a service area (the kiosk: anonymous, so no actor)."""
    if area.commune_id != commune.pk or not area.active:
        raise ValidationError(_("This service area does not take tickets."), code="area")
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        return Ticket.objects.create(commune=commune, area=area, day=day, number=_number(commune.pk, area, day),
                                     issued_at=now)


def _operate(actor, commune) -> None:
    if not can(actor, "queue.counter.operate", commune):
        raise PermissionDenied("queue.counter.operate")


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("area", "counter").get(pk=ticket.pk)


def _refuse(ticket: Ticket, action: str) -> ValidationError:
    return ValidationError(_("Ticket %(label)s is “%(status)s”: it cannot be %(action)s.")
                           % {"label": ticket.label, "status": ticket.get_status_display(), "action": action},
                           code="state")


def ticket_call_next(*, actor, counter: Counter, now: dt.datetime | None = None) -> Ticket:
    """The oldest waiting ticket of the areas this counter serves; two counters never get the same one.

    On PostgreSQL the candidate row is taken with FOR UPDATE SKIP LOCKED, so a second counter calling at
    the same moment passes over it to the next one instead of waiting; on SQLite transactions begin
    IMMEDIATE, so the write lock serialises the callers.
    """
    _operate(actor, counter.commune)
    now = now or timezone.now()
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        if not counter.active:
            raise ValidationError(_("%(counter)s is closed.") % {"counter": counter}, code="counter")
        busy = Ticket.objects.filter(counter=counter, status__in=(S.CALLED, S.SERVING)).select_related("area").first()
        if busy is not None:
            raise ValidationError(_("%(counter)s still has ticket %(label)s: finish it, skip it or transfer it "
                                    "first.") % {"counter": counter, "label": busy.label}, code="busy")
        waiting = (Ticket.objects.filter(commune=counter.commune_id, day=timezone.localdate(now), status=S.WAITING,
                                         area__in=counter.areas.filter(active=True)).order_by("issued_at", "id"))
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        # One row only: FOR UPDATE locks every row the query returns, and a locked row is one the other
        # counters skip.
        ticket = waiting.select_related("area").first()
        if ticket is None:
            raise ValidationError(_("Nobody is waiting for %(counter)s.") % {"counter": counter}, code="empty")
        ticket.status, ticket.counter, ticket.served_by, ticket.called_at, ticket.call_count = (
            S.CALLED, counter, actor, now, 1)
        ticket.save(update_fields=["status", "counter", "served_by", "called_at", "call_count"])
        record(actor=actor, action="xaso.queue.ticket.called", obj=ticket,
               before={"status": S.WAITING}, after={"status": S.CALLED, "ticket": ticket.label,
                                                    "counter": counter.number})
    return ticket


def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    """Call the same number again (the person has not come yet): the board shows it once more."""
    _operate(actor, ticket.commune)
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status != S.CALLED:
            raise _refuse(ticket, _("called again"))
        ticket.call_count += 1
        ticket.save(update_fields=["call_count"])
        record(actor=actor, action="xaso.queue.ticket.recalled", obj=ticket, before={"calls": ticket.call_count - 1},
               after={"calls": ticket.call_count})
    return ticket


def _move(actor, ticket: Ticket, *, sources, target, verb, action_label, stamp, now=None, extra=None) -> Ticket:
    _operate(actor, ticket.commune)
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.status not in sources:
            raise _refuse(ticket, action_label)
        before = ticket.status
        ticket.status = target
        setattr(ticket, stamp, now)
        ticket.save(update_fields=["status", stamp])
        record(actor=actor, action=f"xaso.queue.ticket.{verb}", obj=ticket, before={"status": before},
               after={"status": target, **(extra or {})})
    return ticket


def ticket_start(*, actor, ticket: Ticket, now=None) -> Ticket:
    """The person has come to the counter: service starts."""
    return _move(actor, ticket, sources=(S.CALLED,), target=S.SERVING, verb="started", action_label=_("served"),
                 stamp="started_at", now=now)


def ticket_finish(*, actor, ticket: Ticket, now=None) -> Ticket:
    return _move(actor, ticket, sources=(S.SERVING,), target=S.DONE, verb="finished", action_label=_("finished"),
                 stamp="finished_at", now=now)


def ticket_skip(*, actor, ticket: Ticket, now=None) -> Ticket:
    """Called (maybe several times) and nobody came: the ticket is closed as a no-show."""
    return _move(actor, ticket, sources=(S.CALLED,), target=S.NO_SHOW, verb="skipped", action_label=_("skipped"),
                 stamp="finished_at", now=now)


def ticket_transfer(*, actor, ticket: Ticket, area: ServiceArea, now=None) -> Ticket:
    """Send the person to another area: this ticket closes and a new one waits there, keeping the
    person's place by the time they first came (issued_at); returns the new ticket."""
    _operate(actor, ticket.commune)
    if area.commune_id != ticket.commune_id or area.pk == ticket.area_id or not area.active:
        raise ValidationError(_("Choose another service area of this center."), code="area")
    now = now or timezone.now()
    with transaction.atomic():
        old = _locked(ticket)
        if old.status not in (S.CALLED, S.SERVING):
            raise _refuse(old, _("transferred"))
        before = old.status
        old.status, old.finished_at = S.TRANSFERRED, now
        old.save(update_fields=["status", "finished_at"])
        new = Ticket.objects.create(commune_id=old.commune_id, area=area, day=old.day,
                                    number=_number(old.commune_id, area, old.day), issued_at=old.issued_at,
                                    transferred_from=old)
        record(actor=actor, action="xaso.queue.ticket.transferred", obj=old, before={"status": before},
               after={"status": S.TRANSFERRED, "to": new.label})
    return new


# --- Setup: service areas and counters ---------------------------------------------------------------------

def _setup(actor, commune) -> None:
    if not can(actor, "queue.setup.manage", commune):
        raise PermissionDenied("queue.setup.manage")


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise ValidationError({"name": _("Name: write the area's name (at most 120 characters).")})
    return name


def area_add(*, actor, commune, letter: str, name: str) -> ServiceArea:
    _setup(actor, commune)
    letter, name = (letter or "").strip().upper(), _clean_name(name)
    if not (1 <= len(letter) <= 2 and letter.isascii() and letter.isalpha()):
        raise ValidationError({"letter": _("Letter: one or two letters A–Z, printed before the number.")})
    with transaction.atomic():
        if ServiceArea.objects.filter(commune=commune, letter=letter).exists():
            raise ValidationError({"letter": _("Letter: another area already uses %(letter)s.") % {"letter": letter}})
        area = ServiceArea.objects.create(commune=commune, letter=letter, name=name,
                                          order=ServiceArea.objects.filter(commune=commune).count())
        record(actor=actor, action="xaso.queue.area.created", obj=area, after={"letter": letter, "name": name})
    return area


def area_update(*, actor, area: ServiceArea, name: str, order: int, active: bool) -> ServiceArea:
    """Rename, reorder, open or close an area. Its letter stays: printed tickets and the day's numbering
    use it. A closed area takes no new tickets; those already waiting are still called."""
    _setup(actor, area.commune)
    name = _clean_name(name)
    with transaction.atomic():
        area = ServiceArea.objects.select_for_update().get(pk=area.pk)
        before = {"name": area.name, "order": area.order, "active": area.active}
        after = {"name": name, "order": int(order), "active": bool(active)}
        if before != after:
            area.name, area.order, area.active = name, after["order"], after["active"]
            area.save(update_fields=["name", "order", "active"])
            record(actor=actor, action="xaso.queue.area.changed", obj=area, before=before, after=after)
    return area


def _clean_counter(commune, number, areas) -> tuple[int, list[ServiceArea]]:
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 99:
        raise ValidationError({"number": _("Counter number: a whole number from 1 to 99.")})
    ids = [int(a.pk if isinstance(a, ServiceArea) else a) for a in areas if str(getattr(a, "pk", a)).isdigit()]
    chosen = list(ServiceArea.objects.filter(commune=commune, pk__in=ids))
    if not chosen:
        raise ValidationError({"areas": _("Service areas: choose at least one area this counter serves.")})
    return number, chosen


def counter_add(*, actor, commune, number, areas, name: str = "") -> Counter:
    _setup(actor, commune)
    number, chosen = _clean_counter(commune, number, areas)
    with transaction.atomic():
        if Counter.objects.filter(commune=commune, number=number).exists():
            raise ValidationError({"number": _("Counter number: counter %(n)s already exists.") % {"n": number}})
        counter = Counter.objects.create(commune=commune, number=number, name=(name or "").strip()[:120])
        counter.areas.set(chosen)
        record(actor=actor, action="xaso.queue.counter.created", obj=counter,
               after={"number": number, "name": counter.name, "areas": sorted(a.letter for a in chosen)})
    return counter


def counter_update(*, actor, counter: Counter, name: str, areas, active: bool) -> Counter:
    """Rename a counter, change the areas it serves, open or close it (its number stays: the board shows it)."""
    _setup(actor, counter.commune)
    _, chosen = _clean_counter(counter.commune, counter.number, areas)
    with transaction.atomic():
        counter = Counter.objects.select_for_update().get(pk=counter.pk)
        before = {"name": counter.name, "active": counter.active,
                  "areas": sorted(a.letter for a in counter.areas.all())}
        after = {"name": (name or "").strip()[:120], "active": bool(active), "areas": sorted(a.letter for a in chosen)}
        if before != after:
            counter.name, counter.active = after["name"], after["active"]
            counter.save(update_fields=["name", "active"])
            counter.areas.set(chosen)
            record(actor=actor, action="xaso.queue.counter.changed", obj=counter, before=before, after=after)
    return counter
