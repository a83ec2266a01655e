# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of dossiers across a permission line: the officer's inbox, the applicant's own, the public look-up."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.utils import timezone

from xaso.core import tenancy
from xaso.core.accounts.permissions import can
from xaso.core.clock.calendar import calendar_for

from .models import CLOCK_RUNNING, OPEN, RESOLVED, Channel, Dossier, DossierStep, Paper, Status

DUE_SOON_DAYS = 2  # working days: what "due soon" means on every list


def dossier_for_official(*, user, commune, code: str) -> Dossier:
    if not can(user, "dossiers.dossier.view", commune):
        raise Http404
    dossier = (Dossier.objects.filter(commune=commune, code=code)
               .select_related("procedure", "assignee", "commune", "ticket").first())
    if dossier is None:
        raise Http404
    return dossier


def dossier_for_applicant(*, user, code: str) -> Dossier:
    dossier = Dossier.objects.filter(code=code, applicant=user).select_related("procedure", "commune").first()
    if dossier is None or not user.is_authenticated:
        raise Http404
    return dossier


def dossier_lookup(*, code: str, secret: str) -> Dossier | None:
    """The public look-up: the code and the last 4 digits of the applicant's phone or identification number.

    A wrong pair and an unknown code answer the same (None), so the page cannot be used to learn which
    codes exist; the view rate-limits attempts.
    """
    secret = "".join(ch for ch in secret if ch.isdigit())
    if len(secret) < 4 or not code:
        return None
    with tenancy.unscoped():  # the pair of code and secret is the permission
        # Two queries: the dossier by its unique code with its procedure, then its steps (prefetched, so
        # the page and the API read them from memory). The code is unique: no ordering is needed.
        # Only the columns the public may see (and the two the digits are checked against): a narrow
        # SELECT is most of what makes this page cheap among a million dossiers.
        steps = DossierStep.objects.order_by("at", "id").only("dossier_id", "transition", "to_state", "at")
        found = list(Dossier.objects.filter(code=code.strip()).select_related("procedure").order_by()
                     .only("code", "status", "due_date", "applicant_id_number", "applicant_phone", "procedure__name")
                     .prefetch_related(Prefetch("steps", queryset=steps))[:1])
    if not found:
        return None
    dossier = found[0]
    digits = [dossier.applicant_id_number, "".join(ch for ch in dossier.applicant_phone if ch.isdigit())]
    if not any(d and d.endswith(secret[-4:]) for d in digits):
        return None
    return dossier


def soon_limit(commune, today: date) -> date:
    return calendar_for(commune.province_id).add_working_days(today, DUE_SOON_DAYS)


def inbox(*, user, commune, view: str = "open", today: date | None = None):
    """An official's work list, oldest appointment first. ``view``: open, mine, overdue, due_soon, all."""
    if not can(user, "dossiers.dossier.view", commune):
        raise Http404
    today = today or timezone.localdate()
    qs = Dossier.objects.filter(commune=commune)
    if view == "mine":
        qs = qs.filter(assignee=user, status__in=OPEN)
    elif view == "overdue":
        qs = qs.overdue(today)
    elif view == "due_soon":
        qs = qs.due_by(today, soon_limit(commune, today))
    elif view == "open":
        qs = qs.filter(status__in=OPEN)
    return qs.select_related("procedure", "assignee").order_by("due_date", "received_at", "id")


def dossiers_of_applicant(*, user):
    return Dossier.objects.filter(applicant=user).select_related("procedure", "commune").order_by("-received_at")


def papers_of(*, user):
    """The person's e-data store: their digitised papers and results."""
    return Paper.objects.filter(owner=user).select_related("file", "source").order_by("-created_at")


def reusable_papers(*, commune, id_number: str = "", owner=None, today: date | None = None):
    """Valid papers offered instead of a new upload: online the account's own, at the counter the person's."""
    today = today or timezone.localdate()
    qs = Paper.objects.filter(commune=commune).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    if owner is not None:
        qs = qs.filter(owner=owner)
    elif id_number:
        qs = qs.filter(owner_id_number=id_number)
    else:
        return Paper.objects.none()
    return qs.order_by("title", "-created_at")


def monthly_report(*, user, commune, year: int, month: int, today: date | None = None) -> list[dict]:
    """Per procedure: received this month, resolved on time and late, pending, online share.

    One grouped query; "on time" compares the day the result was ready with the appointment date.
    """
    if not can(user, "dossiers.report.view", commune):
        raise Http404
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    # Bounds as local midnights, so the indexes on received_at and due_date serve the query.
    since, until = (timezone.make_aware(datetime.combine(d, time.min)) for d in (start, end))
    received = Q(received_at__gte=since, received_at__lt=until)
    resolved = Q(resolved_at__gte=since, resolved_at__lt=until, status__in=RESOLVED)
    # "On time": the result was ready on or before the appointment day.
    on_time = Q(resolved_on__lte=F("due_date"))
    today = today or timezone.localdate()
    rows = (Dossier.objects.filter(commune=commune).filter(received | resolved | Q(status__in=OPEN))
            .values("procedure__code", "procedure__name")
            .annotate(
                received=Count("id", filter=received),
                online=Count("id", filter=received & Q(channel=Channel.ONLINE)),
                resolved_on_time=Count("id", filter=resolved & on_time),
                resolved_late=Count("id", filter=resolved & ~on_time),
                pending=Count("id", filter=Q(status__in=OPEN, received_at__lt=until) & ~Q(status__in=RESOLVED)),
                overdue=Count("id", filter=Q(status__in=CLOCK_RUNNING, due_date__lt=min(end, today))),
            ).order_by("procedure__code"))
    report = []
    for row in rows:
        report.append({
            "procedure": row["procedure__code"], "name": row["procedure__name"], "received": row["received"],
            "resolved_on_time": row["resolved_on_time"], "resolved_late": row["resolved_late"],
            "pending": row["pending"], "overdue": row["overdue"],
            "online_share": round(100 * row["online"] / row["received"], 1) if row["received"] else 0.0,
        })
    return report


def overview(*, user, commune, today: date | None = None) -> dict:
    """The chairperson's picture: counts by status, overdue and due soon, by assignee."""
    if not can(user, "dossiers.dossier.view", commune):
        raise Http404
    today = today or timezone.localdate()
    qs = Dossier.objects.filter(commune=commune)
    by_status = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {
        "by_status": [(Status(s).label, by_status.get(s, 0)) for s in Status.values if by_status.get(s)],
        "overdue": qs.overdue(today).count(),
        "due_soon": qs.due_by(today, soon_limit(commune, today)).count(),
        "by_assignee": list(qs.filter(status__in=OPEN, assignee__isnull=False)
                            .values("assignee__full_name", "assignee__username")
                            .annotate(open=Count("id"), overdue=Count("id", filter=Q(status__in=CLOCK_RUNNING,
                                                                                      due_date__lt=today)))
                            .order_by("-overdue", "-open")),
    }
