# SPDX-License-Identifier: AGPL-3.0-or-later
"""A village group in commune A: its head Vera, and Cindy (the named citizen) as a resident."""

import pytest

from xaso import testing
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune, Village
from xaso.modules.community import services


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def village(commune_a):
    return Village.objects.create(commune=commune_a, name="Tổ dân phố 5")


@pytest.fixture
def vera(users):
    """The village head of Tổ dân phố 5."""
    return testing.make_user("vera", Role.VILLAGE_HEAD, commune=testing.COMMUNE_A)


@pytest.fixture
def group(users, village, vera):
    group = services.group_open(actor=users["alice"], village=village)
    services.head_appoint(actor=users["hana"], group=group, user=vera)
    services.member_join(actor=users["cindy"], code=group.code)
    return group
