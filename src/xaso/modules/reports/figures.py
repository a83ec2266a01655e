# SPDX-License-Identifier: AGPL-3.0-or-later
"""Figures of a commune's field reports over a period: counts by category, village and status, the median
time to resolve, and the share resolved by their date (the measures FixMyStreet and Signalen publish)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from statistics import median

from django.utils import timezone

from .models import Report, Status

SOLVED = (Status.RESOLVED, Status.CLOSED)


@dataclass(frozen=True)
class Figures:
    total: int
    by_category: list[tuple[str, int]]
    by_village: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    resolved: int
    median_days: float | None  # calendar days from filing to resolution, resolved reports only
    on_time_share: float | None  # resolved by their date, among the resolved


def figures(*, commune, start: date, end: date) -> Figures:
    """Reports filed from ``start`` to ``end`` (both included), duplicates left out."""
    reports = list(Report.objects.filter(commune=commune, created_at__date__gte=start, created_at__date__lte=end)
                   .exclude(status=Status.DUPLICATE).select_related("category", "village"))
    solved = [r for r in reports if r.status in SOLVED and r.resolved_at is not None]
    days = [(r.resolved_at - r.created_at).total_seconds() / 86400 for r in solved]
    on_time = [r for r in solved if r.due_date is None or timezone.localdate(r.resolved_at) <= r.due_date]
    labels = dict(Status.choices)
    return Figures(
        total=len(reports),
        by_category=Counter(r.category.name for r in reports).most_common(),
        by_village=Counter(str(r.village) if r.village_id else "—" for r in reports).most_common(),
        by_status=[(str(labels[s]), n) for s, n in Counter(r.status for r in reports).most_common()],
        resolved=len(solved),
        median_days=round(median(days), 1) if days else None,
        on_time_share=round(len(on_time) / len(solved), 3) if solved else None,
    )
