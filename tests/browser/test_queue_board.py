# SPDX-License-Identifier: AGPL-3.0-or-later
"""The display board follows the counters without being reloaded: a call, a call again, a new number."""

import re

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.places.models import Commune
from xaso.modules.queue import services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A


def test_the_board_shows_a_call_without_a_reload(new_context, signed_in, url):
    with tenancy.unscoped():
        people = testing.named_users()
        commune = Commune.objects.get(pk=A)
        area = services.area_add(actor=people["alice"], commune=commune, letter="A", name="Hộ tịch – Chứng thực")
        counter = services.counter_add(actor=people["alice"], commune=commune, number=4, areas=[area.pk])
        services.ticket_issue(commune=commune, area=area)

    board = new_context().new_page()
    board.goto(url("queue:board", A))
    expect(board.locator("#waiting")).to_contain_text("1")
    expect(board.locator("#called")).not_to_contain_text("A001")
    board.evaluate("window.__notReloaded = true")

    olivia = signed_in(people["olivia"])
    olivia.goto(url("queue:counter", A, counter.pk))
    olivia.get_by_role("button", name=re.compile("Gọi số tiếp theo")).click()
    expect(olivia.locator(".ticket-number")).to_have_text("A001")

    expect(board.locator("#called tr")).to_have_text(re.compile(r"A001\s*4"), timeout=10_000)
    expect(board.locator("#waiting")).to_contain_text("0")
    assert board.evaluate("window.__notReloaded") is True  # redrawn by board.js, not by a reload
