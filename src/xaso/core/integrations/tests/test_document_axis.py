# SPDX-License-Identifier: AGPL-3.0-or-later
"""The document axis: packages leave through the outbox once per key, signed, retried until accepted;
what waits for an agency is handed over and acknowledged only once it was taken."""

import base64
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from xaso.core.integrations import document_axis, services
from xaso.core.integrations.document_axis import FakeAxis, HttpAxis, StatusCode, StatusPackage
from xaso.core.integrations.document_axis.edxml import build_package, parse
from xaso.core.integrations.models import AxisPackage, Delivery
from xaso.core.integrations.signing import DEVELOPMENT_SECRET, HEADER, verify

from .axis_server import serving
from .edxml_samples import HA_LONG, TIEN_YEN, VAN_DON, document, status

KEY = "000.00.12.H28,2026/11/29,12/UBND-VP"


@pytest.fixture
def fake(settings):
    settings.XASO_DOCUMENT_AXIS_URL = ""
    return document_axis.client()


@pytest.fixture
def axis(settings):
    with serving() as server:
        settings.XASO_DOCUMENT_AXIS_URL = server.url
        yield server


def test_the_package_reaches_the_axis_as_the_mime_bytes_signed(db, axis, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = document_axis.send_package(key=KEY, package=document())
    delivery.refresh_from_db()
    assert delivery.system == "document_axis" and delivery.kind == "edxml.package" and delivery.status == "sent"
    assert delivery.payload["to"] == [TIEN_YEN.id, VAN_DON.id] and delivery.payload["from"] == HA_LONG.id
    [post] = axis.posts
    assert post["body"] == build_package(document()) == base64.b64decode(delivery.payload["package"])
    assert verify(post["body"], post["headers"][HEADER], DEVELOPMENT_SECRET) and axis.refused == 0
    assert post["headers"]["Content-Type"].startswith("multipart/related;")
    assert 'boundary="=_edxml.' in post["headers"]["Content-Type"] and post["headers"]["X-Xaso-Key"] == KEY
    assert sorted(held["to"] for held in axis.queue.values()) == [TIEN_YEN.id, VAN_DON.id]


def test_a_wrong_secret_is_refused_by_the_axis(db, settings, monkeypatch):
    with serving(secret="the province's real secret") as server:
        settings.XASO_DOCUMENT_AXIS_URL = server.url
        delivery = document_axis.send_package(key=KEY, package=document())
        services.deliver(delivery.pk)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "401" in delivery.last_error and server.refused == 1
        with pytest.raises(OSError, match="401"):
            document_axis.client().fetch(TIEN_YEN.id)


def test_fetching_and_acknowledging_over_http(db, axis):
    held = axis.hold("k1", TIEN_YEN.id, build_package(document()))
    axis.hold("k1", VAN_DON.id, build_package(document()))
    remote = document_axis.client()
    assert isinstance(remote, HttpAxis)
    assert remote.fetch(TIEN_YEN.id) == [(held, build_package(document()))]
    remote.acknowledge(TIEN_YEN.id, held)
    assert remote.fetch(TIEN_YEN.id) == [] and len(remote.fetch(VAN_DON.id)) == 1 and axis.refused == 0


def test_the_same_key_twice_is_one_delivery_and_one_package_per_recipient(db, fake,
                                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document_axis.send_package(key=KEY, package=document())
        document_axis.send_package(key=KEY, package=document())
    assert Delivery.objects.get().status == "sent"
    assert sorted(AxisPackage.objects.values_list("recipient", flat=True)) == [TIEN_YEN.id, VAN_DON.id]
    # The answer was lost: the delivery is sent again, and the axis keeps what it has.
    Delivery.objects.update(status="pending", sent_at=None)
    services.deliver(Delivery.objects.get().pk)
    assert AxisPackage.objects.count() == 2 and Delivery.objects.get().status == "sent"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_nothing_leaves_before_the_callers_change_commits(fake):
    with transaction.atomic():
        document_axis.send_package(key=KEY, package=document())
        assert not AxisPackage.objects.exists()
    assert Delivery.objects.get().status == "sent" and AxisPackage.objects.count() == 2


def test_a_failing_axis_is_retried_and_gets_the_package_once(db, settings):
    with serving(fail_first=1) as server:
        settings.XASO_DOCUMENT_AXIS_URL = server.url
        delivery = document_axis.send_package(key=KEY, package=document())
        now = timezone.now()
        services.deliver(delivery.pk, now=now)
        delivery.refresh_from_db()
        assert delivery.status == "pending" and "500" in delivery.last_error and server.posts == []
        assert services.deliver_due(now=now + timezone.timedelta(minutes=2)) == 1
        delivery.refresh_from_db()
        assert delivery.status == "sent" and delivery.attempts == 2 and len(server.posts) == 1


def test_commune_a_sending_to_b_lands_in_bs_queue_only_until_acknowledged(db, fake):
    document_axis.send_package(key=KEY, package=document())
    services.deliver_due()
    [(package_id, data)] = fake.fetch(TIEN_YEN.id)
    assert parse(data) == document() and fake.fetch(HA_LONG.id) == []
    fake.acknowledge(VAN_DON.id, package_id)  # not Vân Đồn's package to take
    assert len(fake.fetch(TIEN_YEN.id)) == 1
    fake.acknowledge(TIEN_YEN.id, package_id)
    assert fake.fetch(TIEN_YEN.id) == [] and len(fake.fetch(VAN_DON.id)) == 1


def test_a_status_goes_back_to_the_sender_of_the_document(db, fake):
    document_axis.send_package(key=f"{KEY}:status:03", package=status("03"))
    services.deliver_due()
    [(_id, data)] = fake.fetch(HA_LONG.id)
    assert parse(data) == status("03") and Delivery.objects.get().kind == "edxml.status"


def test_receive_acknowledges_a_package_once_it_was_handled(db, fake):
    document_axis.send_package(key=KEY, package=document())
    services.deliver_due()
    taken = []
    assert document_axis.receive(TIEN_YEN.id, lambda package, data: taken.append(package)) == 1
    assert taken == [document()] and AxisPackage.objects.get(recipient=TIEN_YEN.id).acknowledged_at is not None
    assert document_axis.receive(TIEN_YEN.id, lambda package, data: taken.append(package)) == 0 and len(taken) == 1


def test_receive_keeps_a_package_the_handler_failed_on(db, fake, caplog):
    document_axis.send_package(key=KEY, package=document())
    services.deliver_due()

    def failing(package, data):
        raise RuntimeError("the register is locked")

    with caplog.at_level(logging.ERROR):
        assert document_axis.receive(TIEN_YEN.id, failing) == 0
    assert "stays on the axis" in caplog.text
    assert AxisPackage.objects.get(recipient=TIEN_YEN.id).acknowledged_at is None
    assert len(fake.fetch(TIEN_YEN.id)) == 1
    assert document_axis.receive(TIEN_YEN.id, lambda package, data: None) == 1 and fake.fetch(TIEN_YEN.id) == []


def held(data: bytes, recipient: str = TIEN_YEN.id) -> AxisPackage:
    """A package the axis delivers as it is (another agency's software wrote it)."""
    return AxisPackage.objects.create(key="theirs-1", kind="edxml.package", sender=HA_LONG.id, recipient=recipient,
                                      data=data)


def test_a_malformed_package_is_refused_back_to_its_sender_in_vietnamese(db, fake):
    broken = build_package(document()).replace(b"2026/12/05", b"05/12/2026")
    row = held(broken)
    assert document_axis.receive(TIEN_YEN.id, lambda package, data: pytest.fail("not a package")) == 0
    row.refresh_from_db()
    assert row.acknowledged_at is not None
    services.deliver_due()
    [(_id, data)] = fake.fetch(HA_LONG.id)
    answer = parse(data)
    assert isinstance(answer, StatusPackage) and answer.status_code == StatusCode.REFUSED
    assert answer.response_for.document_id == KEY and answer.response_for.organ_id == HA_LONG.id
    assert answer.response_for.code == "12/UBND-VP" and answer.sender == TIEN_YEN
    assert answer.description == ("MessageHeader/DueDate là “05/12/2026”, không phải ngày viết theo dạng "
                                  "yyyy/MM/dd.")
    document_axis.receive(TIEN_YEN.id, lambda package, data: None)  # nothing again: the refusal is sent once
    assert Delivery.objects.filter(kind="edxml.status").count() == 1


def test_a_package_in_another_namespace_is_refused_back_too(db, fake):
    held(build_package(document()).replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"http://www.go.vn/eDoc"))
    assert document_axis.receive(TIEN_YEN.id, lambda package, data: pytest.fail("not a package")) == 0
    services.deliver_due()
    [(_id, data)] = fake.fetch(HA_LONG.id)
    assert parse(data).status_code == StatusCode.REFUSED and "http://www.go.vn/eDoc" in parse(data).description


def test_an_unreadable_package_stays_on_the_axis_and_is_logged(db, fake, caplog):
    row = held(b"\x00garbage from nowhere")
    with caplog.at_level(logging.ERROR):
        assert document_axis.receive(TIEN_YEN.id, lambda package, data: pytest.fail("not a package")) == 0
    row.refresh_from_db()
    assert row.acknowledged_at is None and "cannot be read" in caplog.text
    assert not Delivery.objects.exists()


def test_a_broken_status_is_not_answered(db, fake):
    held(document_axis.edxml.build_status(status()).replace(b">03<", b">99<"), recipient=HA_LONG.id)
    assert document_axis.receive(HA_LONG.id, lambda package, data: None) == 0
    assert not Delivery.objects.exists() and len(fake.fetch(HA_LONG.id)) == 1


def test_the_client_is_the_fake_unless_an_address_is_set(settings, monkeypatch):
    settings.XASO_DOCUMENT_AXIS_URL = ""
    assert isinstance(document_axis.client(), FakeAxis)
    settings.XASO_DOCUMENT_AXIS_URL = "https://lgsp.quangninh.gov.vn/edoc"
    assert isinstance(document_axis.client(), HttpAxis)
    settings.PRODUCTION = True
    monkeypatch.delenv("XASO_DOCUMENT_AXIS_SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="XASO_DOCUMENT_AXIS_SECRET"):
        document_axis.client()
