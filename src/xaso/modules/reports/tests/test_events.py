# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every change of a report reaches the province's IOC once, without personal data, and the reporter is
told at each step."""

from decimal import Decimal

import pytest

from xaso.core import outbox
from xaso.core.integrations import services as integrations
from xaso.core.integrations.models import Delivery, IocRecord
from xaso.core.notify.models import Message
from xaso.modules.reports import services
from xaso.modules.reports.models import Category

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_each_change_is_one_event_at_the_ioc_and_one_message_to_the_reporter(users):
    lights = Category.objects.create(commune=users["alice"].commune, code="den-duong", name="Đèn đường hỏng",
                                     handler=users["sam"])
    report = services.report_file(
        actor=users["cindy"], commune=lights.commune, category=lights, description="Đèn hỏng",
        place=services.Place(latitude=Decimal("20.95"), longitude=Decimal("107.08")),
        reporter=services.Reporter(phone="0912000111"))
    report = services.report_step(actor=users["sam"], report=report, name="start")
    report = services.report_resolve(actor=users["sam"], report=report, answer="Đã thay bóng đèn.")
    report = services.report_rate(actor=users["cindy"], report=report, rating=5)

    events = list(IocRecord.objects.order_by("received_at", "pk"))
    assert [e.payload["step"] for e in events] == ["file", "start", "resolve", "close"]
    assert len({e.key for e in events}) == 4
    for event in events:
        text = str(event.payload)
        assert "0912000111" not in text and "Cindy" not in text and "cindy" not in text
    assert events[-1].payload["status"] == "closed" and events[-1].payload["rating"] == 5

    # A delivery sent again (a retry after a lost answer) is still one event at the IOC.
    delivery = Delivery.objects.filter(system="ioc").first()
    Delivery.objects.filter(pk=delivery.pk).update(status=outbox.Status.PENDING)
    integrations.deliver(delivery.pk)
    assert IocRecord.objects.count() == 4

    told = Message.objects.filter(recipient=users["cindy"], channel="inapp").order_by("pk")
    assert told.count() == 4  # and as many by SMS to the phone given
    assert Message.objects.filter(channel="sms", address="+84912000111").count() == 4
    assert "Đã thay bóng đèn." in told[2].body
