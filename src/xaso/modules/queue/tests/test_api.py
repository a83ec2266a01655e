# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's API: a ticket and the board for anyone (rate-limited), counter moves and figures for officials."""

from django.urls import reverse
from rest_framework.test import APIClient

from xaso import testing
from xaso.modules.queue import services
from xaso.modules.queue.models import Ticket

from .conftest import A


def api_for(user=None):
    client = APIClient()
    if user is not None:
        testing.sign_in(client, user)
    return client


def test_it_issues_a_ticket_to_anyone_and_follows_it_by_token(center):
    anyone = api_for()
    response = anyone.post(reverse("queue_api:issue", args=[A]), {"area": center["b"].pk}, format="json")
    assert response.status_code == 201 and response.json()["label"] == "B001"
    followed = anyone.get(reverse("queue_api:ticket", args=[A, response.json()["token"]])).json()
    assert followed == {"label": "B001", "area": "Đất đai", "status": "waiting", "counter": None, "ahead": 0,
                        "now": None}
    bad = anyone.post(reverse("queue_api:issue", args=[A]), {"area": 999999}, format="json")
    assert bad.status_code == 400 and "area" in bad.json() and Ticket.objects.count() == 1


def test_it_limits_tickets_from_one_address_over_the_api(center):
    anyone = api_for()
    codes = [anyone.post(reverse("queue_api:issue", args=[A]), {"area": center["a"].pk}, format="json").status_code
             for _ in range(31)]
    assert codes[:30] == [201] * 30 and codes[30] == 429 and Ticket.objects.count() == 30


def test_it_runs_a_counter_over_the_api_and_refuses_what_the_state_does_not_allow(center, users):
    services.ticket_issue(commune=center["commune"], area=center["a"])
    olivia = api_for(users["olivia"])
    url = reverse("queue_api:counter", args=[A, center["one"].pk])
    assert olivia.post(url, {"action": "finish"}, format="json").status_code == 400  # nothing called yet
    called = olivia.post(url, {"action": "call_next"}, format="json").json()
    assert (called["label"], called["status"], called["counter"]) == ("A001", "called", 1)
    refused = olivia.post(url, {"action": "finish"}, format="json")
    assert refused.status_code == 400 and "A001" in str(refused.json())
    assert olivia.get(url).json()["status"] == "called"
    olivia.post(url, {"action": "start"}, format="json")
    moved = olivia.post(url, {"action": "transfer", "area": center["b"].pk}, format="json").json()
    assert (moved["label"], moved["status"]) == ("B001", "waiting")
    assert olivia.post(url, {"action": "call_next"}, format="json").status_code == 400  # counter 1 serves A only


def test_it_keeps_counters_and_figures_from_outsiders_over_the_api(center, users):
    services.ticket_issue(commune=center["commune"], area=center["a"])
    for who in (None, users["charlie"], users["cindy"]):
        client = api_for(who)
        response = client.post(reverse("queue_api:counter", args=[A, center["one"].pk]), {"action": "call_next"},
                               format="json")
        assert response.status_code in (401, 403, 404)
        assert client.get(reverse("queue_api:figures", args=[A])).status_code in (401, 403, 404)
    assert Ticket.objects.get().status == "waiting"


def test_it_gives_the_board_and_the_figures(center, users):
    ticket = services.ticket_issue(commune=center["commune"], area=center["a"])
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    board = api_for().get(reverse("queue_api:board", args=[A])).json()
    assert board["called"] == [{"ticket": "A001", "counter": 1, "calls": 1}]
    services.ticket_skip(actor=users["olivia"], ticket=ticket)
    figures = api_for(users["bob"]).get(reverse("queue_api:figures", args=[A])).json()
    assert (figures["total"]["issued"], figures["total"]["no_show"], len(figures["areas"])) == (1, 1, 2)
    assert api_for(users["bob"]).get(reverse("queue_api:figures", args=[A]) + "?day=4/3").status_code == 400


def test_it_describes_the_queue_api_in_the_schema_without_warnings(db):
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "queue" in m.lower()] == []
    base = "/api/v1/queue/communes/{commune_code}/"
    assert {base + "tickets/", base + "tickets/{ticket_token}/", base + "board/", base + "counters/{counter_id}/",
            base + "figures/"} <= set(schema["paths"])
    assert schema["paths"][base + "tickets/"]["post"]["security"] == [{"cookieAuth": []}, {"tokenAuth": []}, {}]
