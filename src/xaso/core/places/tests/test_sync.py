# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso places sync`: loads what the vietnam-provinces package has, and a second run changes nothing."""

from io import StringIO

from django.core.management import call_command

from xaso import testing
from xaso.core.places.models import Commune, Province


def sync() -> str:
    out = StringIO()
    call_command("places", "sync", stdout=out)
    return out.getvalue()


def test_it_adds_what_is_missing_and_a_second_run_creates_nothing(db):
    Commune.objects.filter(pk=testing.COMMUNE_C).delete()
    assert sync().startswith("Provinces: 0 created, 0 updated. Communes: 1 created, 0 updated.")
    assert Commune.objects.get(pk=testing.COMMUNE_C).folded_name == "dac khu van don"
    assert sync() == ("Provinces: 0 created, 0 updated. Communes: 0 created, 0 updated. "
                      "Now 34 provinces and 3321 communes.\n")


def test_it_restores_names_but_keeps_the_area_type_an_official_set(db):
    Commune.objects.filter(pk=testing.COMMUNE_A).update(name="Phường Cũ", folded_name="phuong cu",
                                                         area_type="mountain")
    Province.objects.filter(pk=testing.PROVINCE).update(name="Quảng Ninh cũ")
    assert sync().startswith("Provinces: 0 created, 1 updated. Communes: 0 created, 1 updated.")
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    assert (commune.name, commune.folded_name, commune.area_type) == ("Phường Hạ Long", "phuong ha long", "mountain")
    assert Province.objects.get(pk=testing.PROVINCE).name == "Quảng Ninh"
