# SPDX-License-Identifier: AGPL-3.0-or-later
"""The notifications page: each person reads their own messages in the application, and only theirs."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.utils import timezone

from xaso.core.notify import services
from xaso.core.notify.models import Message


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_the_inbox_shows_a_person_their_own_messages_newest_first(users, client_for):
    services.notify(key="a", subject="Hồ sơ cũ", body="b", recipient=users["cindy"], link="/dossiers/mine/")
    services.notify(key="b", subject="Hồ sơ mới", body="b", recipient=users["cindy"])
    Message.objects.filter(key="a").update(created_at=timezone.now() - dt.timedelta(days=1), read_at=timezone.now())
    services.notify(key="c", subject="Cho Olivia", body="b", recipient=users["olivia"])
    services.notify(key="d", subject="Chỉ gửi thư", body="b", email="cindy@example.vn")
    page = client_for("cindy").get("/notifications/").content.decode()
    assert "Cho Olivia" not in page and "Chỉ gửi thư" not in page
    assert page.index("Hồ sơ mới") < page.index("Hồ sơ cũ")
    assert '<a href="/dossiers/mine/">Hồ sơ cũ</a>' in page
    new = page[page.rindex("<li", 0, page.index("Hồ sơ mới")):page.index("Hồ sơ mới")]
    old = page[page.rindex("<li", 0, page.index("Hồ sơ cũ")):page.index("Hồ sơ cũ")]
    assert 'class="unread"' in new and 'class="unread"' not in old


def test_mark_all_read_marks_only_the_persons_own(users, client_for):
    services.notify(key="a", subject="Cho Cindy", body="b", recipient=users["cindy"])
    services.notify(key="a", subject="Cho Olivia", body="b", recipient=users["olivia"])
    cindy = client_for("cindy")
    assert cindy.get("/notifications/read/").status_code == 405  # a change is never a GET
    assert cindy.post("/notifications/read/")["Location"] == "/notifications/"
    assert Message.objects.get(recipient=users["cindy"]).read_at is not None
    assert Message.objects.get(recipient=users["olivia"]).read_at is None
    assert 'class="unread"' not in cindy.get("/notifications/").content.decode()


def test_mark_all_read_needs_the_forms_csrf_token(users):
    services.notify(key="a", subject="Cho Cindy", body="b", recipient=users["cindy"])
    cindy = Client(enforce_csrf_checks=True)
    cindy.force_login(users["cindy"], backend="xaso.core.accounts.oidc.CitizenOIDCBackend")
    assert cindy.post("/notifications/read/").status_code == 403
    assert Message.objects.get().read_at is None


def test_it_sends_visitors_to_sign_in_and_officials_to_the_second_factor(users, client):
    services.notify(key="a", subject="Cho Olivia", body="b", recipient=users["olivia"])
    for response in (client.get("/notifications/"), client.post("/notifications/read/")):
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    half = Client()
    half.force_login(users["olivia"], backend="xaso.core.accounts.backends.OfficialBackend")  # password only
    response = half.get("/notifications/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp/")
    half.post("/notifications/read/")
    assert Message.objects.get().read_at is None


def test_the_header_shows_the_unread_count(users):
    for key in ("a", "b"):
        services.notify(key=key, subject="s", body="b", recipient=users["cindy"])
    services.notify(key="c", subject="s", body="b", recipient=users["olivia"])
    request = RequestFactory().get("/")
    request.user = users["cindy"]
    template = Template('{% include "notify/_header_link.html" %}')
    assert "(2" in template.render(Context({"request": request, "user": users["cindy"]}))
    services.messages_mark_read(actor=users["cindy"])
    html = template.render(Context({"request": request, "user": users["cindy"]}))
    assert 'href="/notifications/"' in html and "(" not in html


def test_the_command_delivers_what_is_due_and_counts_by_status(db):
    services.notify(key="a", subject="s", body="b", email="a@example.vn")  # its after-commit send never ran
    services.notify(key="b", subject="s", body="b", phone="123")
    out = StringIO()
    call_command("notify", "deliver", stdout=out)
    assert out.getvalue().strip() == "1 message(s) sent." and len(mail.outbox) == 1
    out = StringIO()
    call_command("notify", "status", stdout=out)
    assert out.getvalue().splitlines() == ["email\tsent\t1", "sms\tfailed\t1"]
