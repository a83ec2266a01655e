# SPDX-License-Identifier: AGPL-3.0-or-later
"""A small service center in commune A: area A (counter 1), area B (counter 2 serves both), at fixed times."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.queue import services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A = testing.COMMUNE_A


def at(hh, mm, day=4):
    """An instant of 4 March 2026 (or another day of that month), Vietnam time."""
    return dt.datetime(2026, 3, day, hh, mm, tzinfo=VN)


@pytest.fixture
def center(users):
    commune = Commune.objects.get(pk=A)
    a = services.area_add(actor=users["alice"], commune=commune, letter="a", name="Hộ tịch")
    b = services.area_add(actor=users["alice"], commune=commune, letter="B", name="Đất đai")
    one = services.counter_add(actor=users["alice"], commune=commune, number="1", areas=[str(a.pk)])
    two = services.counter_add(actor=users["alice"], commune=commune, number=2, areas=[a.pk, b.pk])
    return {"commune": commune, "a": a, "b": b, "one": one, "two": two}


@pytest.fixture
def issue(center):
    """issue("a", 8, 0) → a ticket of area A taken at 08:00 on 4 March 2026."""

    def make(area, hh, mm, day=4):
        return services.ticket_issue(commune=center["commune"], area=center[area], now=at(hh, mm, day))

    return make
