# SPDX-License-Identifier: AGPL-3.0-or-later
import factory

from xaso import testing
from xaso.core.places.models import Commune, Village


class VillageFactory(factory.django.DjangoModelFactory):
    """Villages straight into the table, as set-up (tests open the system scope; the code under test
    goes through the services)."""

    class Meta:
        model = Village

    commune = factory.LazyFunction(lambda: Commune.objects.get(pk=testing.COMMUNE_A))
    name = factory.Sequence(lambda n: f"Thôn {n + 1}")
    kind = Village.Kind.THON
