# SPDX-License-Identifier: AGPL-3.0-or-later
"""Village channels (nhóm cộng đồng số thôn, bản, tổ dân phố): one group per village, where the commune's
officials and the village head post announcements and residents ask questions and talk.

Residents join with the group's code, which the village head shares; officials of the commune are in
every group of their commune by role, the village head in their village's group by a head membership.
See docs/decisions/0023-village-channels.md.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.tenancy import CommuneOwned

BODY_MAX = 2000  # characters in one message: a long notice is a document, not a chat message


def join_code() -> str:
    # Ten characters from 32 letters and digits people can read aloud at a village meeting (no 0/O, 1/I).
    return "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(10))


class Group(CommuneOwned):
    commune = models.ForeignKey("places.Commune", on_delete=models.PROTECT, related_name="village_groups")
    village = models.OneToOneField("places.Village", on_delete=models.PROTECT, related_name="community_group",
                                   verbose_name=_("village"))
    code = models.CharField(_("joining code"), max_length=12, unique=True, default=join_code)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village group")
        ordering = ("village__name",)

    def __str__(self) -> str:
        return self.village.name

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(memberships__user_id=user_id, memberships__left_at__isnull=True)


class Membership(CommuneOwned):
    """A resident in the group (joined with its code), or the village head (named by the commune)."""

    class Role(models.TextChoices):
        RESIDENT = "resident", pgettext_lazy("village group", "Resident")
        HEAD = "head", pgettext_lazy("village group", "Village head")

    commune_path = "group__commune"
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="village_memberships")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.RESIDENT)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # Blocked from posting and reporting (still reads): kept when the member leaves and joins again.
    blocked_at = models.DateTimeField(_("blocked at"), null=True, blank=True)
    blocked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    block_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("group member")
        ordering = ("role", "joined_at")
        constraints = [models.UniqueConstraint(fields=["group", "user"], name="community_member_once")]

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(user_id=user_id)

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class Kind(models.TextChoices):
    ANNOUNCEMENT = "announcement", pgettext_lazy("village group", "Announcement")
    QUESTION = "question", pgettext_lazy("village group", "Question")
    ANSWER = "answer", pgettext_lazy("village group", "Answer")
    POST = "post", pgettext_lazy("village group", "Message")


class Message(CommuneOwned):
    commune_path = "group__commune"
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField(max_length=150)  # as shown when it was posted
    by_official = models.BooleanField(default=False)  # posted by an official or the village head: marked so
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.POST)
    body = models.TextField(_("message"))
    answer_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="answers")
    pinned = models.BooleanField(_("pinned"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # Hidden by a moderator: gone for residents, kept (greyed, with the reason) for moderators.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    # What an official made of it: a field report (the resident is its reporter) or a procedure's page.
    report = models.ForeignKey("reports.Report", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="village_messages")
    procedure = models.ForeignKey("procedures.Procedure", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    version = models.PositiveIntegerField(default=0)  # bumped by each change, so a live update is never stale

    class Meta:
        verbose_name = _("group message")
        ordering = ("created_at", "pk")
        indexes = [models.Index(fields=["group", "created_at"], name="community_message_stream")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        # A resident reads what is not hidden in the groups they are in.
        return Q(group__memberships__user_id=user_id, group__memberships__left_at__isnull=True,
                 hidden_at__isnull=True)

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Receipt(CommuneOwned):
    """A member saw an announcement (the officials see how many of the group did)."""

    commune_path = "message__group__commune"
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="community_read_once")]

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(user_id=user_id)


class Flag(CommuneOwned):
    """A member reported a message as abusive: it waits in the moderators' queue until decided."""

    class Outcome(models.TextChoices):
        HIDDEN = "hidden", pgettext_lazy("village group", "Message hidden")
        DISMISSED = "dismissed", pgettext_lazy("village group", "Dismissed")

    commune_path = "message__group__commune"
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)

    class Meta:
        verbose_name = _("abuse report")
        ordering = ("created_at",)
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="community_flag_once")]

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return Q(reporter_id=user_id)
