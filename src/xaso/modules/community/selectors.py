# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of village groups, each for one user: what they may see of a group decides what comes back."""

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404

from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune, Village
from xaso.modules.reports.models import Category

from .access import MANAGE, MODERATE, Access, access
from .models import Flag, Group, Kind, Membership, Message

STREAM_LENGTH = 200  # the newest messages a page shows; older ones stay in the database


def group_for(*, user, group_id: int) -> tuple[Group, Access]:
    """The group and what the user may do in it; 404 for whoever may not read it."""
    group = get_object_or_404(Group.objects.select_related("village", "commune"), pk=group_id)
    rights = access(user, group)
    if not rights.read:
        raise Http404
    return group, rights


def commune_for_officials(*, user, commune_code: str) -> Commune:
    commune = get_object_or_404(Commune, pk=commune_code)
    if not (can(user, MODERATE, commune) or can(user, MANAGE, commune)):
        raise Http404
    return commune


def _messages(group: Group, rights: Access):
    qs = Message.objects.filter(group=group).select_related("answer_to", "report", "procedure")
    if not rights.moderate:
        qs = qs.filter(hidden_at__isnull=True)
    else:
        qs = qs.annotate(read_count=Count("receipts", distinct=True),
                         open_flags=Count("flags", filter=Q(flags__decided_at__isnull=True), distinct=True))
    return qs


def stream(*, group: Group, rights: Access) -> list[Message]:
    """The newest messages, oldest first (as a chat reads)."""
    newest = _messages(group, rights).order_by("-created_at", "-pk")[:STREAM_LENGTH]
    return list(reversed(newest))


def pinned(*, group: Group, rights: Access) -> list[Message]:
    return list(_messages(group, rights).filter(kind=Kind.ANNOUNCEMENT, pinned=True, hidden_at__isnull=True)
                .order_by("-created_at"))


def message_for(*, group: Group, rights: Access, message_id: int) -> Message | None:
    """One message of the group as this user sees it (None: gone for them, e.g. hidden from a resident)."""
    return _messages(group, rights).filter(pk=message_id).first()


def message_in(*, group: Group, rights: Access, message_id) -> Message:
    found = message_for(group=group, rights=rights, message_id=message_id)
    if found is None:
        raise Http404
    return found


def member_count(group: Group) -> int:
    return Membership.objects.filter(group=group, left_at__isnull=True).count()


def members(group: Group):
    return Membership.objects.filter(group=group, left_at__isnull=True).select_related("user", "blocked_by")


def my_groups(*, user):
    return (Membership.objects.filter(user=user, left_at__isnull=True)
            .select_related("group__village", "group__commune").order_by("group__village__name"))


def villages_with_groups(*, commune: Commune) -> list[tuple[Village, Group | None]]:
    groups = {g.village_id: g for g in Group.objects.filter(commune=commune).annotate(
        members=Count("memberships", filter=Q(memberships__left_at__isnull=True)))}
    return [(v, groups.get(v.pk)) for v in Village.objects.filter(commune=commune, merged_into__isnull=True)]


def open_flags(*, commune: Commune):
    """The moderation queue: messages reported as abusive and not yet decided, oldest report first."""
    return (Flag.objects.filter(message__group__commune=commune, decided_at__isnull=True)
            .select_related("message__group__village", "reporter").order_by("created_at"))


def village_heads(commune: Commune):
    return User.objects.filter(commune=commune, role=Role.VILLAGE_HEAD, is_active=True).order_by("full_name")


def categories(*, group: Group, rights: Access) -> list[Category]:
    """The field-report categories an official may turn a message into (none for anyone else)."""
    return list(Category.objects.filter(commune=group.commune, active=True)) if rights.official else []
