# SPDX-License-Identifier: AGPL-3.0-or-later
"""Progress by layer: the credit of each component from its status and, for the components xaso
provides, from whether its figures show it in use; the same numbers for one commune and in the matrix."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from xaso import testing
from xaso.core.catalogue.models import Adoption, Component
from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import Commune
from xaso.modules.measurement import compute, progress

from .test_dashboard import dossier, last_month, procedure  # noqa: F401 (a fixture)

A, B = testing.COMMUNE_A, testing.COMMUNE_B


@pytest.fixture
def adopted(users, procedure):  # noqa: F811 (the fixture imported above)
    """Commune A declares: NVCQS1 live (evidenced by dossiers received), UDCQS9 live (evidenced by field
    reports, of which there are none), NVCQS2 in progress, NVCQS3 planned, HTS6 live (no evidence in xaso).
    Last month A received one dossier."""
    period = last_month()
    dossier(procedure, A, received=period.start)
    compute.rebuild(first=period, last=period, communes=[A, B], today=local_today())
    for key, status in (("NVCQS1", "live"), ("UDCQS9", "live"), ("NVCQS2", "in_progress"), ("NVCQS3", "planned"),
                        ("HTS6", "live")):
        Adoption.objects.create(commune_id=A, component_id=key, status=status)
    return period


def items(plan) -> dict:
    return {item.component.key: item for line in plan.layers for item in line.items}


def test_credits_follow_status_and_evidence(adopted):
    plan = progress.commune_progress(Commune.objects.get(pk=A), adopted)
    found = items(plan)

    assert (found["NVCQS1"].evidence, found["NVCQS1"].credit, found["NVCQS1"].flagged) == (
        progress.MET, Decimal(1), False)
    assert found["NVCQS1"].observed.records == 1
    # Declared live, but xaso saw no field report in the last three months.
    assert (found["UDCQS9"].evidence, found["UDCQS9"].credit, found["UDCQS9"].flagged) == (
        progress.NOT_MET, Decimal("0.5"), True)
    assert [item.component.key for item in plan.flagged] == ["UDCQS9"]
    assert (found["HTS6"].evidence, found["HTS6"].credit) == (progress.NOT_APPLICABLE, Decimal(1))
    assert found["NVCQS2"].credit == Decimal("0.5") and found["NVCQS3"].credit == Decimal("0.1")
    assert found["DL10"].status == "not_started" and found["DL10"].credit == 0
    # An area component of another area type does not apply to an urban ward.
    assert "UDCQS19" not in found


def test_a_layer_is_its_credits_over_the_components_that_apply(adopted):
    plan = progress.commune_progress(Commune.objects.get(pk=A), adopted)
    nvcqs = next(line for line in plan.layers if line.layer.key == "NVCQS")

    applicable = Component.objects.filter(Component.applicable_q("urban"), layer_id="NVCQS").count()
    assert nvcqs.applicable == applicable
    assert nvcqs.credit == Decimal("1.6")
    assert nvcqs.percent == (Decimal(160) / applicable).quantize(Decimal("0.1"))
    assert plan.total.applicable == Component.objects.filter(Component.applicable_q("urban")).count()


def test_the_evidence_lapses_when_the_window_has_no_use(adopted):
    later = adopted
    for _ in range(3):
        later = later.next()
    found = items(progress.commune_progress(Commune.objects.get(pk=A), later))

    assert found["NVCQS1"].evidence == progress.NOT_MET and found["NVCQS1"].flagged


def test_the_matrix_gives_the_commune_the_same_numbers_in_a_fixed_number_of_queries(adopted):
    commune = Commune.objects.get(pk=A)
    plan = progress.commune_progress(commune, adopted)
    everyone = list(Commune.objects.filter(province_id=commune.province_id))

    with CaptureQueriesContext(connection) as one:
        progress.province_matrix([commune], adopted)
    with CaptureQueriesContext(connection) as many:
        matrix = progress.province_matrix(everyone, adopted)

    row = matrix.row_of(A)
    assert [cell.percent for cell in row.cells] == [line.percent for line in plan.layers]
    assert row.total.percent == plan.total.percent and row.total.flagged == 1
    assert matrix.row_of(B).total.credit == 0
    assert len(one) == len(many)


def test_approved_returns_evidence_the_data_components(users):
    from xaso.modules.datasets.models import Return, Status
    from xaso.modules.datasets.tests.conftest import make_dataset

    period = last_month()
    dataset = make_dataset(period_type="monthly")
    Adoption.objects.create(commune_id=A, component_id="DL11", status="live")
    Adoption.objects.create(commune_id=B, component_id="DL11", status="live")
    Return.objects.create(dataset=dataset, commune_id=A, period=period.key, period_start=period.start,
                          period_end=period.end, due_date=period.end + dt.timedelta(days=10),
                          status=Status.APPROVED)
    Return.objects.create(dataset=dataset, commune_id=B, period=period.key, period_start=period.start,
                          period_end=period.end, due_date=period.end + dt.timedelta(days=10), status=Status.DRAFT)

    a = items(progress.commune_progress(Commune.objects.get(pk=A), period))["DL11"]
    b = items(progress.commune_progress(Commune.objects.get(pk=B), period))["DL11"]

    assert (a.evidence, a.credit) == (progress.MET, Decimal(1))
    assert (b.evidence, b.credit, b.flagged) == (progress.NOT_MET, Decimal("0.5"), True)


def test_the_progress_page_and_its_exports(client_for, adopted):
    alice = client_for("alice")
    page = reverse("measurement:progress", args=[A]) + f"?period={adopted.key}"

    response = alice.get(page)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-component="UDCQS9" class="flagged"' in html
    assert reverse("catalogue:adoption", args=[A, "NVCQS1"]) in html
    rows = csv.reader(io.StringIO(alice.get(page + "&export=csv&table=components").content.decode("utf-8-sig")))
    by_code = {row[1]: row for row in rows}  # layer, code, name, status, evidence, …, credit, flagged
    assert by_code["ỨDCQS9"][8] == "0.5" and by_code["ỨDCQS9"][9] == "True"
    assert by_code["NVCQS1"][8] == "1" and by_code["NVCQS3"][8] == "0.1"
    layers = alice.get(page + "&export=csv&table=layers").content.decode("utf-8-sig")
    assert "NVCQS" in layers
    assert client_for("charlie").get(page).status_code == 404
