# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the petition tests: commune A, and filing a petition there."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from xaso import testing
from xaso.core.places.models import Commune
from xaso.modules.petitions import services
from xaso.modules.petitions.models import Channel, Topic

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(y, m, d, hh=10, mm=0):
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN)


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def file(users, commune_a):
    """file(who="cindy", **overrides): a petition to commune A, online by default."""

    def make(who="cindy", **more):
        actor = users[who] if who else None
        more.setdefault("petitioner", services.Petitioner() if who else services.Petitioner(
            name="Nguyễn Thị Dân", phone="0912345678", email="dan@example.org", address="Tổ 3, khu 5"))
        return services.petition_file(
            actor=actor, commune=commune_a, channel=more.pop("channel", Channel.ONLINE),
            topic=more.pop("topic", Topic.INFRASTRUCTURE), subject=more.pop("subject", "Đèn ngõ 12 hỏng"),
            body=more.pop("body", "Ngõ 12 tổ 3 không có đèn từ tuần trước."), **more)

    return make
