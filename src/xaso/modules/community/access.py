# SPDX-License-Identifier: AGPL-3.0-or-later
"""Who may do what in one village group: the one place the group's pages, services and live socket ask.

Scoping decides which groups a user can find at all (a resident: the groups they are in; an official:
their commune's). Within that, a village head is a commune-scoped user who moderates only the group
of their own village, and a blocked member still reads but no longer posts or reports.
"""

from dataclasses import dataclass

from xaso.core.accounts.permissions import can
from xaso.core.accounts.roles import PEOPLE, Role
from xaso.core.tenancy import ANONYMOUS, scope_for

from .models import Membership

MODERATE = "community.group.moderate"
MANAGE = "community.group.manage"


@dataclass(frozen=True)
class Access:
    read: bool = False
    post: bool = False  # messages, questions, answers, abuse reports
    moderate: bool = False  # announcements, pins, hiding, blocking, deciding abuse reports
    official: bool = False  # an official of the commune: also turns messages into reports or procedures
    blocked: bool = False
    membership: Membership | None = None


NONE = Access()


def access(user, group) -> Access:
    if user is None or scope_for(user) == ANONYMOUS:
        return NONE
    if can(user, MODERATE, group.commune):
        return Access(read=True, post=True, moderate=True, official=True)
    membership = Membership.objects.filter(group=group, user=user, left_at__isnull=True).first()
    if membership is None:
        return NONE
    if membership.role == Membership.Role.HEAD:
        # Named by the commune; a head whose account changed role or commune since is a head no more.
        is_head = user.role == Role.VILLAGE_HEAD and user.commune_id == group.commune_id
        return Access(read=is_head, post=is_head, moderate=is_head, membership=membership)
    if user.role not in PEOPLE:
        return NONE
    blocked = membership.blocked_at is not None
    return Access(read=True, post=not blocked, blocked=blocked, membership=membership)
