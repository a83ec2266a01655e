# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province matrix: communes × layers, live over applicable, for those who oversee the province."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xaso import testing
from xaso.core import tenancy
from xaso.core.catalogue import seed
from xaso.core.catalogue.models import Adoption, Component
from xaso.core.places.models import Commune

from .conftest import component, update
from .helpers import read_export

URL = reverse("catalogue:matrix")


def applicable_in_data(area_type: str, layer: str) -> int:
    """How many components of a layer apply to an area type, counted in the data file itself."""
    entry = next(entry for entry in seed.model_data()["layers"] if entry["key"] == layer)
    return sum(1 for c in entry["components"] if c["tier"] != "area" or c["area"] == area_type)


@pytest.fixture
def known(users, commune_a, commune_b, commune_c):
    """A small dataset whose every number is known. An area component of another area type (left over
    from before a commune's area type changed) must count for nothing."""
    update(users["ada"], commune_a, component("HTS", "commune", index=0), status="live")
    update(users["ada"], commune_a, component("HTS", "commune", index=1), status="live")
    update(users["ada"], commune_a, component("HTS", "area", "urban"), status="live")
    update(users["ada"], commune_a, component("HTS", "commune", index=2), status="in_progress")
    update(users["ada"], commune_a, component("ANM", "commune"), status="planned")
    update(users["ada"], commune_b, component("HTS", "area", "rural"), status="live")
    update(users["ada"], commune_b, component("ANM", "commune"), status="live")
    update(users["ada"], commune_c, component("HTS", "area", "mountain"), status="live")
    # Not applicable any more: written straight to the table, as no service would allow it.
    Adoption.objects.create(commune=commune_a, component=component("HTS", "area", "rural"), status="live")
    Adoption.objects.create(commune=commune_c, component=component("DL", "area", "urban"), status="live")
    return {"a": commune_a, "b": commune_b, "c": commune_c}


def rows_by_code(response):
    return {row.commune.code: row for row in response.context["table"].rows}


def test_it_counts_live_over_applicable_per_layer_by_area_type(known, client_for):
    response = client_for("paula").get(URL)
    assert response.status_code == 200
    table = response.context["table"]
    assert [layer.key for layer in table.layers][:2] == ["HTS", "ANM"] and len(table.layers) == 12
    rows = rows_by_code(response)
    assert set(rows) == set(Commune.objects.filter(province_id=testing.PROVINCE).values_list("code", flat=True))
    a, b, c = rows[testing.COMMUNE_A], rows[testing.COMMUNE_B], rows[testing.COMMUNE_C]
    hts, anm, dl = 0, 1, 2
    assert (a.cells[hts].live, a.cells[hts].applicable) == (3, applicable_in_data("urban", "HTS"))
    assert a.cells[hts].in_progress == 1
    assert (a.cells[anm].live, a.cells[anm].applicable) == (0, applicable_in_data("urban", "ANM"))
    assert (b.cells[hts].live, b.cells[hts].applicable) == (1, applicable_in_data("rural", "HTS"))
    assert (b.cells[anm].live, b.cells[anm].applicable) == (1, applicable_in_data("rural", "ANM"))
    assert (c.cells[hts].live, c.cells[hts].applicable) == (1, applicable_in_data("mountain", "HTS"))
    assert (c.cells[dl].live, c.cells[dl].applicable) == (0, applicable_in_data("mountain", "DL"))
    assert (a.total.live, a.total.applicable) == (3, Component.objects.filter(Component.applicable_q("urban")).count())
    assert (b.total.live, c.total.live) == (2, 1)
    assert a.cells[hts].percent == round(300 / applicable_in_data("urban", "HTS"))
    assert table.total.live == 6 and table.totals[hts].live == 5
    body = response.content.decode()
    assert f"3/{applicable_in_data('urban', 'HTS')}" in body


def test_the_applicable_counts_differ_by_area_type(known, client_for):
    rows = rows_by_code(client_for("paula").get(URL))
    totals = {code: rows[code].total.applicable for code in (testing.COMMUNE_A, testing.COMMUNE_B, testing.COMMUNE_C)}
    assert totals == {code: Component.objects.filter(Component.applicable_q(area)).count()
                      for code, area in ((testing.COMMUNE_A, "urban"), (testing.COMMUNE_B, "rural"),
                                         (testing.COMMUNE_C, "mountain"))}
    assert len(set(totals.values())) == 3


def test_it_filters_by_area_type(known, client_for):
    rows = rows_by_code(client_for("paula").get(URL + "?area_type=rural"))
    assert testing.COMMUNE_B in rows and testing.COMMUNE_A not in rows and testing.COMMUNE_C not in rows
    assert {row.commune.area_type for row in rows.values()} == {"rural"}


def test_a_bad_area_type_is_named_and_ignored(known, client_for):
    response = client_for("paula").get(URL + "?area_type=desert")
    assert response.status_code == 200 and "Loại địa bàn: " in response.content.decode()
    assert testing.COMMUNE_A in rows_by_code(response)


def test_oscar_of_another_province_cannot_see_province_22(known, client_for):
    oscar = client_for("oscar")
    assert oscar.get(URL + f"?province={testing.PROVINCE}").status_code == 404
    own = oscar.get(URL)
    assert own.status_code == 200 and own.context["province"].code == testing.OTHER_PROVINCE
    assert testing.COMMUNE_A not in rows_by_code(own)
    assert all(row.total.live == 0 for row in own.context["table"].rows)


def test_an_administrator_chooses_the_province_and_starts_at_the_first(known, client_for):
    ada = client_for("ada")
    assert ada.get(URL).context["province"].code == "01"
    chosen = ada.get(URL + f"?province={testing.PROVINCE}")
    assert rows_by_code(chosen)[testing.COMMUNE_A].total.live == 3
    assert ada.get(URL + "?province=99").status_code == 404


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "cindy"])
def test_commune_officials_and_citizens_have_no_matrix(known, client_for, who):
    assert client_for(who).get(URL).status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(client, known):
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_its_exports_parse_back_with_the_same_numbers(known, client_for, fmt):
    rows = read_export(client_for("paula").get(URL + f"?export={fmt}"))
    assert len(rows) == Commune.objects.filter(province_id=testing.PROVINCE).count()
    a = next(r for r in rows if testing.COMMUNE_A in r.values())
    values = list(a.values())
    # commune code, name, area type, then HTS live and applicable, ANM live and applicable, ...
    assert values[3:7] == [3, applicable_in_data("urban", "HTS"), 0, applicable_in_data("urban", "ANM")] or \
        values[3:7] == ["3", str(applicable_in_data("urban", "HTS")), "0", str(applicable_in_data("urban", "ANM"))]


def fill(province: str, per_commune: int) -> int:
    """Give every commune of the province a record for its first applicable components."""
    with tenancy.unscoped():
        components = list(Component.objects.order_by("position"))
        rows = []
        for i, commune in enumerate(Commune.objects.filter(province=province)):
            applicable = [c for c in components if c.applies_to(commune)][:per_commune]
            rows += [Adoption(commune=commune, component=c, status=("live", "in_progress", "planned")[(i + j) % 3])
                     for j, c in enumerate(applicable)]
        Adoption.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def queries(client, url) -> int:
    """The queries of one page view, but those of the session (the idle clock saves the session when a
    second has passed since the last request, which depends on the clock, not on the page)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len([q for q in captured.captured_queries
                if "django_session" not in q["sql"] and not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


def test_it_runs_the_same_few_queries_however_many_communes_and_records(users, client_for,
                                                                       django_assert_max_num_queries):
    ada = client_for("ada")
    ada.get(URL)  # the session and the device are loaded the same way on every later request
    small = queries(ada, URL + f"?province={testing.PROVINCE}")
    fill(testing.PROVINCE, 5)
    assert queries(ada, URL + f"?province={testing.PROVINCE}") == small
    fill(testing.PROVINCE, 150)
    assert queries(ada, URL + f"?province={testing.PROVINCE}") == small
    largest = Commune.objects.filter(province="79").count()
    assert largest > 3 * Commune.objects.filter(province=testing.PROVINCE).count()
    fill("79", 150)
    assert queries(ada, URL + "?province=79") == small
    with django_assert_max_num_queries(12):
        ada.get(URL + "?province=79&area_type=urban")
