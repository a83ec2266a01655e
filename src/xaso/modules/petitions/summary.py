# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly summary of a commune's petitions, by topic and by channel.

For one month: received (in it), answered (in it), of those answered on time (on or before their date) and
late, overdue (unanswered past their date at the month's end, or today for the current month), forwarded and
returned (in it). A petition counts in every column its month's events put it in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.db.models import Q
from django.utils import timezone

from .models import ANSWERED, OPEN, Channel, Petition, Status, Topic

COLUMNS = ("received", "answered", "on_time", "late", "overdue", "forwarded", "returned")


@dataclass
class Row:
    key: str
    label: str
    counts: dict = field(default_factory=lambda: dict.fromkeys(COLUMNS, 0))


def _bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + (month == 12), month % 12 + 1, 1)


def monthly(*, commune, year: int, month: int, today: date | None = None) -> dict[str, list[Row]]:
    """{"topic": rows, "channel": rows}; each list ends with the total row (key "total")."""
    start, end = _bounds(year, month)
    since, until = (timezone.make_aware(datetime.combine(d, time.min)) for d in (start, end))
    today = today or timezone.localdate()
    # Overdue as at the end of the month, or as at today while the month runs (the work list's sense).
    cutoff = min(end, today)
    in_month = Q(received_at__gte=since, received_at__lt=until)
    answered = Q(answered_at__gte=since, answered_at__lt=until)
    ended = Q(ended_at__gte=since, ended_at__lt=until)
    still_open = Q(received_at__lt=until, status__in=OPEN) | Q(answered_at__gte=until) | Q(ended_at__gte=until)
    petitions = list(Petition.objects.filter(commune=commune).filter(in_month | answered | ended | still_open))
    tables = {}
    for by, choices in (("topic", Topic), ("channel", Channel)):
        rows = {key: Row(key, str(label)) for key, label in choices.choices}
        total = Row("total", "")
        for p in petitions:
            for c in _columns(p, since, until, cutoff):
                rows[getattr(p, by)].counts[c] += 1
                total.counts[c] += 1
        tables[by] = [*rows.values(), total]
    return tables


def _columns(p: Petition, since, until, cutoff: date) -> list[str]:
    found = []
    if since <= p.received_at < until:
        found.append("received")
    if p.answered_at and since <= p.answered_at < until and p.status in ANSWERED:
        found.append("answered")
        found.append("on_time" if timezone.localdate(p.answered_at) <= p.due_date else "late")
    if p.ended_at and since <= p.ended_at < until:
        found.append("forwarded" if p.status == Status.FORWARDED else "returned")
    # Unanswered at the end of the month (or now), past its date: overdue then.
    unsettled_then = p.received_at < until and not (
        (p.answered_at and p.answered_at < until) or (p.ended_at and p.ended_at < until))
    if unsettled_then and p.due_date < cutoff:
        found.append("overdue")
    return found
