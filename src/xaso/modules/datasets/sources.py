# SPDX-License-Identifier: AGPL-3.0-or-later
"""What xaso already knows: figures a return is pre-filled with instead of re-keyed (DL12 "shared").

A data element names one of these keys in its ``source``; when a commune opens a return, each such element
is filled from the commune's own records for the period, marked as taken from xaso. The official can still
correct a figure (a dossier received on paper before xaso, say); the correction keeps its history.

Each source counts over the period's first and last day, in Vietnam time; ``by_village`` gives the count
per village where the records know their village.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Source:
    label: object
    total: Callable  # (commune, start: date, end: date) -> int
    by_village: Callable | None = None  # (commune, start, end) -> {village_id: int}


def _window(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.datetime.combine(start, datetime.time.min, tz),
            datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tz))


def _dossiers(commune, start, end, **filters) -> int:
    from xaso.modules.dossiers.models import Dossier

    lo, hi = _window(start, end)
    return Dossier.objects.filter(commune=commune, received_at__gte=lo, received_at__lt=hi, **filters).count()


def _dossiers_resolved(commune, start, end) -> int:
    from xaso.modules.dossiers.models import Dossier

    lo, hi = _window(start, end)
    return Dossier.objects.filter(commune=commune, resolved_at__gte=lo, resolved_at__lt=hi).count()


def _reports(commune, start, end, field="created_at"):
    from xaso.modules.reports.models import Report

    lo, hi = _window(start, end)
    return Report.objects.filter(commune=commune, **{f"{field}__gte": lo, f"{field}__lt": hi})


def _per_village(queryset) -> dict[int, int]:
    rows = queryset.exclude(village__isnull=True).values("village").annotate(n=Count("pk")).order_by()
    return {row["village"]: row["n"] for row in rows}


def _petitions(commune, start, end) -> int:
    from xaso.modules.petitions.models import Petition

    lo, hi = _window(start, end)
    return Petition.objects.filter(commune=commune, received_at__gte=lo, received_at__lt=hi).count()


def _villages(commune, start, end) -> int:
    from xaso.core.places.models import Village

    return Village.objects.filter(commune=commune, merged_into__isnull=True).count()


def _villages_with_group(commune, start, end) -> int:
    from xaso.modules.community.models import Group

    lo, hi = _window(start, end)
    return Group.objects.filter(commune=commune, village__merged_into__isnull=True, created_at__lt=hi).count()


def _online(commune, start, end) -> int:
    from xaso.modules.dossiers.models import Channel

    return _dossiers(commune, start, end, channel=Channel.ONLINE)


SOURCES: dict[str, Source] = {
    "dossiers.received": Source(_("Dossiers received in the period"), lambda c, s, e: _dossiers(c, s, e)),
    "dossiers.received_online": Source(_("Dossiers received online in the period"), _online),
    "dossiers.resolved": Source(_("Dossiers resolved in the period"), _dossiers_resolved),
    "reports.received": Source(_("Field reports received in the period"),
                               lambda c, s, e: _reports(c, s, e).count(),
                               lambda c, s, e: _per_village(_reports(c, s, e))),
    "reports.resolved": Source(_("Field reports resolved in the period"),
                               lambda c, s, e: _reports(c, s, e, "resolved_at").count(),
                               lambda c, s, e: _per_village(_reports(c, s, e, "resolved_at"))),
    "petitions.received": Source(_("Petitions received in the period"), _petitions),
    "places.villages": Source(_("Villages and residential groups"), _villages),
    "community.villages_with_group": Source(_("Villages with a community group"), _villages_with_group),
}


def choices() -> list[tuple[str, object]]:
    return [("", _("Typed by the commune"))] + [(key, s.label) for key, s in SOURCES.items()]
