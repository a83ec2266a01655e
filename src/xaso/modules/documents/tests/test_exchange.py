# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sending an issued document through the exchange axis (the local fake) and receiving it in another
commune: registered once, its signatures intact, and the sender told how it is handled."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.core import outbox
from xaso.core.integrations.models import Delivery
from xaso.core.signing.verify import verify_pdf
from xaso.modules.documents import exchange, services
from xaso.modules.documents.models import Channel, IncomingDocument, OutgoingStatus

from .conftest import draft, to_issued

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

A_CODE, B_CODE = "000.01.22.H22", "000.02.22.H22"


@pytest.fixture
def agencies(users):
    a = services.issuer_for(users["bob"].commune)
    b = services.issuer_for(users["charlie"].commune)
    services.issuer_change(actor=users["bob"], issuer=a, organ_id=A_CODE)
    services.issuer_change(actor=users["charlie"], issuer=b, organ_id=B_CODE)
    return a, b


def test_an_issued_document_reaches_the_other_commune_once(users, keys, agencies):
    document = to_issued(users, keys, draft(users, exchange_to=[B_CODE]))
    document = exchange.outgoing_send(actor=users["bob"], document=document)
    assert document.status == OutgoingStatus.SENT
    delivery = Delivery.objects.get(system="document_axis")
    assert delivery.status == outbox.Status.SENT
    assert delivery.key == exchange.exchange_id(document) == f"{A_CODE},{document.issued_on:%Y/%m/%d},01/UBND"

    assert exchange.receive_all() == 1  # B registers the document (and answers 03, accepted)
    received = IncomingDocument.objects.get(commune=users["charlie"].commune)
    assert received.channel == Channel.AXIS and received.sender_organ_id == A_CODE
    assert received.number_symbol == document.number_symbol and received.arrival_number == 1
    assert received.summary == document.summary
    with received.file.file.open("rb") as f:
        assert verify_pdf(f.read()).ok  # the sealed PDF arrives unchanged
    assert "thôn Đồng Tâm" in received.body_text or "trả lời" in received.body_text

    # A receives B's status 03 (accepted) and keeps it in the document's history; then nothing is left.
    assert exchange.receive_all() == 1
    answer = document.steps.get(transition="exchange_status")
    assert answer.data == {"organ_id": B_CODE, "code": "03"}
    assert exchange.receive_all() == 0  # everything acknowledged: nothing fetched again
    assert IncomingDocument.objects.count() == 1


def test_sending_without_an_agency_code_is_refused(users, keys):
    document = to_issued(users, keys, draft(users, exchange_to=[B_CODE]))
    with pytest.raises(Exception) as refused:
        exchange.outgoing_send(actor=users["bob"], document=document)
    assert getattr(refused.value, "code", "") == "organ_id"
    document.refresh_from_db()
    assert document.status == OutgoingStatus.ISSUED and not Delivery.objects.exists()


def test_a_package_file_exported_by_one_commune_is_imported_by_another_once(users, keys, agencies, client_for):
    unaddressed = to_issued(users, keys, draft(users))
    with pytest.raises(ValidationError):
        exchange.package_file(unaddressed)
    document = to_issued(users, keys, draft(users, exchange_to=[B_CODE]))
    package = client_for("bob").get(f"/documents/communes/{users['bob'].commune_id}/outgoing/{document.pk}/"
                                    "package.edxml")
    assert package.status_code == 200 and b"edXMLEnvelope" in package.content
    charlie = users["charlie"]  # the chairperson of B registers what came by e-mail
    first = exchange.incoming_import(actor=charlie, commune=charlie.commune, data=package.content)
    again = exchange.incoming_import(actor=charlie, commune=charlie.commune, data=package.content)
    assert first.pk == again.pk and first.channel == Channel.EMAIL
    assert first.number_symbol == document.number_symbol and first.sender_organ_id == A_CODE


def test_a_file_that_is_not_a_package_registers_nothing(users, agencies, client_for):
    charlie = client_for("charlie")
    answer = charlie.post(f"/documents/communes/{users['charlie'].commune_id}/incoming/import/",
                          {"package": SimpleUploadedFile("x.edxml", b"<edXMLEnvelope>not mime</edXMLEnvelope>")})
    assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    assert not IncomingDocument.objects.exists()
