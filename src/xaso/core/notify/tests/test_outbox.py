# SPDX-License-Identifier: AGPL-3.0-or-later
"""Messages to people: written with the change, sent after it commits, once, retried until they go."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from xaso.core import outbox
from xaso.core.notify import services
from xaso.core.notify.models import Message
from xaso.testing.receiver import receiving


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def test_it_writes_one_message_per_channel_and_never_twice_for_one_event(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(key="dossier:1:1", subject="Hồ sơ", body="Đã tiếp nhận", recipient=users["cindy"],
                               email="cindy@example.vn", phone="0912 345 678")
    assert sorted(m.channel for m in made) == ["email", "inapp", "sms"]
    assert Message.objects.get(channel="sms").address == "+84912345678"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cindy@example.vn"]
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    with django_capture_on_commit_callbacks(execute=True):
        again = services.notify(key="dossier:1:1", subject="Hồ sơ", body="Đã tiếp nhận", recipient=users["cindy"],
                                email="cindy@example.vn", phone="0912345678")
    assert again == [] and Message.objects.count() == 3 and len(mail.outbox) == 1


def test_nothing_is_sent_when_the_change_rolls_back(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                services.notify(key="k", subject="s", body="b", email="a@example.vn")
                raise RuntimeError("the change failed")
        except RuntimeError:
            pass
    assert callbacks == [] and not Message.objects.exists() and mail.outbox == []


def test_a_bad_address_is_recorded_as_failed_not_raised(users):
    services.notify(key="k2", subject="s", body="b", phone="12345", email="not-an-address")
    assert set(Message.objects.values_list("status", flat=True)) == {"failed"}


@pytest.fixture
def gateway(settings):
    with receiving(fail_first=2) as receiver:
        settings.XASO_SMS_SENDER = "http"
        settings.XASO_SMS_URL = f"{receiver.url}/sms"
        yield receiver


def test_a_failing_sms_gateway_is_retried_with_backoff_and_delivers_once(users, gateway):
    services.notify(key="k3", subject="s", body="Hồ sơ đã có kết quả", phone="0987654321")
    message = Message.objects.get()
    now = timezone.now()
    services.deliver(message.pk, now=now)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 1, now + dt.timedelta(minutes=1))
    assert services.deliver_due(now=now) == 0  # not yet time
    services.deliver(message.pk, now=now + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == now + dt.timedelta(minutes=3)
    assert services.deliver_due(now=now + dt.timedelta(minutes=3)) == 1
    assert services.deliver_due(now=now + dt.timedelta(hours=2)) == 0
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 3
    assert [r["to"] for r in gateway.received] == ["+84987654321"]


def test_it_gives_up_after_the_last_attempt(users, settings):
    settings.XASO_SMS_SENDER = "http"
    settings.XASO_SMS_URL = "http://127.0.0.1:9/closed"  # nothing listens on the discard port
    services.notify(key="k4", subject="s", body="b", phone="0987654321")
    message = Message.objects.get()
    at = timezone.now()
    for _ in range(Message.MAX_ATTEMPTS):
        at += dt.timedelta(hours=2)
        services.deliver(message.pk, now=at)
    message.refresh_from_db()
    assert message.status == outbox.Status.FAILED and message.attempts == Message.MAX_ATTEMPTS
    assert message.last_error


def test_backoff_doubles_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 7, 8, 20)] == [1, 2, 4, 60, 60, 60]


def test_the_inbox_shows_a_person_their_own_messages(users, client_for, client):
    services.notify(key="a", subject="Cho Cindy", body="b", recipient=users["cindy"])
    services.notify(key="b", subject="Cho Olivia", body="b", recipient=users["olivia"])
    cindy = client_for("cindy")
    page = cindy.get("/notifications/").content.decode()
    assert "Cho Cindy" in page and "Cho Olivia" not in page
    cindy.post("/notifications/read/")
    assert Message.objects.get(recipient=users["cindy"]).read_at is not None
    assert Message.objects.get(recipient=users["olivia"]).read_at is None
    assert client.get("/notifications/").status_code == 302
