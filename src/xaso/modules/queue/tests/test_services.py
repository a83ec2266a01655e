# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's moves: numbers per area and day, first come first called, every move checked and audited."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction

from xaso import testing
from xaso.core import tenancy
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune
from xaso.modules.queue import demo, selectors, services
from xaso.modules.queue.models import Counter, ServiceArea, Ticket

from .conftest import A, at


def audited(prefix="xaso.queue.ticket"):
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("pk").values_list("action", flat=True))


def test_it_numbers_tickets_per_area_and_restarts_each_day(issue):
    labels = [issue("a", 8, 0).label, issue("a", 8, 1).label, issue("b", 8, 2).label, issue("a", 16, 59).label]
    assert labels == ["A001", "A002", "B001", "A003"]
    next_day = issue("a", 7, 30, day=5)
    assert (next_day.label, next_day.day) == ("A001", dt.date(2026, 3, 5))


def test_it_gives_each_ticket_an_unguessable_token(issue):
    first, second = issue("a", 8, 0), issue("a", 8, 1)
    assert len(first.token) >= 16 and first.token != second.token and str(first.pk) not in (first.token,)


def test_it_does_not_audit_the_kiosk_but_audits_every_officials_move(center, users, issue):
    ticket = issue("a", 8, 0)
    assert audited() == []
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    services.ticket_recall(actor=users["olivia"], ticket=ticket)
    services.ticket_start(actor=users["olivia"], ticket=ticket, now=at(8, 2))
    services.ticket_finish(actor=users["olivia"], ticket=ticket, now=at(8, 9))
    assert audited() == ["xaso.queue.ticket.called", "xaso.queue.ticket.recalled", "xaso.queue.ticket.started",
                         "xaso.queue.ticket.finished"]
    assert AuditEvent.objects.filter(action="xaso.queue.ticket.called").get().actor_id == users["olivia"].pk


def test_it_calls_the_oldest_waiting_ticket_across_the_counters_areas(center, users, issue):
    b1, a1, b2 = issue("b", 8, 0), issue("a", 8, 5), issue("b", 8, 7)
    olivia = users["olivia"]
    order = []
    for minute in (10, 20, 30):
        ticket = services.ticket_call_next(actor=olivia, counter=center["two"], now=at(8, minute))
        order.append(ticket)
        services.ticket_start(actor=olivia, ticket=ticket, now=at(8, minute + 1))
        services.ticket_finish(actor=olivia, ticket=ticket, now=at(8, minute + 5))
    assert order == [b1, a1, b2]


def test_it_calls_only_the_areas_a_counter_serves(center, users, issue):
    b1 = issue("b", 8, 0)
    a1 = issue("a", 8, 5)
    called = services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 10))
    assert called == a1 and called.counter == center["one"] and called.served_by == users["olivia"]
    assert (called.status, called.call_count, called.called_at) == ("called", 1, at(8, 10))
    b1.refresh_from_db()
    assert b1.status == "waiting"


def test_it_refuses_to_call_when_nobody_waits_and_changes_nothing(center, users, issue):
    with pytest.raises(ValidationError) as refused:
        services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 0))
    assert refused.value.code == "empty" and str(center["one"]) in refused.value.messages[0]
    issue("a", 8, 0, day=3)  # yesterday's ticket is not called today
    with pytest.raises(ValidationError):
        services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 0))
    assert audited() == [] and Ticket.objects.get().status == "waiting"


def test_it_refuses_to_call_the_next_while_the_counter_still_has_one(center, users, issue):
    first, second = issue("a", 8, 0), issue("a", 8, 1)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 2))
    with pytest.raises(ValidationError, match="A001"):
        services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 3))
    second.refresh_from_db()
    assert second.status == "waiting" and audited() == ["xaso.queue.ticket.called"]
    assert selectors.ticket_for_counter(user=users["olivia"], counter=center["one"]) == first


@pytest.mark.parametrize("move", ["finish", "start", "recall", "skip", "transfer"])
def test_it_refuses_moves_the_tickets_state_does_not_allow(center, users, issue, move):
    waiting = issue("a", 8, 0)
    done = issue("a", 8, 1)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 0))  # takes `waiting`
    services.ticket_start(actor=users["olivia"], ticket=waiting, now=at(8, 1))
    services.ticket_finish(actor=users["olivia"], ticket=waiting, now=at(8, 2))
    waiting, done = done, waiting  # the first is done now; the second still waits
    before = list(Ticket.objects.order_by("pk").values())
    events = audited()
    for ticket in (waiting, done):
        with pytest.raises(ValidationError) as refused:
            if move == "transfer":
                services.ticket_transfer(actor=users["olivia"], ticket=ticket, area=center["b"])
            else:
                getattr(services, f"ticket_{move}")(actor=users["olivia"], ticket=ticket)
        assert ticket.label in " ".join(refused.value.messages)
    assert list(Ticket.objects.order_by("pk").values()) == before and audited() == events


def test_it_closes_a_called_ticket_as_a_no_show_after_calling_again(center, users, issue):
    ticket = issue("a", 8, 0)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    assert services.ticket_recall(actor=users["olivia"], ticket=ticket).call_count == 2
    skipped = services.ticket_skip(actor=users["olivia"], ticket=ticket, now=at(8, 4))
    assert (skipped.status, skipped.finished_at) == ("no_show", at(8, 4))
    assert selectors.ticket_for_counter(user=users["olivia"], counter=center["one"]) is None


def test_it_keeps_the_persons_place_on_a_transfer(center, users, issue):
    early = issue("a", 8, 0)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 5))
    later_b = issue("b", 8, 10)
    moved = services.ticket_transfer(actor=users["olivia"], ticket=early, area=center["b"], now=at(8, 15))
    assert (moved.label, moved.status, moved.transferred_from, moved.issued_at) == ("B002", "waiting", early,
                                                                                     early.issued_at)
    early.refresh_from_db()
    assert (early.status, early.finished_at) == ("transferred", at(8, 15))
    assert services.ticket_call_next(actor=users["olivia"], counter=center["two"], now=at(8, 20)) == moved
    later_b.refresh_from_db()
    assert later_b.status == "waiting"
    assert audited()[-2:] == ["xaso.queue.ticket.transferred", "xaso.queue.ticket.called"]
    assert selectors.ticket_by_token(center["commune"], early.token)["successor"] == moved


def test_it_refuses_a_transfer_to_the_same_area_or_another_commune(center, users, issue):
    ticket = issue("a", 8, 0)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    elsewhere = ServiceArea.objects.create(commune_id=testing.COMMUNE_B, letter="A", name="Hộ tịch")
    for area in (center["a"], elsewhere):
        with pytest.raises(ValidationError):
            services.ticket_transfer(actor=users["olivia"], ticket=ticket, area=area)
    ticket.refresh_from_db()
    assert ticket.status == "called" and Ticket.objects.count() == 1


def test_it_computes_the_days_figures_from_the_timestamps(center, users, issue):
    olivia = users["olivia"]
    issue("a", 8, 0)
    issue("a", 8, 2)
    issue("b", 8, 4)
    t = services.ticket_call_next(actor=olivia, counter=center["one"], now=at(8, 10))  # A001 waited 10
    services.ticket_start(actor=olivia, ticket=t, now=at(8, 11))
    services.ticket_finish(actor=olivia, ticket=t, now=at(8, 20))  # served 9
    t = services.ticket_call_next(actor=olivia, counter=center["one"], now=at(8, 22))  # A002 waited 20
    services.ticket_skip(actor=olivia, ticket=t, now=at(8, 25))
    t = services.ticket_call_next(actor=olivia, counter=center["two"], now=at(8, 34))  # B001 waited 30
    services.ticket_start(actor=olivia, ticket=t, now=at(8, 35))
    moved = services.ticket_transfer(actor=olivia, ticket=t, area=center["a"], now=at(8, 40))  # → A003
    t = services.ticket_call_next(actor=olivia, counter=center["one"], now=at(8, 44))  # waited 4 after transfer
    assert t == moved
    services.ticket_start(actor=olivia, ticket=t, now=at(8, 45))
    services.ticket_finish(actor=olivia, ticket=t, now=at(8, 50))  # served 5
    issue("a", 9, 0)  # still waiting
    issue("a", 9, 0, day=5)  # another day

    figures = selectors.figures(user=olivia, commune=center["commune"], day=dt.date(2026, 3, 4))
    total = figures["total"]
    assert (total["issued"], total["served"], total["no_show"], total["transferred"], total["waiting"]) == (4, 2, 1,
                                                                                                          1, 1)
    assert (total["wait_average"], total["wait_median"]) == (16.0, 15.0)  # 10, 20, 30, 4
    assert (total["service_average"], total["service_median"]) == (7.0, 7.0)  # 9, 5
    one, two = figures["counters"]
    assert (one["group"], one["served"], one["no_show"], one["wait_average"], one["wait_median"]) == (
        str(center["one"]), 2, 1, 11.3, 10.0)  # 10, 20, 4
    assert (one["service_average"], one["service_median"]) == (7.0, 7.0)
    assert (two["served"], two["transferred"], two["wait_average"], two["service_average"]) == (0, 1, 30.0, None)
    area_a, area_b = figures["areas"]
    assert (area_a["issued"], area_a["served"], area_a["waiting"], area_a["wait_median"]) == (4, 2, 1, 10.0)
    assert (area_b["issued"], area_b["transferred"], area_b["wait_average"]) == (1, 1, 30.0)


def test_it_lets_only_the_communes_officials_operate_its_counters(center, users, issue):
    ticket = issue("a", 8, 0)
    for outsider in ("charlie", "paula", "cindy", "bob"):
        with pytest.raises(PermissionDenied):
            services.ticket_call_next(actor=users[outsider], counter=center["one"], now=at(8, 1))
    services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    for move in (services.ticket_recall, services.ticket_start, services.ticket_skip):
        with pytest.raises(PermissionDenied):
            move(actor=users["charlie"], ticket=ticket)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.call_count) == ("called", 1)


def test_it_lets_only_the_centers_managers_set_it_up(center, users):
    with pytest.raises(PermissionDenied):
        services.area_add(actor=users["olivia"], commune=center["commune"], letter="C", name="Lao động")
    with pytest.raises(PermissionDenied):
        services.counter_update(actor=users["charlie"], counter=center["one"], name="x", areas=[center["a"].pk],
                                active=True)
    assert ServiceArea.objects.count() == 2


def test_it_names_the_field_of_bad_setup_input(center, users):
    commune = center["commune"]
    cases = [({"letter": "7", "name": "x"}, "letter"), ({"letter": "A", "name": "x"}, "letter"),
             ({"letter": "C", "name": "  "}, "name")]
    for data, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.area_add(actor=users["alice"], commune=commune, **data)
        assert field in refused.value.message_dict
    for number, areas, field in ((0, [center["a"].pk], "number"), (1, [center["a"].pk], "number"), (5, [], "areas")):
        with pytest.raises(ValidationError) as refused:
            services.counter_add(actor=users["alice"], commune=commune, number=number, areas=areas)
        assert field in refused.value.message_dict
    assert (ServiceArea.objects.count(), Counter.objects.count()) == (2, 2)


def test_it_changes_an_area_and_a_counter_and_audits_only_real_changes(center, users, issue):
    alice = users["alice"]
    services.area_update(actor=alice, area=center["b"], name="Đất đai – Xây dựng", order=0, active=False)
    services.area_update(actor=alice, area=center["b"], name="Đất đai – Xây dựng", order=0, active=False)
    services.counter_update(actor=alice, counter=center["two"], name="Một cửa", areas=[center["b"].pk], active=True)
    services.counter_update(actor=alice, counter=center["two"], name="Một cửa", areas=[center["b"].pk], active=True)
    assert audited("xaso.queue.area.changed") == ["xaso.queue.area.changed"]
    assert audited("xaso.queue.counter.changed") == ["xaso.queue.counter.changed"]
    center["b"].refresh_from_db()
    assert (center["b"].letter, center["b"].active) == ("B", False)
    with pytest.raises(ValidationError):  # a closed area takes no tickets
        issue("b", 8, 0)
    assert [a.letter for a in selectors.areas(center["commune"])] == ["A"]


def test_it_refuses_to_call_at_a_closed_counter(center, users, issue):
    issue("a", 8, 0)
    services.counter_update(actor=users["alice"], counter=center["one"], name="", areas=[center["a"].pk],
                            active=False)
    with pytest.raises(ValidationError):
        services.ticket_call_next(actor=users["olivia"], counter=center["one"], now=at(8, 1))
    assert Ticket.objects.get().status == "waiting"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_never_gives_two_counters_calling_at_once_the_same_ticket():
    with tenancy.unscoped():
        people = testing.named_users()
        commune = Commune.objects.get(pk=A)
        area = services.area_add(actor=people["alice"], commune=commune, letter="A", name="Hộ tịch")
        one, two = (services.counter_add(actor=people["alice"], commune=commune, number=n, areas=[area.pk])
                    for n in (1, 2))
        first, second = (services.ticket_issue(commune=commune, area=area) for _ in range(2))

    if connection.vendor == "postgresql":
        # Counter 1 is in the middle of its call: its transaction holds the row lock on the first ticket
        # (the point between ticket_call_next's SELECT … FOR UPDATE and its commit). Counter 2 calls from
        # another connection at that moment: SKIP LOCKED must hand it the second ticket at once. Had it
        # waited for the lock, it would wait for counter 1, which waits for counter 2: `released` would
        # then be False after the safety timeout.
        held, release, got = threading.Event(), threading.Event(), {}

        def counter_one():
            try:
                with tenancy.unscoped():
                    with transaction.atomic():
                        Ticket.objects.select_for_update().get(pk=first.pk)
                        held.set()
                        got["released"] = release.wait(timeout=30)
                    got["one"] = services.ticket_call_next(actor=people["olivia"], counter=one)
            finally:
                held.set()
                connection.close()

        thread = threading.Thread(target=counter_one)
        thread.start()
        assert held.wait(timeout=30)
        with tenancy.unscoped():
            got["two"] = services.ticket_call_next(actor=people["olivia"], counter=two)
        release.set()
        thread.join()
        assert got["released"] is True
        assert (got["two"], got["one"]) == (second, first)
    else:
        # SQLite: transactions begin IMMEDIATE, so the second caller runs after the first has committed.
        with tenancy.unscoped():
            got = [services.ticket_call_next(actor=people["olivia"], counter=c) for c in (one, two)]
        assert got == [first, second]
    with tenancy.unscoped():
        assert sorted(Ticket.objects.values_list("counter__number", flat=True)) == [1, 2]


def test_it_seeds_the_demo_queue_once(users):
    commune = Commune.objects.get(pk=A)
    today = dt.date.today()
    first = demo.seed_demo_queue(commune, today=today)
    again = demo.seed_demo_queue(commune, today=today)
    assert first == {"service areas": 3, "counters": 3, "tickets": 9} and set(again.values()) == {0}
    figures = selectors.figures(user=users["olivia"], commune=commune, day=today)
    assert (figures["total"]["served"], figures["total"]["no_show"], figures["total"]["waiting"]) == (5, 1, 3)
    assert demo.seed_demo_queue(commune, today=today + dt.timedelta(days=1))["tickets"] == 9
    assert Counter.objects.filter(commune=commune).count() == 3
