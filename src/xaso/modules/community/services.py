# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on village groups: opening them, joining, posting, moderating, and turning a resident's message
into a field report or pointing it to a procedure.

Each write checks ``access.access`` (or a commune verb), runs in one transaction, leaves an audit event
and, after commit, pushes the changed message to the group's open pages (live.py).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xaso.core import tenancy
from xaso.core.accounts.permissions import require
from xaso.core.accounts.roles import PEOPLE, Role
from xaso.core.audit.services import record
from xaso.core.notify.services import notify
from xaso.core.places.models import Village

from . import live
from .access import MANAGE, access
from .models import BODY_MAX, Flag, Group, Kind, Membership, Message, Receipt, join_code

REASON_MAX = 300


# --- Groups and members ----------------------------------------------------------------------------------

def group_open(*, actor, village: Village) -> Group:
    """The village's group, opened now if it has none (the same group on every later call)."""
    require(actor, MANAGE, village.commune)
    if not village.is_active:
        raise ValidationError(_("This village was merged into another; open the group of that one."),
                              code="village")
    with transaction.atomic():
        group, created = Group.objects.get_or_create(village=village, defaults={"commune": village.commune})
        if created:
            record(actor=actor, action="xaso.community.group.opened", obj=group,
                   after={"village": village.pk})
    return group


def groups_open_all(*, actor, commune) -> int:
    """A group for every active village of the commune that has none; returns how many were opened."""
    require(actor, MANAGE, commune)
    missing = Village.objects.filter(commune=commune, merged_into__isnull=True, community_group__isnull=True)
    opened = 0
    with transaction.atomic():
        for village in missing:
            group_open(actor=actor, village=village)
            opened += 1
    return opened


def group_new_code(*, actor, group: Group) -> Group:
    """A new joining code (the old one was shared too widely); members stay members."""
    if not access(actor, group).moderate:
        raise PermissionDenied("community.group.code")
    with transaction.atomic():
        group.code = join_code()
        group.save(update_fields=["code"])
        record(actor=actor, action="xaso.community.group.code_changed", obj=group)
    return group


def head_appoint(*, actor, group: Group, user) -> Membership:
    """Name the village head of the group's village: a village-head account of the same commune. The
    previous head of this group, if any, stops being its head."""
    require(actor, MANAGE, group.commune)
    if user.role != Role.VILLAGE_HEAD or user.commune_id != group.commune_id or not user.is_active:
        raise ValidationError(_("Choose a village head of this commune."), code="head")
    with transaction.atomic():
        now = timezone.now()
        for old in Membership.objects.select_for_update().filter(group=group, role=Membership.Role.HEAD,
                                                                 left_at__isnull=True).exclude(user=user):
            old.left_at = now
            old.save(update_fields=["left_at"])
        membership, _created = Membership.objects.update_or_create(
            group=group, user=user, defaults={"role": Membership.Role.HEAD, "left_at": None, "blocked_at": None})
        record(actor=actor, action="xaso.community.group.head_appointed", obj=group, after={"user": user.pk})
    return membership


def member_join(*, actor, code: str) -> Membership:
    """A resident joins the group whose code the village head gave them (joining again after leaving keeps
    an earlier block)."""
    if actor is None or not actor.is_authenticated or actor.role not in PEOPLE:
        raise ValidationError(_("Only residents join a village group with its code; officials are in their "
                                "commune's groups already."), code="who")
    # The code is the key: a resident cannot see a group before joining it, so this read crosses the scope.
    with tenancy.unscoped():
        group = Group.objects.select_related("village", "commune").filter(code=code.strip().upper()).first()
    if group is None:
        raise ValidationError(_("No village group has this code. Check it with your village head."), code="code")
    with transaction.atomic():
        membership, created = Membership.objects.select_for_update().get_or_create(group=group, user=actor)
        if created or membership.left_at is not None:
            membership.left_at = None
            membership.save(update_fields=["left_at"])
            record(actor=actor, action="xaso.community.member.joined", obj=membership,
                   commune_id=group.commune_id, after={"group": group.pk})
    return membership


def member_leave(*, actor, group: Group) -> None:
    membership = access(actor, group).membership
    if membership is None:
        raise PermissionDenied("community.member.leave")
    with transaction.atomic():
        membership.left_at = timezone.now()
        membership.save(update_fields=["left_at"])
        record(actor=actor, action="xaso.community.member.left", obj=membership, commune_id=group.commune_id)


def member_block(*, actor, membership: Membership, reason: str) -> Membership:
    """Stop a resident posting in the group (Decidim's block); they still read it."""
    if not access(actor, membership.group).moderate:
        raise PermissionDenied("community.member.block")
    if membership.role != Membership.Role.RESIDENT:
        raise ValidationError(_("Only residents can be blocked."), code="role")
    reason = _reason(reason)
    with transaction.atomic():
        membership.blocked_at, membership.blocked_by, membership.block_reason = timezone.now(), actor, reason
        membership.save(update_fields=["blocked_at", "blocked_by", "block_reason"])
        record(actor=actor, action="xaso.community.member.blocked", obj=membership,
               commune_id=membership.group.commune_id, after={"reason": reason})
    return membership


def member_unblock(*, actor, membership: Membership) -> Membership:
    if not access(actor, membership.group).moderate:
        raise PermissionDenied("community.member.unblock")
    with transaction.atomic():
        membership.blocked_at, membership.blocked_by, membership.block_reason = None, None, ""
        membership.save(update_fields=["blocked_at", "blocked_by", "block_reason"])
        record(actor=actor, action="xaso.community.member.unblocked", obj=membership,
               commune_id=membership.group.commune_id)
    return membership


# --- Messages --------------------------------------------------------------------------------------------

def _body(text: str) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationError(_("Write a message."), code="body")
    if len(body) > BODY_MAX:
        raise ValidationError(_("A message has at most %(max)d characters; this one has %(n)d. Shorten it or "
                                "split it in two.") % {"max": BODY_MAX, "n": len(body)}, code="body")
    return body


def _reason(text: str) -> str:
    reason = " ".join((text or "").split())
    if not reason:
        raise ValidationError(_("Give the reason."), code="reason")
    if len(reason) > REASON_MAX:
        raise ValidationError(_("The reason has at most %(max)d characters.") % {"max": REASON_MAX}, code="reason")
    return reason


def message_post(*, actor, group: Group, kind: str, body: str, answer_to: Message | None = None,
                 pinned: bool = False) -> Message:
    """A message in the group: announcements (pinned or not) by moderators only; an answer names the
    question it answers, and the one who asked is told."""
    rights = access(actor, group)
    if not rights.read:
        raise PermissionDenied("community.message.post")
    if rights.blocked:
        raise ValidationError(_("You were blocked from posting in this group."), code="blocked")
    if kind not in Kind.values:
        raise ValidationError(_("Choose what kind of message this is."), code="kind")
    if kind == Kind.ANNOUNCEMENT and not rights.moderate:
        raise ValidationError(_("Only the commune's officials and the village head post announcements."),
                              code="kind")
    if kind == Kind.ANSWER:
        if answer_to is None or answer_to.group_id != group.pk or answer_to.kind != Kind.QUESTION \
                or answer_to.is_hidden:
            raise ValidationError(_("Choose the question this answers."), code="answer_to")
    else:
        answer_to = None
    body = _body(body)
    with transaction.atomic():
        message = Message.objects.create(
            group=group, author=actor, author_name=str(actor), by_official=rights.moderate, kind=kind, body=body,
            answer_to=answer_to, pinned=pinned and kind == Kind.ANNOUNCEMENT)
        record(actor=actor, action=f"xaso.community.message.{kind}", obj=message, commune_id=group.commune_id,
               after={"group": group.pk, "pinned": message.pinned,
                      "answer_to": answer_to.pk if answer_to else None, "length": len(body)})
        if answer_to is not None and answer_to.author_id and answer_to.author_id != actor.pk:
            with translation.override("vi"):
                notify(key=f"community:answer:{message.pk}", recipient=answer_to.author,
                       subject=_("Your question in the group of %(village)s was answered") % {
                           "village": group.village.name},
                       body=body[:500], link=_link(message))
        live.changed(message)
    return message


def _link(message: Message) -> str:
    return reverse("community:group", args=[message.group_id]) + f"#m-{message.pk}"


def _moderated(actor, message: Message, name: str, change, after: dict | None = None) -> Message:
    """One moderator's change of a message, locked, versioned, audited and pushed live."""
    if not access(actor, message.group).moderate:
        raise PermissionDenied(f"community.message.{name}")
    with transaction.atomic():
        locked = Message.objects.select_for_update().get(pk=message.pk)
        change(locked)
        locked.version += 1
        locked.save()
        record(actor=actor, action=f"xaso.community.message.{name}", obj=locked,
               commune_id=message.group.commune_id, after=after)
        live.changed(locked)
    return locked


def message_hide(*, actor, message: Message, reason: str) -> Message:
    """Hidden from residents (moderators still see it, with the reason); its open abuse reports are decided."""
    reason = _reason(reason)

    def change(m):
        m.hidden_at, m.hidden_by, m.hidden_reason, m.pinned = timezone.now(), actor, reason, False
        m.flags.filter(decided_at__isnull=True).update(decided_at=m.hidden_at, decided_by=actor,
                                                       outcome=Flag.Outcome.HIDDEN)

    return _moderated(actor, message, "hidden", change, after={"reason": reason})


def message_unhide(*, actor, message: Message) -> Message:
    def change(m):
        m.hidden_at, m.hidden_by, m.hidden_reason = None, None, ""

    return _moderated(actor, message, "unhidden", change)


def message_pin(*, actor, message: Message, pinned: bool) -> Message:
    if message.kind != Kind.ANNOUNCEMENT or (pinned and message.is_hidden):
        raise ValidationError(_("Only announcements are pinned."), code="pinned")

    def change(m):
        m.pinned = pinned

    return _moderated(actor, message, "pinned" if pinned else "unpinned", change)


def flags_dismiss(*, actor, message: Message) -> Message:
    """The reports of abuse were looked at and the message stays."""
    def change(m):
        m.flags.filter(decided_at__isnull=True).update(decided_at=timezone.now(), decided_by=actor,
                                                       outcome=Flag.Outcome.DISMISSED)

    return _moderated(actor, message, "flags_dismissed", change)


def message_flag(*, actor, message: Message, reason: str) -> Flag:
    """A member reports a message as abusive; it goes to the moderators' queue (once per member)."""
    rights = access(actor, message.group)
    if not rights.read or message.is_hidden and not rights.moderate:
        raise PermissionDenied("community.message.flag")
    if rights.blocked:
        raise ValidationError(_("You were blocked from posting in this group."), code="blocked")
    reason = _reason(reason)
    with transaction.atomic():
        if Flag.objects.filter(message=message, reporter=actor).exists():
            raise ValidationError(_("You already reported this message; the moderators will look at it."),
                                  code="again")
        flag = Flag.objects.create(message=message, reporter=actor, reason=reason)
        record(actor=actor, action="xaso.community.message.flagged", obj=flag,
               commune_id=message.group.commune_id, after={"message": message.pk, "reason": reason})
    return flag


# --- Links to the rest of the commune's work -------------------------------------------------------------

def _linkable(actor, message: Message) -> None:
    if not access(actor, message.group).official:
        raise PermissionDenied("community.message.link")
    if message.kind not in (Kind.QUESTION, Kind.POST) or message.by_official or message.author_id is None:
        raise ValidationError(_("Only a resident's message or question can be turned into this."), code="kind")
    if message.is_hidden:
        raise ValidationError(_("This message is hidden."), code="hidden")


def message_to_report(*, actor, message: Message, category):
    """A field report from a resident's message: the resident is its reporter (and follows it as one), the
    place is their village, and the message keeps the link to it. Once per message."""
    from xaso.modules.reports import services as reports

    _linkable(actor, message)
    if message.report_id:
        raise ValidationError(_("This message is already a field report."), code="report")
    group = message.group
    with transaction.atomic():
        report = reports.report_file(
            actor=message.author, commune=group.commune, category=category, description=message.body,
            place=reports.Place(village=group.village), reporter=reports.Reporter(),
            idempotency_key=f"community-message-{message.pk}")

        def change(m):
            m.report = report

        message = _moderated(actor, message, "reported", change, after={"report": report.code})
    return message


def message_to_procedure(*, actor, message: Message, procedure) -> Message:
    """Point a resident's question to the procedure that answers it; they are told, with the link."""
    _linkable(actor, message)

    def change(m):
        m.procedure = procedure

    with transaction.atomic():
        message = _moderated(actor, message, "procedure", change, after={"procedure": procedure.code})
        with translation.override("vi"):
            notify(key=f"community:procedure:{message.pk}:{message.version}", recipient=message.author,
                   subject=_("About your message in the group of %(village)s") % {
                       "village": message.group.village.name},
                   body=_("The commune pointed it to the procedure %(name)s.") % {"name": procedure.name},
                   link=reverse("procedures:guide", args=[procedure.code]))
    return message


# --- Read receipts ---------------------------------------------------------------------------------------

def announcements_read(*, actor, group: Group) -> None:
    """The member saw the group's announcements: one receipt each, the first time (officials' views are not
    counted; the receipts are the record, so no audit event is written for a read)."""
    rights = access(actor, group)
    if rights.membership is None or not rights.read:
        return
    unread = Message.objects.filter(group=group, kind=Kind.ANNOUNCEMENT, hidden_at__isnull=True).exclude(
        receipts__user=actor).values_list("pk", flat=True)
    # Two tabs opening at once may both find an announcement unread: the second receipt is dropped.
    Receipt.objects.bulk_create([Receipt(message_id=pk, user=actor) for pk in unread], ignore_conflicts=True)
