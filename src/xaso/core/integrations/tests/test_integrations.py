# SPDX-License-Identifier: AGPL-3.0-or-later
"""Deliveries to other systems: one per event, signed, over real HTTP, retried until accepted."""

import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from xaso.core.integrations import national_portal, services
from xaso.core.integrations.errors import IntegrationError
from xaso.core.integrations.models import Delivery, PortalRecord
from xaso.core.integrations.signing import DEVELOPMENT_SECRET, sign, verify
from xaso.testing.receiver import receiving


@pytest.fixture
def portal(settings):
    with receiving(secret=DEVELOPMENT_SECRET, answer={"accepted": True, "reference": "LT-2026-0001"}) as receiver:
        settings.XASO_NATIONAL_PORTAL_URL = receiver.url
        yield receiver


def enqueue(key="22.06688-260212-0001:3", **payload):
    return services.outbox_enqueue(system="national_portal", kind="dossier.status", key=key,
                                   payload={"status_code": 4, **payload})


def test_one_event_is_one_delivery_and_reaches_the_portal_signed(db, portal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue()
        enqueue()
    assert Delivery.objects.get().status == "sent"
    assert portal.received == [{"key": "22.06688-260212-0001:3", "status_code": 4}]
    assert portal.paths == ["/events/dossier.status"] and portal.refused == 0


def test_a_wrong_signature_is_refused_by_the_receiver(db, settings, monkeypatch):
    with receiving(secret="the portal's real secret") as receiver:
        settings.XASO_NATIONAL_PORTAL_URL = receiver.url
        delivery = enqueue()
        services.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "401" in delivery.last_error and receiver.refused == 1
        monkeypatch.setenv("XASO_NATIONAL_PORTAL_SECRET", "the portal's real secret")
        services.deliver(delivery.pk, now=timezone.now() + dt.timedelta(minutes=5))
        delivery.refresh_from_db()
        assert delivery.status == "sent" and len(receiver.received) == 1


def test_it_retries_until_accepted_and_sends_once(db, settings):
    with receiving(fail_first=2, secret=DEVELOPMENT_SECRET) as receiver:
        settings.XASO_NATIONAL_PORTAL_URL = receiver.url
        delivery = enqueue()
        now = timezone.now()
        services.deliver(delivery.pk, now=now)
        services.deliver(delivery.pk, now=now)  # not yet time: nothing happens
        delivery.refresh_from_db()
        assert delivery.attempts == 1 and delivery.next_attempt_at == now + dt.timedelta(minutes=1)
        assert services.deliver_due(now=now + dt.timedelta(minutes=1)) == 0
        assert services.deliver_due(now=now + dt.timedelta(minutes=3)) == 1
        delivery.refresh_from_db()
        assert delivery.status == "sent" and delivery.attempts == 3 and len(receiver.received) == 1


def test_it_gives_up_after_twelve_attempts(db, settings):
    settings.XASO_NATIONAL_PORTAL_URL = "http://127.0.0.1:9"  # nothing listens there
    delivery = enqueue()
    at = timezone.now()
    for _ in range(12):
        at += dt.timedelta(hours=2)
        services.deliver(delivery.pk, now=at)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 12


def test_the_fake_portal_keeps_what_it_receives_once(db, settings):
    settings.XASO_NATIONAL_PORTAL_URL = ""
    fake = national_portal.client()
    first = fake.send("dossier.status", {"key": "k1", "status_code": 2})
    again = fake.send("dossier.status", {"key": "k1", "status_code": 2})
    assert first == again and PortalRecord.objects.count() == 1


def test_forwarding_fails_with_a_clear_message_when_the_portal_is_down(receive_dossier, settings):
    settings.XASO_NATIONAL_PORTAL_URL = "http://127.0.0.1:9"
    with pytest.raises(IntegrationError) as error:
        national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp")
    assert error.value.code == "unreachable"


def test_forwarding_over_http_returns_the_agencys_reference(receive_dossier, portal):
    reference = national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp")
    assert reference == "LT-2026-0001"
    assert portal.received[0]["agency"] == "Sở Tư pháp" and portal.received[0]["dossier_code"] == receive_dossier.code


def test_production_refuses_to_send_unsigned(settings, monkeypatch):
    settings.PRODUCTION = True
    monkeypatch.delenv("XASO_NATIONAL_PORTAL_SECRET", raising=False)
    settings.XASO_NATIONAL_PORTAL_URL = "https://portal.example.vn"
    with pytest.raises(ImproperlyConfigured, match="XASO_NATIONAL_PORTAL_SECRET"):
        national_portal.client()


def test_signatures_verify_only_the_exact_body():
    signature = sign(b'{"a": 1}', "s")
    assert verify(b'{"a": 1}', signature, "s") and not verify(b'{"a": 2}', signature, "s")
