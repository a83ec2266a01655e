# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

from xaso import testing
from xaso.core.places.models import Commune, Village

from .factories import VillageFactory


@pytest.fixture
def commune_a(system_scope, db):
    return Commune.objects.get(pk=testing.COMMUNE_A)


@pytest.fixture
def commune_b(system_scope, db):
    return Commune.objects.get(pk=testing.COMMUNE_B)


@pytest.fixture
def villages(users, commune_a, commune_b):
    """Commune A: Thôn 1, Thôn 2 and Tổ dân phố 3 (active), Thôn Cũ (merged into Thôn 2).
    Commune B: Thôn Tiên Phong."""
    one = VillageFactory(commune=commune_a, name="Thôn 1")
    two = VillageFactory(commune=commune_a, name="Thôn 2")
    three = VillageFactory(commune=commune_a, name="Tổ dân phố 3", kind=Village.Kind.TO_DAN_PHO)
    old = VillageFactory(commune=commune_a, name="Thôn Cũ", merged_into=two)
    b = VillageFactory(commune=commune_b, name="Thôn Tiên Phong")
    return {"one": one, "two": two, "three": three, "old": old, "b": b}

