# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures of the catalogue's tests: the three demo communes, one of each area type."""

import pytest

from xaso import testing
from xaso.core import tenancy
from xaso.core.catalogue import services
from xaso.core.catalogue.models import Component
from xaso.core.places.models import Commune


@pytest.fixture
def commune_a(users):
    return Commune.objects.get(pk=testing.COMMUNE_A)  # urban


@pytest.fixture
def commune_b(users):
    return Commune.objects.get(pk=testing.COMMUNE_B)  # rural


@pytest.fixture
def commune_c(users):
    return Commune.objects.get(pk=testing.COMMUNE_C)  # mountain (island)


def component(layer: str, tier: str, area: str = "", index: int = 0) -> Component:
    """The index-th component of a layer with this tier (and area), in the model's order."""
    return Component.objects.filter(layer_id=layer, tier=tier, area=area).order_by("position")[index]


def update(user, commune, comp, **values):
    """Change a record as the user would, through the service, in the user's own scope."""
    values.setdefault("status", "planned")
    with tenancy.acting_as(user):
        return services.adoption_update(actor=user, commune=commune, component=comp, **values)
