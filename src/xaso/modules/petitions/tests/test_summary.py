# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly summary: received, answered on time and late, overdue, forwarded and returned, by topic and
by channel, with the same figures in the page and in each export."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from xaso.modules.petitions import services, summary
from xaso.modules.petitions.models import Channel, Petition, Topic

from .conftest import at

pytestmark = pytest.mark.django_db


@pytest.fixture
def march(users, file):
    bob, sam = users["bob"], users["sam"]

    def answered(petition, when):
        petition = services.petition_assign(actor=bob, petition=services.petition_accept(actor=bob, petition=petition),
                                            assignee=sam)
        services.petition_answer(actor=sam, petition=petition, answer="Đã trả lời")
        Petition.objects.filter(pk=petition.pk).update(answered_at=when)  # answered on that day

    answered(file(now=at(2026, 3, 2)), at(2026, 3, 10))  # on time
    answered(file(now=at(2026, 2, 2), topic=Topic.LAND), at(2026, 3, 20))  # received in February, late in March
    file(now=at(2026, 2, 16), topic=Topic.LAND, channel=Channel.POST, who="bob",
         petitioner=services.Petitioner(name="Ông Ba", address="Khu 2"))  # unanswered: overdue by 31 March
    file(now=at(2026, 3, 25))  # received, not yet due
    forwarded = services.petition_forward(actor=bob, petition=file(now=at(2026, 3, 3), topic=Topic.SOCIAL),
                                          to="UBND tỉnh", reason="Thẩm quyền của tỉnh")
    Petition.objects.filter(pk=forwarded.pk).update(ended_at=at(2026, 3, 5))  # forwarded on that day
    answered(file(now=at(2026, 4, 1)), at(2026, 4, 2))  # April: not in March at all


def test_the_march_figures(commune_a, march):
    tables = summary.monthly(commune=commune_a, year=2026, month=3, today=dt.date(2026, 6, 1))
    total = tables["topic"][-1].counts
    assert total == {"received": 3, "answered": 2, "on_time": 1, "late": 1, "overdue": 1, "forwarded": 1,
                     "returned": 0}
    by_topic = {r.key: r.counts for r in tables["topic"]}
    assert by_topic["land"]["late"] == 1 and by_topic["land"]["overdue"] == 1
    assert by_topic["social"]["forwarded"] == 1 and by_topic["infrastructure"]["received"] == 2
    by_channel = {r.key: r.counts for r in tables["channel"]}
    assert by_channel["post"]["overdue"] == 1 and by_channel["online"]["received"] == 3
    assert tables["channel"][-1].counts == total


def test_the_page_and_its_exports(client_for, march):
    bob = client_for("bob")
    url = reverse("petitions:monthly", args=["06688"])
    page = bob.get(url, {"month": "2026-03"})
    assert page.status_code == 200 and 'id="by-topic"' in page.content.decode()
    rows = json.loads(bob.get(url, {"month": "2026-03", "by": "channel", "export": "json"}).content)
    assert rows[-1] == {"key": "Tổng", "received": 3, "answered": 2, "on_time": 1, "late": 1, "overdue": 1,
                        "forwarded": 1, "returned": 0}
    csv = bob.get(url, {"month": "2026-03", "by": "topic", "export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and "Đất đai" in csv.content.decode("utf-8-sig")
    assert bob.get(url, {"month": "2026-03", "by": "topic", "export": "xlsx"}).status_code == 200
    assert client_for("charlie").get(url).status_code == 404
