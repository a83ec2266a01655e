# SPDX-License-Identifier: AGPL-3.0-or-later
"""The queue's pages: the public kiosk, ticket and board; the counter screen, figures and setup."""

import datetime as dt
import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.modules.queue import services
from xaso.modules.queue.models import ServiceArea, Ticket

from .conftest import A


def today_ticket(center, area="a"):
    return services.ticket_issue(commune=center["commune"], area=center[area])


def test_it_gives_a_ticket_at_the_kiosk_and_shows_only_its_label_area_and_place(center, client):
    first = today_ticket(center)
    response = client.post(reverse("queue:kiosk", args=[A]), {"area": center["a"].pk})
    ticket = Ticket.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("queue:ticket", args=[A, ticket.token])
    page = client.get(response.url).content.decode()
    assert "A002" in page and "Hộ tịch" in page and re.search(r"1 (person|người)", page)
    assert "A001" not in page and first.token not in page
    assert 'href="/static/queue/queue.css"' in page or "queue/queue.css" in page


def test_it_refuses_a_ticket_address_that_is_not_a_token(center, client):
    ticket = today_ticket(center)
    for guess in (str(ticket.pk), ticket.label, "not-a-token"):
        assert client.get(reverse("queue:ticket", args=[A, guess])).status_code == 404
    assert client.get(reverse("queue:ticket", args=[testing.COMMUNE_B, ticket.token])).status_code == 404


def test_it_limits_the_kiosk_to_thirty_tickets_a_minute_per_address(center, client):
    for _ in range(31):
        client.post(reverse("queue:kiosk", args=[A]), {"area": center["a"].pk})
    assert Ticket.objects.count() == 30
    other = Client(REMOTE_ADDR="10.0.0.9")
    other.post(reverse("queue:kiosk", args=[A]), {"area": center["a"].pk})
    assert Ticket.objects.count() == 31  # another kiosk is not held back


def test_it_refuses_a_closed_or_unknown_area_at_the_kiosk(center, users, client):
    services.area_update(actor=users["alice"], area=center["b"], name="Đất đai", order=1, active=False)
    for area in (center["b"].pk, "x", ""):
        response = client.post(reverse("queue:kiosk", args=[A]), {"area": area}, follow=True)
        assert response.status_code == 200
    assert Ticket.objects.count() == 0
    assert "Đất đai" not in client.get(reverse("queue:kiosk", args=[A])).content.decode()


def test_it_tells_a_transferred_ticket_its_new_number(center, users, client):
    ticket = today_ticket(center)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    moved = services.ticket_transfer(actor=users["olivia"], ticket=ticket, area=center["b"])
    assert moved.label in client.get(reverse("queue:ticket", args=[A, ticket.token])).content.decode()


def test_it_shows_no_person_on_the_board(center, users, client):
    a1, _, b1 = today_ticket(center), today_ticket(center), today_ticket(center, "b")
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    services.ticket_start(actor=users["olivia"], ticket=a1)
    response = client.get(reverse("queue:board_json", args=[A]))
    board = response.json()
    assert "no-cache" in response["Cache-Control"]
    assert board == {"called": [{"ticket": "A001", "counter": 1, "calls": 1}],
                     "waiting": [{"area": "A · Hộ tịch", "count": 1}, {"area": "B · Đất đai", "count": 1}]}
    olivia = users["olivia"]
    text = json.dumps(board, ensure_ascii=False) + client.get(reverse("queue:board", args=[A])).content.decode()
    for personal in (olivia.username, olivia.get_full_name() or "Olivia", a1.token, b1.token):
        assert personal not in text


def test_it_feeds_the_board_script_the_fields_it_reads(center, users, client):
    """The board's script against the real endpoint, without a browser: the page names the JSON address
    and the tables the script fills, and every key the script reads is in the JSON."""
    today_ticket(center)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    today_ticket(center, "b")
    page = client.get(reverse("queue:board", args=[A])).content.decode()
    script = Path(finders.find("queue/board.js")).read_text(encoding="utf-8")
    source = re.search(r'data-source="([^"]+)"', page).group(1)
    assert source == reverse("queue:board_json", args=[A]) and 'getAttribute("data-source")' in script
    assert re.search(r'<noscript><meta http-equiv="refresh" content="\d+"></noscript>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script (CSP)
    assert re.search(r"setInterval\(refresh, [23]000\)", script)
    board = client.get(source).json()
    fills = re.findall(r'fill\("(\w+)", data\.(\w+), \[([^\]]+)\]\)', script)
    assert {f[0] for f in fills} == {"called", "waiting"}
    for tbody, key, columns in fills:
        assert f'<tbody id="{tbody}"' in page and board[key]
        for column in re.findall(r'"(\w+)"', columns):
            assert all(column in row for row in board[key])


def test_it_runs_the_counter_from_its_screen(center, client_for):
    olivia = client_for("olivia")
    url = reverse("queue:counter", args=[A, center["one"].pk])
    page = olivia.post(url, {"action": "call_next"}, follow=True).content.decode()
    assert str(center["one"]) in re.search(r'<li class="error">([^<]+)</li>', page).group(1)
    ticket = today_ticket(center)
    olivia.post(url, {"action": "call_next"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.counter) == ("called", center["one"])
    assert "A001" in olivia.get(url).content.decode()
    page = olivia.post(url, {"action": "finish"}, follow=True).content.decode()  # not yet started
    ticket.refresh_from_db()
    assert ticket.status == "called" and "A001" in page
    for action in ("recall", "start", "finish"):
        olivia.post(url, {"action": action})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.call_count) == ("done", 2)
    assert reverse("queue:counters", args=[A]) in olivia.get(url).content.decode()


def test_it_transfers_from_the_counter_screen(center, client_for):
    olivia = client_for("olivia")
    ticket = today_ticket(center)
    url = reverse("queue:counter", args=[A, center["one"].pk])
    olivia.post(url, {"action": "call_next"})
    olivia.post(url, {"action": "transfer", "area": center["a"].pk})  # same area: not offered, refused
    assert Ticket.objects.count() == 1
    olivia.post(url, {"action": "transfer", "area": center["b"].pk})
    ticket.refresh_from_db()
    assert ticket.status == "transferred" and Ticket.objects.get(transferred_from=ticket).label == "B001"


def test_it_needs_the_csrf_token_on_the_counter(center, users):
    today_ticket(center)
    strict = Client(enforce_csrf_checks=True)
    testing.sign_in(strict, users["olivia"])
    response = strict.post(reverse("queue:counter", args=[A, center["one"].pk]), {"action": "call_next"})
    assert response.status_code == 403 and Ticket.objects.get().status == "waiting"


def test_it_keeps_counters_figures_and_setup_from_outsiders(center, client_for, client):
    urls = [reverse("queue:counter", args=[A, center["one"].pk]), reverse("queue:counters", args=[A]),
            reverse("queue:figures", args=[A]), reverse("queue:setup", args=[A]),
            reverse("queue:setup_area", args=[A, center["a"].pk]),
            reverse("queue:setup_counter", args=[A, center["one"].pk])]
    charlie = client_for("charlie")
    for url in urls:
        assert charlie.get(url).status_code == 404
        assert client.get(url).status_code == 302  # anonymous: sign in first
    today_ticket(center)
    assert charlie.post(urls[0], {"action": "call_next"}).status_code == 404
    assert Ticket.objects.get().status == "waiting"
    olivia = client_for("olivia")  # operates counters, does not set the center up
    assert olivia.get(urls[0]).status_code == 200 and olivia.get(urls[3]).status_code == 404


def test_it_shows_and_exports_the_days_figures(center, users, client_for):
    ticket = today_ticket(center)
    services.ticket_call_next(actor=users["olivia"], counter=center["one"])
    services.ticket_start(actor=users["olivia"], ticket=ticket)
    services.ticket_finish(actor=users["olivia"], ticket=ticket)
    bob = client_for("bob")  # a clerk sees the figures
    url = reverse("queue:figures", args=[A])
    assert "Hộ tịch" in bob.get(url).content.decode()
    rows = json.loads(bob.get(url + "?export=json").content)
    assert [r["group"] for r in rows][1:] == [str(center["one"]), str(center["two"]), "A · Hộ tịch", "B · Đất đai"]
    assert rows[0]["issued"] == 1 and rows[1]["served"] == 1
    assert bob.get(url + "?export=csv")["Content-Type"].startswith("text/csv")
    assert bob.get(url + "?export=xlsx").content[:2] == b"PK"
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert json.loads(bob.get(url + f"?day={yesterday}&export=json").content)[0]["issued"] == 0


def test_it_sets_up_areas_and_counters_with_field_errors(center, client_for):
    alice = client_for("alice")
    url = reverse("queue:setup", args=[A])
    page = alice.post(url, {"what": "area", "area-letter": "A", "area-name": "Trùng"}).content.decode()
    assert ServiceArea.objects.count() == 2 and "area-letter" in page and 'class="errorlist' in page
    alice.post(url, {"what": "area", "area-letter": "c", "area-name": "Lao động"})
    area = ServiceArea.objects.get(letter="C")
    alice.post(url, {"what": "counter", "counter-number": "3", "counter-areas": [str(area.pk)]})
    alice.post(reverse("queue:setup_area", args=[A, area.pk]), {"name": "Lao động – Xã hội", "order": "5"})
    area.refresh_from_db()
    assert (area.name, area.order, area.active) == ("Lao động – Xã hội", 5, False)
    counter = area.counters.get()
    alice.post(reverse("queue:setup_counter", args=[A, counter.pk]),
               {"name": "Quầy 3", "areas": [str(center["a"].pk)], "active": "on"})
    assert [a.letter for a in counter.areas.all()] == ["A"]
    assert AuditEvent.objects.filter(action__startswith="xaso.queue.").count() == 2 + 2 + 1 + 1 + 1 + 1


def test_it_speaks_vietnamese_on_the_counter_and_in_the_export(center, client_for):
    olivia = client_for("olivia")
    today_ticket(center)
    url = reverse("queue:counter", args=[A, center["one"].pk])
    olivia.post(url, {"action": "call_next"})
    page = olivia.post(url, {"action": "recall"}, follow=True).content.decode()
    assert "Đã gọi lại số A001." in page
    assert client_for("bob").get(reverse("queue:figures", args=[A]) + "?export=csv").content.decode(
        "utf-8-sig").startswith("Quầy hoặc khu vực dịch vụ")
