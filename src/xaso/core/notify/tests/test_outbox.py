# SPDX-License-Identifier: AGPL-3.0-or-later
"""Messages to people: written with the change, sent after it commits, once, retried until they go."""

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from xaso.core import outbox
from xaso.core.integrations.signing import DEVELOPMENT_SECRET, HEADER, sign
from xaso.core.notify import services
from xaso.core.notify.models import Message


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.XASO_SMS_SENDER = "console"


def test_it_writes_one_message_per_channel_and_never_twice_for_one_event(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = services.notify(key="dossier:1:1", subject="Hồ sơ", body="Đã tiếp nhận", recipient=users["cindy"],
                               email="cindy@example.vn", phone="0912 345 678", link="/dossiers/mine/")
    assert sorted(m.channel for m in made) == ["email", "inapp", "sms"]
    assert Message.objects.get(channel="sms").address == "+84912345678"
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["cindy@example.vn"]
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}
    # The caller retries the same event, with the number written another way: nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = services.notify(key="dossier:1:1", subject="Hồ sơ", body="Đã tiếp nhận", recipient=users["cindy"],
                                email=" cindy@EXAMPLE.vn", phone="+84912345678")
    assert again == [] and callbacks == [] and Message.objects.count() == 3 and len(mail.outbox) == 1


def test_it_tells_each_person_of_one_event_in_the_application(users):
    for name in ("hana", "olivia"):
        services.notify(key="dossier:7:escalated", subject="Quá hạn", body="b", recipient=users[name])
    services.notify(key="dossier:7:escalated", subject="Quá hạn", body="b", recipient=users["hana"])
    assert sorted(Message.objects.values_list("recipient__username", flat=True)) == ["hana", "olivia"]


def test_it_writes_to_the_accounts_own_address_when_none_is_given(users, django_capture_on_commit_callbacks):
    cindy = users["cindy"]
    cindy.email = "cindy@example.vn"
    cindy.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(key="k", subject="Hồ sơ\nđã xong", body="Mời nhận kết quả", recipient=cindy,
                        link="/dossiers/mine/")
    [email] = mail.outbox
    assert email.to == ["cindy@example.vn"] and email.subject == "Hồ sơ đã xong"  # a header is one line
    assert "Mời nhận kết quả" in email.body and "http://testserver.example/dossiers/mine/" in email.body


@pytest.fixture(autouse=True)
def public_url(settings):
    settings.XASO_PUBLIC_URL = "http://testserver.example"


def test_nothing_is_written_or_sent_when_the_change_rolls_back(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        services.notify(key="k", subject="s", body="b", email="a@example.vn")
        raise RuntimeError("the change failed")
    assert callbacks == [] and not Message.objects.exists() and mail.outbox == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_only_once_the_callers_transaction_commits():
    with transaction.atomic():
        services.notify(key="k", subject="s", body="b", email="a@example.vn")
        assert mail.outbox == []  # still inside the caller's change
    assert len(mail.outbox) == 1 and Message.objects.get().status == "sent"
    with pytest.raises(RuntimeError), transaction.atomic():
        services.notify(key="k2", subject="s", body="b", email="b@example.vn")
        raise RuntimeError("the change failed")
    assert len(mail.outbox) == 1 and not Message.objects.filter(key="k2").exists()


def test_a_bad_address_is_recorded_as_failed_not_raised(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = services.notify(key="k2", subject="s", body="b", phone="12345", email="not-an-address")
    assert {(m.channel, m.status) for m in made} == {("sms", "failed"), ("email", "failed")}
    errors = dict(Message.objects.values_list("channel", "last_error"))
    assert "not a Vietnamese mobile number" in errors["sms"] and "'12345'" in errors["sms"]
    assert "not an e-mail address" in errors["email"]
    assert callbacks == [] and mail.outbox == []


@pytest.mark.parametrize(("written", "normalised"), [
    ("0912 345 678", "+84912345678"), ("+84 912.345.678", "+84912345678"), ("84912345678", "+84912345678"),
    ("(039) 123-4567", "+84391234567"), ("0212345678", None), ("091234567", None), ("09123456789", None),
    ("+12125550100", None), ("", None),
])
def test_it_takes_vietnamese_mobile_numbers_however_written(written, normalised):
    assert services.normalise_phone(written) == normalised


@pytest.mark.parametrize("link", ["https://example.com/", "//example.com/x", "javascript:alert(1)", "/" + "x" * 300])
def test_it_refuses_a_link_that_leaves_the_site(db, link):
    with pytest.raises(ValueError, match="link"):
        services.notify(key="k", subject="s", body="b", email="a@example.vn", link=link)
    assert not Message.objects.exists()


def test_it_refuses_a_key_that_would_be_cut(db):
    with pytest.raises(ValueError, match="key"):
        services.notify(key="k" * 201, subject="s", body="b", email="a@example.vn")


def test_a_sent_message_is_never_sent_again(db):
    [message] = services.notify(key="k", subject="s", body="b", email="a@example.vn")
    assert services.deliver(message.pk).status == "sent"
    assert services.deliver(message.pk) is None and services.deliver_due() == 0
    assert len(mail.outbox) == 1


class Gateway(BaseHTTPRequestHandler):
    failures = 0
    received: list = []

    def do_POST(self):  # noqa: N802 (http.server's naming)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        if Gateway.failures > 0:
            Gateway.failures -= 1
            self.send_response(500)
            self.end_headers()
            return
        Gateway.received.append((json.loads(body), self.headers[HEADER] == sign(body, DEVELOPMENT_SECRET)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"OK")  # not JSON: any 2xx means accepted

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings):
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.XASO_SMS_SENDER = "http"
    settings.XASO_SMS_URL = f"http://127.0.0.1:{server.server_port}/sms"
    Gateway.received, Gateway.failures = [], 2
    yield Gateway
    server.shutdown()
    server.server_close()


def test_a_failing_sms_gateway_is_retried_with_backoff_and_delivers_once(db, gateway):
    services.notify(key="k3", subject="s", body="Hồ sơ đã có kết quả", phone="0987654321", link="/tra-cuu/")
    message = Message.objects.get()
    now = timezone.now()
    services.deliver(message.pk, now=now)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.next_attempt_at) == ("pending", 1, now + dt.timedelta(minutes=1))
    assert "500" in message.last_error
    assert services.deliver_due(now=now + dt.timedelta(seconds=59)) == 0  # not yet time
    services.deliver(message.pk, now=now + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == now + dt.timedelta(minutes=3)
    assert services.deliver_due(now=now + dt.timedelta(minutes=3)) == 1
    assert services.deliver_due(now=now + dt.timedelta(hours=2)) == 0
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert gateway.received == [({"to": "+84987654321", "text": "Hồ sơ đã có kết quả http://testserver.example/tra-cuu/",
                                  "key": "k3"}, True)]


def test_it_gives_up_after_ten_attempts(db, settings):
    settings.XASO_SMS_SENDER = "http"
    settings.XASO_SMS_URL = "http://127.0.0.1:9/closed"  # nothing listens on the discard port
    services.notify(key="k4", subject="s", body="b", phone="0987654321")
    message = Message.objects.get()
    at = timezone.now()
    for attempt in range(1, 11):
        assert message.status == "pending"
        at += dt.timedelta(hours=2)
        message = services.deliver(message.pk, now=at)
        assert message.attempts == attempt
    assert message.status == outbox.Status.FAILED and "URLError" in message.last_error
    assert services.deliver(message.pk, now=at + dt.timedelta(days=1)) is None  # given up: never tried again


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [outbox.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]


def test_a_console_sms_is_written_to_the_log(db, caplog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(key="k5", subject="s", body="Mời nhận kết quả", phone="0987654321")
    assert Message.objects.get().status == "sent"
    assert "+84987654321" in caplog.text and "Mời nhận kết quả" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_never_send_one_message_twice(monkeypatch):
    from django.db import OperationalError, connection

    [message] = services.notify(key="k6", subject="s", body="b", email="a@example.vn")  # sent at once
    Message.objects.filter(pk=message.pk).update(status="pending", sent_at=None)
    inside, release, sent = threading.Event(), threading.Event(), []

    def slow_send(row):
        sent.append(row.pk)
        inside.set()
        release.wait()

    monkeypatch.setattr("xaso.core.notify.senders.send", slow_send)

    def worker():
        try:
            services.deliver(message.pk)
        except OperationalError:
            pass  # SQLite's in-memory test database refuses the second writer where PostgreSQL makes it wait
        finally:
            connection.close()

    first = threading.Thread(target=worker)
    first.start()
    inside.wait()  # the first worker holds the row and is sending
    second = threading.Thread(target=worker)
    second.start()
    release.set()
    first.join()
    second.join()
    assert sent == [message.pk] and Message.objects.get().status == "sent"
