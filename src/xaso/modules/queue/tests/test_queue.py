# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue: numbers per area and day, first come first called, every move checked, the day's figures."""

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from xaso import testing
from xaso.core import tenancy
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune
from xaso.modules.queue import demo, selectors, services
from xaso.modules.queue.models import Counter, Ticket

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A = testing.COMMUNE_A


def at(hh, mm, day=4):
    return dt.datetime(2026, 3, day, hh, mm, tzinfo=VN)


@pytest.fixture
def center(users):
    commune = Commune.objects.get(pk=A)
    a = services.area_add(actor=users["alice"], commune=commune, letter="a", name="Hộ tịch")
    b = services.area_add(actor=users["alice"], commune=commune, letter="B", name="Đất đai")
    one = services.counter_add(actor=users["alice"], commune=commune, number="1", areas=[str(a.pk)])
    two = services.counter_add(actor=users["alice"], commune=commune, number=2, areas=[a.pk, b.pk])
    return {"commune": commune, "a": a, "b": b, "one": one, "two": two}


def issue(center, area, hh, mm, day=4):
    return services.ticket_issue(commune=center["commune"], area=center[area], now=at(hh, mm, day))


def test_it_numbers_tickets_per_area_and_restarts_each_day(center):
    labels = [issue(center, "a", 8, 0).label, issue(center, "a", 8, 1).label, issue(center, "b", 8, 2).label]
    assert labels == ["A001", "A002", "B001"]
    assert issue(center, "a", 8, 0, day=5).label == "A001"


def test_it_calls_the_oldest_waiting_ticket_of_the_counters_areas(center, users):
    b1 = issue(center, "b", 8, 0)
    a1 = issue(center, "a", 8, 5)
    first = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 10))
    assert first == a1  # counter 1 serves A only
    second = services.ticket_call_next(actor=users["olivia"], counter=center["two"], now=at(8, 11))
    assert second == b1 and second.status == "called" and second.counter == center["two"]
    with pytest.raises(ValidationError):
        services.ticket_call_next(actor=users["olivia"], counter=center["two"], now=at(8, 12))


def test_each_move_fits_the_ticket_or_is_refused(center, users):
    issue(center, "a", 8, 0)
    ticket = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    with pytest.raises(ValidationError):
        services.ticket_finish(actor=users["olivia"], ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.status == "called"
    assert services.ticket_recall(actor=users["olivia"], ticket=ticket).call_count == 2
    assert services.ticket_skip(actor=users["olivia"], ticket=ticket).status == "no_show"
    with pytest.raises(ValidationError):
        services.ticket_recall(actor=users["olivia"], ticket=ticket)


def test_a_transfer_keeps_the_persons_place(center, users):
    issue(center, "a", 8, 0)
    early = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 5))
    later_b = issue(center, "b", 8, 10)
    moved = services.ticket_transfer(actor=users["olivia"], ticket=early, area=center["b"], now=at(8, 15))
    assert moved.label == "B002" and moved.transferred_from == early and moved.issued_at == early.issued_at
    early.refresh_from_db()
    assert early.status == "transferred"
    assert services.ticket_call_next(actor=users["olivia"], counter=center["two"], now=at(8, 20)) == moved
    assert later_b.status == "waiting"


def test_the_days_figures_come_from_the_timestamps(center, users):
    issue(center, "a", 8, 0)
    issue(center, "a", 8, 2)
    t = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 10))
    services.ticket_start(actor=users["olivia"], ticket=t, now=at(8, 11))
    services.ticket_finish(actor=users["olivia"], ticket=t, now=at(8, 20))
    t = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 22))
    services.ticket_skip(actor=users["olivia"], ticket=t, now=at(8, 25))
    figures = selectors.figures(user=users["olivia"], commune=center["commune"], day=dt.date(2026, 3, 4))
    assert (figures["issued"], figures["served"], figures["no_show"], figures["waiting"]) == (2, 1, 1, 0)
    assert figures["wait"] == {"average": 15.0, "median": 15.0}  # 10 and 20 minutes
    assert figures["service"] == {"average": 9.0, "median": 9.0}
    assert figures["counters"][0]["served"] == 1


def test_only_the_communes_officials_operate_its_counters(center, users, client_for):
    issue(center, "a", 8, 0)
    with pytest.raises(PermissionDenied):
        services.ticket_call_next(actor=users["charlie"], counter=center["one"])
    with pytest.raises(PermissionDenied):
        services.area_add(actor=users["olivia"], commune=center["commune"], letter="C", name="x")
    assert client_for("charlie").get(f"/queue/communes/{A}/counters/{center['one'].pk}/").status_code == 404


def test_the_kiosk_gives_a_ticket_and_limits_one_device(center, client):
    response = client.post(f"/queue/communes/{A}/kiosk/", {"area": center["a"].pk})
    ticket = Ticket.objects.get()
    assert response.url == f"/queue/communes/{A}/tickets/{ticket.token}/"
    assert ticket.label in client.get(response.url).content.decode()
    for _ in range(30):
        client.post(f"/queue/communes/{A}/kiosk/", {"area": center["a"].pk})
    assert Ticket.objects.count() == 30  # the 31st request from this address was refused
    assert client.get(f"/queue/communes/{A}/tickets/not-a-token/").status_code == 404


def test_the_board_shows_numbers_and_counters_only(center, users, client):
    issue(center, "a", 8, 0)
    with tenancy.unscoped():
        Ticket.objects.update(day=timezone.localdate())
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    board = client.get(f"/queue/communes/{A}/board.json").json()
    assert board["called"] == [{"ticket": "A001", "counter": 1, "calls": 1}]
    assert "olivia" not in str(board).lower()
    page = client.get(f"/queue/communes/{A}/board/").content.decode()
    assert "A001" in page and "queue/board.js" in page


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_counters_calling_at_once_never_get_the_same_ticket():
    with tenancy.unscoped():
        users = testing.named_users()
        commune = Commune.objects.get(pk=A)
        area = services.area_add(actor=users["alice"], commune=commune, letter="A", name="Hộ tịch")
        counters = [services.counter_add(actor=users["alice"], commune=commune, number=n, areas=[area.pk])
                    for n in (1, 2)]
        for _ in range(2):
            services.ticket_issue(commune=commune, area=area)
    called = []

    def call(counter):
        with tenancy.unscoped():
            called.append(services.ticket_call_next(actor=users["olivia"], counter=counter).pk)
        connection.close()

    if connection.vendor == "postgresql":  # two connections at once: SKIP LOCKED keeps them apart
        threads = [threading.Thread(target=call, args=(c,)) for c in counters]
        [t.start() for t in threads]
        [t.join() for t in threads]
    else:  # SQLite serialises writers: one after the other
        for c in counters:
            call(c)
    assert len(called) == 2 and len(set(called)) == 2


def test_the_demo_queue_is_made_once(users):
    testing.make_user("halong-one-stop-officer", Role.ONE_STOP_OFFICER, commune=A)
    today = timezone.localdate()
    first = demo.seed(today=today)
    again = demo.seed(today=today)
    assert first["counters"] == 3 and first["tickets"] == 9 and set(again.values()) == {0}
    with tenancy.unscoped():
        assert Counter.objects.filter(commune_id=A).count() == 3
