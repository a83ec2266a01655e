# SPDX-License-Identifier: AGPL-3.0-or-later
"""The village-group pages: a resident posts and reads, script stays text, floods and over-long text are
refused in Vietnamese, outsiders get 404, an official turns a message into a field report from the page."""

import pytest
from django.urls import reverse

from xaso import testing
from xaso.modules.community import services
from xaso.modules.community.models import Flag, Kind, Message
from xaso.modules.reports.models import Category

pytestmark = pytest.mark.django_db


def page(group):
    return reverse("community:group", args=[group.pk])


def test_a_resident_joins_by_code_and_posts_through_the_form(client_for, users, group):
    services.member_leave(actor=users["cindy"], group=group)
    cindy = client_for("cindy")
    joined = cindy.post(reverse("community:mine"), {"code": group.code})
    assert joined.status_code == 302 and joined["Location"] == page(group)
    sent = cindy.post(page(group), {"kind": Kind.QUESTION, "body": "Mai có thu gom rác không ạ?"})
    message = Message.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"{page(group)}#m-{message.pk}"
    shown = cindy.get(page(group)).content.decode()
    assert "Mai có thu gom rác không ạ?" in shown and "Câu hỏi" in shown


def test_script_in_a_message_is_shown_as_text(client_for, group):
    client_for("cindy").post(page(group), {"kind": Kind.POST, "body": "<script>alert('x')</script><b>đậm</b>"})
    for reader in ("cindy", "alice"):
        shown = client_for(reader).get(page(group)).content.decode()
        assert "<script>alert" not in shown and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in shown
        assert "<b>đậm</b>" not in shown


def test_over_long_text_is_refused_with_a_vietnamese_message_and_nothing_saved(client_for, group):
    answer = client_for("cindy").post(page(group), {"kind": Kind.POST, "body": "a" * 2001})
    assert answer.status_code == 400 and "Tối đa 2000 ký tự" in answer.content.decode()
    assert not Message.objects.exists()


def test_flooding_is_rate_limited(client_for, group):
    cindy = client_for("cindy")
    for n in range(12):
        cindy.post(page(group), {"kind": Kind.POST, "body": f"Tin số {n}"})
    assert Message.objects.count() == 10
    refused = cindy.get(page(group)).content.decode()
    assert "Bạn đăng tin quá nhanh" in refused


def test_outsiders_get_404_and_anonymous_visitors_sign_in_first(client_for, client, group):
    for name in ("charlie", "oscar", "paula"):
        assert client_for(name).get(page(group)).status_code == 404, name
    other = testing.make_user("dan", "citizen")
    c = client_for("cindy")
    c.force_login(other, backend="xaso.core.accounts.oidc.CitizenOIDCBackend")
    assert c.get(page(group)).status_code == 404
    assert client.get(page(group)).status_code == 302
    assert client_for("charlie").get(reverse("community:commune", args=[testing.COMMUNE_A])).status_code == 404


def test_pinned_announcements_sit_on_top_and_officials_see_read_counts(client_for, group, vera):
    services.message_post(actor=vera, group=group, kind=Kind.ANNOUNCEMENT, pinned=True, body="Họp tổ tối nay")
    assert "Họp tổ tối nay" in client_for("cindy").get(page(group)).content.decode()  # and read, once
    shown = client_for("alice").get(page(group)).content.decode()
    assert shown.index('id="pinned"') < shown.index('id="messages"')
    assert "1 thành viên đã đọc" in shown


def test_moderation_from_the_page_and_the_queue(client_for, users, group, vera):
    rude = services.message_post(actor=users["cindy"], group=group, kind=Kind.POST, body="Quảng cáo bán hàng")
    rita = testing.make_user("rita", "citizen")
    services.member_join(actor=rita, code=group.code)
    url = reverse("community:message", args=[group.pk, rude.pk])
    # Rita is a member, not a moderator: she reports, she cannot hide.
    rita_client = client_for("cindy")
    rita_client.force_login(rita, backend="xaso.core.accounts.oidc.CitizenOIDCBackend")
    rita_client.post(url, {"action": "hide", "reason": "x"})
    assert not Message.objects.get(pk=rude.pk).is_hidden
    rita_client.post(url, {"action": "flag", "reason": "Quảng cáo"})
    queue = client_for("alice").get(reverse("community:moderation", args=[testing.COMMUNE_A])).content.decode()
    assert "Quảng cáo bán hàng" in queue
    vera_client = client_for("alice")
    testing.sign_in(vera_client, vera)
    vera_client.post(url, {"action": "hide", "reason": "Quảng cáo"})
    assert Message.objects.get(pk=rude.pk).is_hidden and Flag.objects.get().outcome == Flag.Outcome.HIDDEN
    assert "Quảng cáo bán hàng" not in client_for("cindy").get(page(group)).content.decode()
    vera_client.post(url, {"action": "block", "reason": "Quảng cáo"})
    assert client_for("cindy").post(page(group), {"kind": Kind.POST, "body": "Lại đây"}).status_code == 400


def test_an_official_turns_a_message_into_a_report_and_the_report_shows_where_it_came_from(client_for, users,
                                                                                           group):
    category = Category.objects.create(commune=group.commune, code="rac", name="Rác thải", handler=users["sam"])
    drain = services.message_post(actor=users["cindy"], group=group, kind=Kind.POST, body="Rác ùn ứ đầu ngõ")
    olivia = client_for("olivia")
    olivia.post(reverse("community:message", args=[group.pk, drain.pk]),
                {"action": "report", "category": category.pk})
    report = Message.objects.get(pk=drain.pk).report
    assert report is not None and report.reporter == users["cindy"]
    assert report.code in client_for("cindy").get(page(group)).content.decode()
    case = olivia.get(reverse("reports:case", args=[testing.COMMUNE_A, report.code])).content.decode()
    assert 'id="from-village-group"' in case and f"#m-{drain.pk}" in case
