# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rest of the contract with other systems: nothing leaves for a rolled-back change, a receiver that
already has an event counts as delivered, the fake portal answers forwards, and officials see the counts."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from xaso.core.integrations import national_portal, services
from xaso.core.integrations.errors import IntegrationError
from xaso.core.integrations.models import Delivery, PortalRecord
from xaso.core.integrations.signing import DEVELOPMENT_SECRET
from xaso.testing.receiver import receiving


@pytest.fixture
def portal(settings):
    with receiving(secret=DEVELOPMENT_SECRET, answer={"accepted": True, "reference": "LT-2026-0002"}) as receiver:
        settings.XASO_NATIONAL_PORTAL_URL = receiver.url
        yield receiver


def enqueue(key="22.06688-260212-0001:3"):
    return services.outbox_enqueue(system="national_portal", kind="dossier.status", key=key,
                                   payload={"status_code": 4})


def test_nothing_is_written_or_sent_when_the_change_rolls_back(db, portal, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError), \
            transaction.atomic():
        enqueue()
        raise RuntimeError("the change failed")
    assert callbacks == [] and not Delivery.objects.exists() and portal.received == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_sends_only_once_the_callers_transaction_commits(portal):
    with transaction.atomic():
        enqueue()
        assert portal.received == []  # still inside the caller's change
    assert Delivery.objects.get().status == "sent" and len(portal.received) == 1


def test_a_receiver_that_already_has_the_event_counts_it_delivered(db, portal):
    delivery = enqueue()
    services.deliver(delivery.pk)
    # The answer was lost (a crash after the portal stored it): the row is pending again and is resent.
    Delivery.objects.filter(pk=delivery.pk).update(status="pending", sent_at=None, response=None)
    services.deliver(delivery.pk)
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.response == {"accepted": True, "reference": "LT-2026-0002"}
    assert len(portal.received) == 1


def test_a_sent_delivery_is_never_sent_again(db, portal):
    delivery = enqueue()
    assert services.deliver(delivery.pk).status == "sent"
    assert services.deliver(delivery.pk) is None and services.deliver_due() == 0
    assert Delivery.objects.get().attempts == 1


def test_the_fake_portal_answers_a_forward_with_its_reference_and_keeps_the_summary(receive_dossier, settings):
    settings.XASO_NATIONAL_PORTAL_URL = ""
    reference = national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp")
    record = PortalRecord.objects.get(kind="dossier.forward")
    assert reference == f"FAKE-{record.pk}"
    assert record.payload["dossier_code"] == receive_dossier.code and record.payload["agency"] == "Sở Tư pháp"
    assert record.payload["procedure_code"] == "1.000001" and record.key == f"{receive_dossier.code}:forward"
    # Asked again (the caller's first try rolled back after the portal took it): the same reference.
    assert national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp") == reference


def test_a_forward_the_portal_refuses_is_an_error_in_vietnamese(receive_dossier, settings):
    with receiving(secret=DEVELOPMENT_SECRET, fail_first=1) as receiver, translation.override("vi"):
        settings.XASO_NATIONAL_PORTAL_URL = receiver.url
        with pytest.raises(IntegrationError) as down:
            national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp")
        with pytest.raises(IntegrationError) as refused:  # answered, but without the agency's reference
            national_portal.client().forward(dossier=receive_dossier, agency="Sở Tư pháp")
    assert "chưa chuyển được hồ sơ" in down.value.messages[0] and "500" in down.value.messages[0]
    assert refused.value.code == "refused" and refused.value.messages == [
        "Cổng Dịch vụ công quốc gia không tiếp nhận hồ sơ."]


def test_each_state_change_of_a_dossier_is_one_status_event(receive_dossier):
    dossier = receive_dossier
    event = Delivery.objects.get(key=f"{dossier.code}:{dossier.version}")
    assert event.system == "national_portal" and event.kind == "dossier.status"
    assert {"key", "dossier_code", "status_code", "status", "at", "channel"} <= set(event.payload)
    assert event.payload["status_code"] == dossier.portal_status and event.payload["dossier_code"] == dossier.code
    before = Delivery.objects.count()
    national_portal.sync_status(dossier, "accept")  # the same change told twice
    assert Delivery.objects.count() == before


def test_the_command_sends_what_is_due_and_counts_per_system(db, portal):
    enqueue("a:1")
    enqueue("a:2")
    out = io.StringIO()
    call_command("integrations", "status", stdout=out)
    assert out.getvalue().splitlines() == ["national_portal\tpending\t2"]
    call_command("integrations", "deliver", stdout=io.StringIO())
    out = io.StringIO()
    call_command("integrations", "status", stdout=out)
    assert out.getvalue().splitlines() == ["national_portal\tsent\t2"] and len(portal.received) == 2
