# SPDX-License-Identifier: AGPL-3.0-or-later
"""Village groups through their services: who may post what, moderation, links to field reports and
procedures, read receipts, and nothing half-saved when input is bad."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from xaso import testing
from xaso.core import tenancy
from xaso.core.accounts.roles import Role
from xaso.core.audit.models import AuditEvent
from xaso.core.notify.models import Message as Notification
from xaso.core.places.models import Village
from xaso.modules.community import selectors, services
from xaso.modules.community.access import access
from xaso.modules.community.models import BODY_MAX, Flag, Group, Kind, Membership, Message, Receipt
from xaso.modules.reports.models import Category

pytestmark = pytest.mark.django_db


def post(actor, group, body="Xin chào cả tổ", kind=Kind.POST, **more):
    return services.message_post(actor=actor, group=group, kind=kind, body=body, **more)


def test_it_opens_one_group_per_village_for_those_who_manage(users, commune_a, village):
    Village.objects.create(commune=commune_a, name="Tổ dân phố 6")
    with pytest.raises(PermissionDenied):
        services.groups_open_all(actor=users["sam"], commune=commune_a)  # a specialist moderates, not opens
    with pytest.raises(PermissionDenied):
        services.groups_open_all(actor=users["charlie"], commune=commune_a)  # another commune's chairperson
    opened = services.groups_open_all(actor=users["alice"], commune=commune_a)
    assert opened == Village.objects.filter(commune=commune_a).count() >= 2
    assert services.groups_open_all(actor=users["alice"], commune=commune_a) == 0
    assert services.group_open(actor=users["alice"], village=village) == Group.objects.get(village=village)
    assert AuditEvent.objects.filter(action="xaso.community.group.opened").count() == opened


def test_a_resident_joins_with_the_code_and_nobody_else_does(users, group):
    assert access(users["cindy"], group).post
    with pytest.raises(ValidationError):
        services.member_join(actor=testing.make_user("dan", Role.CITIZEN), code="WRONGCODE1")
    with pytest.raises(ValidationError):
        services.member_join(actor=users["charlie"], code=group.code)  # officials are members by role
    assert not access(users["charlie"], group).read
    services.member_leave(actor=users["cindy"], group=group)
    assert not access(users["cindy"], group).read
    services.member_join(actor=users["cindy"], code=group.code.lower())
    assert access(users["cindy"], group).read and Membership.objects.filter(group=group).count() == 2


def test_announcements_come_only_from_officials_and_the_village_head(users, group, vera, commune_a):
    with pytest.raises(ValidationError):
        post(users["cindy"], group, kind=Kind.ANNOUNCEMENT)
    notice = post(vera, group, "Họp tổ lúc 19 giờ", kind=Kind.ANNOUNCEMENT, pinned=True)
    assert notice.pinned and notice.by_official
    assert post(users["sam"], group, "Lịch tiêm chủng", kind=Kind.ANNOUNCEMENT).by_official
    # The head of another village of the same commune is no member of this group.
    other_head = testing.make_user("otto", Role.VILLAGE_HEAD, commune=testing.COMMUNE_A)
    assert not access(other_head, group).read
    with pytest.raises(PermissionDenied):
        post(other_head, group, kind=Kind.ANNOUNCEMENT)
    # A resident's own message is never pinned.
    assert not post(users["cindy"], group, pinned=True).pinned


def test_an_answer_names_its_question_and_the_asker_is_told(users, group, vera):
    question = post(users["cindy"], group, "Khi nào có điện lại?", kind=Kind.QUESTION)
    with pytest.raises(ValidationError):
        post(vera, group, "Chiều nay", kind=Kind.ANSWER)  # no question named
    answer = post(vera, group, "Khoảng 17 giờ chiều nay.", kind=Kind.ANSWER, answer_to=question)
    assert answer.answer_to == question and list(question.answers.all()) == [answer]
    told = Notification.objects.get(recipient=users["cindy"], key__startswith="community:answer")
    assert "Khoảng 17 giờ" in told.body and told.link.endswith(f"#m-{answer.pk}")


def test_empty_or_over_long_text_is_refused_in_vietnamese_and_nothing_is_saved(users, group):
    before = (Message.objects.count(), AuditEvent.objects.count())
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        post(users["cindy"], group, "x" * (BODY_MAX + 1))
    assert "tối đa 2000 ký tự" in refused.value.messages[0]
    with pytest.raises(ValidationError):
        post(users["cindy"], group, "   \n ")
    assert (Message.objects.count(), AuditEvent.objects.count()) == before
    assert post(users["cindy"], group, "x" * BODY_MAX).body == "x" * BODY_MAX


def test_a_hidden_message_vanishes_for_residents_and_stays_for_moderators(users, group, vera):
    rude = post(users["cindy"], group, "Lời lẽ xúc phạm")
    with pytest.raises(PermissionDenied):
        services.message_hide(actor=users["cindy"], message=rude, reason="x")
    with pytest.raises(ValidationError):
        services.message_hide(actor=vera, message=rude, reason=" ")  # a reason is required
    services.message_hide(actor=vera, message=rude, reason="Xúc phạm người khác")
    resident, moderator = access(users["cindy"], group), access(users["alice"], group)
    assert rude.pk not in [m.pk for m in selectors.stream(group=group, rights=resident)]
    shown = {m.pk: m for m in selectors.stream(group=group, rights=moderator)}
    assert shown[rude.pk].hidden_reason == "Xúc phạm người khác"
    with tenancy.acting_as(users["cindy"]):  # the scoped manager alone already keeps it from her
        assert not Message.objects.filter(pk=rude.pk).exists()
    services.message_unhide(actor=users["alice"], message=rude)
    assert rude.pk in [m.pk for m in selectors.stream(group=group, rights=resident)]


def test_a_blocked_member_reads_but_no_longer_posts(users, group, vera):
    membership = Membership.objects.get(group=group, user=users["cindy"])
    services.member_block(actor=vera, membership=membership, reason="Đăng quảng cáo liên tục")
    rights = access(users["cindy"], group)
    assert rights.read and not rights.post
    with pytest.raises(ValidationError):
        post(users["cindy"], group)
    # Leaving and joining again does not lift the block.
    services.member_leave(actor=users["cindy"], group=group)
    services.member_join(actor=users["cindy"], code=group.code)
    assert access(users["cindy"], group).blocked
    with pytest.raises(ValidationError):
        services.member_block(actor=users["alice"], membership=Membership.objects.get(user=vera), reason="x")
    services.member_unblock(actor=users["alice"], membership=membership)
    assert post(users["cindy"], group).pk


def test_abuse_reports_wait_in_the_queue_until_a_moderator_decides(users, group, vera, commune_a):
    rita = testing.make_user("rita", Role.CITIZEN)
    services.member_join(actor=rita, code=group.code)
    bad, fine = post(rita, group, "Tin rác"), post(rita, group, "Tin bình thường")
    services.message_flag(actor=users["cindy"], message=bad, reason="Lừa đảo")
    with pytest.raises(ValidationError):
        services.message_flag(actor=users["cindy"], message=bad, reason="Lừa đảo")  # once per member
    services.message_flag(actor=users["cindy"], message=fine, reason="Không thích")
    assert [f.message for f in selectors.open_flags(commune=commune_a)] == [bad, fine]
    services.message_hide(actor=vera, message=bad, reason="Lừa đảo")
    services.flags_dismiss(actor=users["sam"], message=fine)
    assert not selectors.open_flags(commune=commune_a).exists()
    assert set(Flag.objects.values_list("outcome", flat=True)) == {Flag.Outcome.HIDDEN, Flag.Outcome.DISMISSED}


def test_an_official_turns_a_residents_message_into_a_field_report(users, group, vera, village):
    category = Category.objects.create(commune=group.commune, code="ngap-ung", name="Ngập úng", handler=users["sam"])
    drain = post(users["cindy"], group, "Cống đầu ngõ bị tắc")
    with pytest.raises(PermissionDenied):
        services.message_to_report(actor=vera, message=drain, category=category)  # the head is no official
    linked = services.message_to_report(actor=users["olivia"], message=drain, category=category)
    report = linked.report
    assert report.reporter == users["cindy"] and report.description == "Cống đầu ngõ bị tắc"
    assert report.village == village and list(report.village_messages.all()) == [linked]
    with pytest.raises(ValidationError):
        services.message_to_report(actor=users["olivia"], message=linked, category=category)  # once
    official = post(vera, group, "Thông báo", kind=Kind.ANNOUNCEMENT)
    with pytest.raises(ValidationError):
        services.message_to_report(actor=users["olivia"], message=official, category=category)
    assert AuditEvent.objects.filter(action="xaso.community.message.reported",
                                     after__report=report.code).exists()


def test_an_official_points_a_question_to_a_procedure(users, group):
    from xaso.modules.procedures.models import Procedure, Sector

    procedure = Procedure.objects.create(
        code="1.001193", name="Đăng ký khai sinh", sector=Sector.objects.create(code="HT", name="Hộ tịch"),
        processing_days=1, effective_from=dt.date(2025, 7, 1))
    question = post(users["cindy"], group, "Đăng ký khai sinh cho con cần gì?", kind=Kind.QUESTION)
    linked = services.message_to_procedure(actor=users["bob"], message=question, procedure=procedure)
    assert linked.procedure == procedure and linked.version == 1
    told = Notification.objects.get(recipient=users["cindy"], key__startswith="community:procedure")
    assert told.link == f"/procedures/{procedure.code}/"


def test_members_read_announcements_once_and_officials_see_the_count(users, group, vera):
    notice = post(vera, group, "Lịch cắt điện", kind=Kind.ANNOUNCEMENT, pinned=True)
    for _ in range(2):
        services.announcements_read(actor=users["cindy"], group=group)
    services.announcements_read(actor=users["alice"], group=group)  # an official's view is not counted
    assert list(Receipt.objects.values_list("message", "user")) == [(notice.pk, users["cindy"].pk)]
    [pinned] = selectors.pinned(group=group, rights=access(users["alice"], group))
    assert pinned.read_count == 1


def test_each_change_is_audited_with_its_commune(users, group, vera):
    message = post(users["cindy"], group)
    services.message_pin(actor=vera, message=post(vera, group, kind=Kind.ANNOUNCEMENT), pinned=True)
    services.message_hide(actor=vera, message=message, reason="Trùng lặp")
    actions = set(AuditEvent.objects.filter(commune_id=group.commune_id).values_list("action", flat=True))
    assert {"xaso.community.group.opened", "xaso.community.group.head_appointed", "xaso.community.member.joined",
            "xaso.community.message.post", "xaso.community.message.announcement",
            "xaso.community.message.pinned", "xaso.community.message.hidden"} <= actions
