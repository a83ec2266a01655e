# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of petitions: the public's (published answers, never the petitioner), the petitioner's own (by
account or by token) and the officials'."""

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from xaso.core import tenancy
from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune
from xaso.core.text import fold

from .models import OPEN, Attachment, DeadlineRule, Petition, Status
from .workflow import HANDLE, VIEW

# The fields a public page may read: nothing that names or reaches the petitioner, nor the petition's own
# words (which may: a petitioner writes about themselves), only its subject, its topic and the answer.
PUBLIC_FIELDS = ("code", "commune_id", "topic", "subject", "answer", "received_at", "answered_at", "published_at")


def commune(code: str) -> Commune:
    return get_object_or_404(Commune, pk=code)


def commune_for_official(*, user, commune_code: str) -> Commune:
    found = commune(commune_code)
    if not can(user, VIEW, found):
        raise Http404
    return found


def published(*, commune, query: str = ""):
    qs = (Petition.objects.filter(commune=commune, status=Status.PUBLISHED).only(*PUBLIC_FIELDS)
          .order_by("-published_at"))
    words = fold(query).split()
    for word in words[:8]:
        qs = qs.filter(folded_public__contains=word)
    return qs


def published_one(code: str) -> Petition:
    return get_object_or_404(Petition.objects.filter(status=Status.PUBLISHED).only(*PUBLIC_FIELDS), code=code)


def mine(*, user):
    return Petition.objects.filter(petitioner=user).select_related("commune").order_by("-received_at")


def by_token(token: str) -> Petition:
    """The petition whose token this is, whoever asks: holding the token is what a petitioner without an
    account has. A deliberate read across the scope (an anonymous visitor's scope sees published ones only)."""
    with tenancy.unscoped():
        return get_object_or_404(Petition.objects.select_related("commune", "accept_rule", "answer_rule"),
                                 token=token)


def work_list(*, user, commune, view: str = "open"):
    qs = Petition.objects.filter(commune=commune).select_related("assignee")
    today = timezone.localdate()
    if view == "mine":
        qs = qs.filter(assignee=user, status__in=OPEN)
    elif view == "overdue":
        qs = qs.overdue(today)
    elif view == "open":
        qs = qs.filter(Q(status__in=OPEN) | Q(status=Status.ANSWERED))
    return qs.order_by("due_date", "received_at")


def petition_for_official(*, user, commune, code: str) -> Petition:
    return get_object_or_404(
        Petition.objects.select_related("assignee", "accept_rule", "answer_rule", "petitioner"),
        commune=commune, code=code)


def assignees(commune):
    people = User.objects.filter(commune=commune, is_active=True)
    return User.objects.filter(pk__in=[u.pk for u in people if can(u, HANDLE, commune)]).order_by("full_name")


def rules(*, province_id: str | None):
    """The rules a province's petitions follow: its own and the national ones, newest version first."""
    return (DeadlineRule.objects.filter(Q(province_id=province_id) | Q(province__isnull=True))
            .select_related("province").order_by("kind", "stage", "-effective_from", "province_id"))


def attachments_for_holder(petition) -> list:
    """The files of a petition found by its token (the holder's scope does not reach them: a deliberate read)."""
    with tenancy.unscoped():
        return list(Attachment.objects.filter(petition=petition).select_related("file"))
