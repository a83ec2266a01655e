# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's moves: a ticket is issued at the kiosk, called to a counter, served, or skipped.

Issuing a ticket is not audited: it is an anonymous visitor taking a number, not a change to anyone's
data (the ticket row itself keeps when and where). Every move an official makes is audited.
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


def ticket_issue(*, commune, area: ServiceArea, now: dt.datetime | None = None) -> Ticket:
    if area.commune_id != commune.pk or not area.active:
        raise ValidationError(_("This service area does not take tickets."), code="area")
    now = now or timezone.now()
    day = timezone.localdate(now)
    with transaction.atomic():
        number = sequences.next_number(f"ticket:{commune.pk}:{area.letter}:{day:%Y%m%d}")
        return Ticket.objects.create(commune=commune, area=area, day=day, number=number, issued_at=now)


def _operate(actor, counter: Counter) -> None:
    if not can(actor, "queue.counter.operate", counter.commune):
        raise PermissionDenied("queue.counter.operate")


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update(of=("self",)).select_related("area").get(pk=ticket.pk)


def _refuse(ticket: Ticket, action: str) -> ValidationError:
    return ValidationError(_("Ticket %(label)s is “%(status)s”: it cannot be %(action)s.")
                           % {"label": ticket.label, "status": ticket.get_status_display(), "action": action},
                           code="state")


def ticket_call_next(*, actor, counter: Counter, now: dt.datetime | None = None) -> Ticket:
    """The oldest waiting ticket of an area this counter serves; two counters never get the same one."""
    _operate(actor, counter)
    now = now or timezone.now()
    with transaction.atomic():
        waiting = (Ticket.objects.filter(commune=counter.commune, day=timezone.localdate(now), status=S.WAITING,
                                         area__in=counter.areas.all()).order_by("issued_at", "id"))
        if connection.features.has_select_for_update_skip_locked:
            waiting = waiting.select_for_update(skip_locked=True, of=("self",))
        ticket = waiting.select_related("area").first()
        if ticket is None:
            raise ValidationError(_("Nobody is waiting for this counter."), code="empty")
        ticket.status, ticket.counter, ticket.served_by = S.CALLED, counter, actor
        ticket.called_at, ticket.call_count = now, ticket.call_count + 1
        ticket.save()
        record(actor=actor, action="xaso.queue.ticket.called", obj=ticket,
               after={"ticket": ticket.label, "counter": counter.number})
    return ticket


def ticket_recall(*, actor, ticket: Ticket) -> Ticket:
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.counter is None or ticket.status != S.CALLED:
            raise _refuse(ticket, _("called again"))
        _operate(actor, ticket.counter)
        ticket.call_count += 1
        ticket.save(update_fields=["call_count"])
        record(actor=actor, action="xaso.queue.ticket.recalled", obj=ticket, after={"calls": ticket.call_count})
    return ticket


def _move(actor, ticket: Ticket, *, sources, target, action_label, stamp=None, now=None) -> Ticket:
    now = now or timezone.now()
    with transaction.atomic():
        ticket = _locked(ticket)
        if ticket.counter is None:
            raise _refuse(ticket, action_label)
        _operate(actor, ticket.counter)
        if ticket.status not in sources:
            raise _refuse(ticket, action_label)
        before = ticket.status
        ticket.status = target
        if stamp:
            setattr(ticket, stamp, now)
        ticket.save()
        record(actor=actor, action=f"xaso.queue.ticket.{target}", obj=ticket, before={"status": before},
               after={"status": target})
    return ticket


def ticket_start(*, actor, ticket, now=None) -> Ticket:
    return _move(actor, ticket, sources=(S.CALLED,), target=S.SERVING, action_label=_("served"), stamp="started_at",
                 now=now)


def ticket_finish(*, actor, ticket, now=None) -> Ticket:
    return _move(actor, ticket, sources=(S.SERVING,), target=S.DONE, action_label=_("finished"), stamp="finished_at",
                 now=now)


def ticket_skip(*, actor, ticket, now=None) -> Ticket:
    return _move(actor, ticket, sources=(S.CALLED,), target=S.NO_SHOW, action_label=_("skipped"),
                 stamp="finished_at", now=now)


def ticket_transfer(*, actor, ticket, area: ServiceArea, now=None) -> Ticket:
    """Send the person to another area: a new ticket there, keeping their place by the time they came."""
    now = now or timezone.now()
    with transaction.atomic():
        old = _move(actor, ticket, sources=(S.CALLED, S.SERVING), target=S.TRANSFERRED,
                    action_label=_("transferred"), stamp="finished_at", now=now)
        if area.commune_id != old.commune_id or area.pk == old.area_id:
            raise ValidationError(_("Choose another service area of this center."), code="area")
        number = sequences.next_number(f"ticket:{old.commune_id}:{area.letter}:{old.day:%Y%m%d}")
        return Ticket.objects.create(commune_id=old.commune_id, area=area, day=old.day, number=number,
                                     issued_at=old.issued_at, transferred_from=old)


def area_add(*, actor, commune, letter: str, name: str) -> ServiceArea:
    if not can(actor, "queue.setup.manage", commune):
        raise PermissionDenied("queue.setup.manage")
    letter, name = letter.strip().upper(), name.strip()
    if not (1 <= len(letter) <= 2 and letter.isalpha()) or not name:
        raise ValidationError(_("Give the area a letter (A–Z) and a name."), code="area")
    with transaction.atomic():
        if ServiceArea.objects.filter(commune=commune, letter=letter).exists():
            raise ValidationError(_("Another area already uses the letter %(letter)s.") % {"letter": letter})
        area = ServiceArea.objects.create(commune=commune, letter=letter, name=name,
                                          order=ServiceArea.objects.filter(commune=commune).count())
        record(actor=actor, action="xaso.queue.area.created", obj=area, after={"letter": letter, "name": name})
    return area


def counter_add(*, actor, commune, number, areas) -> Counter:
    if not can(actor, "queue.setup.manage", commune):
        raise PermissionDenied("queue.setup.manage")
    try:
        number = int(number)
        assert 1 <= number <= 99
    except (TypeError, ValueError, AssertionError):
        raise ValidationError(_("A counter number is a whole number from 1 to 99."), code="number") from None
    chosen = list(ServiceArea.objects.filter(commune=commune, pk__in=[a for a in areas if str(a).isdigit()]))
    if not chosen:
        raise ValidationError(_("Choose the service areas this counter serves."), code="areas")
    with transaction.atomic():
        if Counter.objects.filter(commune=commune, number=number).exists():
            raise ValidationError(_("Counter %(n)s already exists.") % {"n": number})
        counter = Counter.objects.create(commune=commune, number=number)
        counter.areas.set(chosen)
        record(actor=actor, action="xaso.queue.counter.created", obj=counter,
               after={"number": number, "areas": [a.letter for a in chosen]})
    return counter
