# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's view of its communes' returns: who must report, each return's state, the rates, the
approved figures summed with drill-down, and the pages with their permissions and exports."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from xaso.core.places.models import Commune
from xaso.modules.datasets import periods, validation
from xaso.modules.datasets import selectors_province as sp
from xaso.modules.datasets.models import DataElement, PeriodType, Return, Status, Value, slot_of
from xaso.testing import COMMUNE_A, COMMUNE_B, COMMUNE_C, OTHER_PROVINCE, PROVINCE

from .conftest import make_dataset

TODAY = datetime.date(2026, 11, 20)  # Q3 was due on 10 October; Q4 is due on 10 January 2027


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(day + "T09:00"))


def make_return(dataset, commune, period, status=Status.DRAFT, submitted=None):
    p = periods.parse(dataset.period_type, period)
    return Return.objects.create(dataset=dataset, commune_id=commune, period=p.key, period_start=p.start,
                                 period_end=p.end, due_date=p.due(dataset.due_days), status=status,
                                 first_submitted_at=at(submitted) if submitted else None)


def put(ret, code, raw, village=None, comment=""):
    element = DataElement.objects.get(province_id=PROVINCE, code=code)
    text, number = validation.clean_value(element, raw)
    return Value.objects.create(ret=ret, element=element, village=village, slot=slot_of(village and village.pk, ""),
                                text=text, number=number, comment=comment, updated_at=timezone.now())


def grid_states(grid):
    return {(cell.commune_id, cell.period.key): cell.state for line in grid.rows for cell in line.cells}


def test_it_lists_the_communes_that_must_report_as_dataset_reports_says(users):
    dataset = make_dataset("QN.MOUNTAIN", area_types=["mountain"])
    dataset.communes.add(Commune.objects.get(pk=COMMUNE_A), Commune.objects.get(pk="00004"))  # 00004: Hà Nội
    listed = set(sp.reporting_communes(dataset).values_list("pk", flat=True))
    expected = {c.pk for c in Commune.objects.filter(province_id=PROVINCE) if dataset.reports(c)}
    assert listed == expected and COMMUNE_A in listed and COMMUNE_C in listed and COMMUNE_B not in listed
    assert set(sp.reporting_communes(dataset, area_type="urban").values_list("pk", flat=True)) == {COMMUNE_A}
    everyone = make_dataset("QN.ALL")
    assert sp.reporting_communes(everyone).count() == Commune.objects.filter(province_id=PROVINCE).count()


def test_it_tells_on_time_late_in_progress_missing_and_not_yet_due(users, dataset):
    make_return(dataset, COMMUNE_A, "2026Q3", Status.APPROVED, submitted="2026-10-10")  # on the due day
    make_return(dataset, COMMUNE_B, "2026Q3", Status.SUBMITTED, submitted="2026-10-11")
    make_return(dataset, COMMUNE_C, "2026Q3")  # a draft never submitted, after the due date
    make_return(dataset, COMMUNE_A, "2026Q2", Status.SUBMITTED, submitted="2026-07-01")
    make_return(dataset, COMMUNE_B, "2026Q2", Status.RETURNED, submitted="2026-07-20")
    make_return(dataset, COMMUNE_A, "2026Q4")  # a draft before the due date
    make_return(dataset, COMMUNE_C, "2026Q4", Status.SUBMITTED, submitted="2026-11-02")  # early
    grid = sp.status_grid(dataset, sp.period_range(dataset, "2026Q2", "2026Q4"), today=TODAY)
    states = grid_states(grid)
    assert [states[(COMMUNE_A, p)] for p in ("2026Q2", "2026Q3", "2026Q4")] == ["on_time", "approved", "in_progress"]
    assert [states[(COMMUNE_B, p)] for p in ("2026Q2", "2026Q3", "2026Q4")] == ["in_progress", "late", "not_due"]
    assert [states[(COMMUNE_C, p)] for p in ("2026Q2", "2026Q3", "2026Q4")] == ["missing", "missing", "on_time"]
    approved = next(c for line in grid.rows for c in line.cells if c.state == "approved")
    assert approved.on_time is True and approved.ret_id is not None


def test_it_counts_completeness_and_timeliness_per_period_and_commune(users, dataset):
    make_return(dataset, COMMUNE_A, "2026Q3", Status.APPROVED, submitted="2026-10-05")
    make_return(dataset, COMMUNE_B, "2026Q3", Status.SUBMITTED, submitted="2026-10-20")
    make_return(dataset, COMMUNE_C, "2026Q3", Status.RETURNED, submitted="2026-10-01")
    make_return(dataset, COMMUNE_A, "2026Q4", Status.SUBMITTED, submitted="2026-11-02")
    grid = sp.status_grid(dataset, sp.period_range(dataset, "2026Q3", "2026Q4"), today=TODAY)
    q3, q4 = grid.columns
    communes = len(grid.rows)
    # Q3 is due: every commune is expected; A and B sent (completeness), A and C sent first by the due date.
    assert (q3.completeness.done, q3.completeness.expected) == (2, communes)
    assert (q3.timeliness.done, q3.timeliness.expected) == (2, communes)
    # Q4 is still open: only the early return counts, and it is complete and timely.
    assert (q4.completeness.done, q4.completeness.expected, q4.timeliness.percent) == (1, 1, 100)
    row = {line.commune.pk: line for line in grid.rows}
    assert (row[COMMUNE_A].completeness.percent, row[COMMUNE_A].timeliness.percent) == (100, 100)
    assert (row[COMMUNE_B].completeness.percent, row[COMMUNE_B].timeliness.percent) == (100, 0)
    assert (row[COMMUNE_C].completeness.percent, row[COMMUNE_C].timeliness.percent) == (0, 100)
    assert q3.states["approved"] == 1 and q3.states["missing"] == communes - 3


def test_a_dataset_reported_once_is_due_some_days_after_its_publication(users, client_for):
    once = make_dataset("QN.ONCE", period_type=PeriodType.ONCE)
    today = timezone.localdate()
    period = sp.reporting_period(once, today)
    assert period.key == "ONCE" and sp.due_date(once, period) == today + datetime.timedelta(days=10)
    grid = sp.status_grid(once, [period], today=today)
    assert set(grid_states(grid).values()) == {"not_due"} and grid.total.completeness.percent is None
    assert client_for("paula").get(base("QN.ONCE")).status_code == 200
    assert client_for("paula").get(f"/data/provinces/{PROVINCE}/returns/").status_code == 200


def test_it_refuses_a_backwards_malformed_or_too_long_range(users, dataset):
    with pytest.raises(Exception, match="trước"):
        sp.period_range(dataset, "2026Q3", "2026Q1")
    with pytest.raises(Exception, match="hằng quý"):
        sp.period_range(dataset, "2026M07", "2026Q3")
    with pytest.raises(Exception, match="24"):
        sp.period_range(dataset, "2010Q1", "2026Q3")
    assert [p.key for p in sp.period_range(dataset, "2025Q4", "2026Q2")] == ["2025Q4", "2026Q1", "2026Q2"]


@pytest.fixture
def figures(users, dataset, villages):
    """Q3: A and B approved, C submitted (not approved: must not count); Q2: A approved."""
    a = make_return(dataset, COMMUNE_A, "2026Q3", Status.APPROVED, submitted="2026-10-05")
    for code, raw, village in [("HH", "120", "a1"), ("HH", "80", "a2"), ("POOR", "12", "a1"), ("POOR", "8", "a2")]:
        put(a, code, raw, villages[village])
    for code, raw in [("DOSSIERS", "30"), ("RATE", "40"), ("WIFI", "có"), ("ROAD", "Nhựa")]:
        put(a, code, raw)
    b = make_return(dataset, COMMUNE_B, "2026Q3", Status.APPROVED, submitted="2026-10-06")
    put(b, "HH", "50", villages["b1"])
    put(b, "POOR", "5", villages["b1"])
    for code, raw in [("DOSSIERS", "10"), ("RATE", "60"), ("WIFI", "không"), ("ROAD", "Nhựa")]:
        put(b, code, raw)
    c = make_return(dataset, COMMUNE_C, "2026Q3", Status.SUBMITTED, submitted="2026-10-06")
    put(c, "DOSSIERS", "1000")
    put(c, "ROAD", "Đất")
    put(make_return(dataset, COMMUNE_A, "2026Q2", Status.APPROVED, submitted="2026-07-02"), "DOSSIERS", "7")
    return dataset


def test_it_adds_up_approved_returns_only(figures):
    result = sp.aggregate(figures, sp.period_range(figures, "2026Q2", "2026Q3"))
    shown = {element.code: values for element, values in result.rows()}
    assert shown["HH"] == [None, 250] and shown["POOR"] == [None, 25]
    assert shown["DOSSIERS"] == [7, 40]  # C's 1,000 is submitted, not approved
    assert shown["RATE"] == [None, Decimal("50.00")]  # a rate is averaged, not summed
    assert shown["WIFI"] == [None, 1]  # the number of "yes"
    assert shown["ROAD"] == [None, {"Nhựa": 2}]  # C's "Đất" is not approved
    assert result.approved == {"2026Q2": 1, "2026Q3": 2}


def test_the_drill_down_adds_up_to_the_province_total(figures):
    q3 = periods.parse(figures.period_type, "2026Q3")
    total = {e.code: v for e, (v,) in sp.aggregate(figures, [q3]).rows()}
    communes = sp.by_commune(figures, q3)
    for element in communes.elements:
        assert communes.total(element) == total[element.code], element.code
    hh = next(e for e in communes.elements if e.code == "HH")
    assert (communes.value(hh, COMMUNE_A), communes.value(hh, COMMUNE_B), communes.value(hh, COMMUNE_C)) == (
        200, 50, None)
    villages = sp.by_village(figures, Commune.objects.get(pk=COMMUNE_A), q3)
    for element in villages.elements:
        assert villages.total(element) == communes.value(element, COMMUNE_A), element.code
    names = dict(villages.places)
    assert [villages.value(hh, key) for key in names] == [120, 80, None]  # Khu 1, Khu 2, the commune
    dossiers = next(e for e in villages.elements if e.code == "DOSSIERS")
    assert villages.value(dossiers, None) == 30


# --- Pages -----------------------------------------------------------------------------------------


def base(dataset_code="QN.Q1"):
    return f"/data/provinces/{PROVINCE}/returns/{dataset_code}/"


PAGES = ["", "aggregate/", "aggregate/communes/?period=2026Q3", f"aggregate/communes/{COMMUNE_A}/?period=2026Q3",
         "quality/"]


def test_only_the_provinces_officials_see_its_returns(figures, client_for, client):
    urls = [f"/data/provinces/{PROVINCE}/returns/", *(base() + page for page in PAGES)]
    for url in urls:
        assert client_for("paula").get(url).status_code == 200, url
        assert client_for("ada").get(url).status_code == 200, url
        assert client_for("oscar").get(url).status_code == 404, url
        for name in ("alice", "hana", "charlie", "cindy"):
            assert client_for(name).get(url).status_code == 403, (name, url)
        assert client.get(url).status_code == 302, url


def test_it_answers_404_for_what_lies_outside_the_province(figures, client_for):
    paula = client_for("paula")
    make_dataset("QN.DRAFT", published=False)
    make_dataset("HN.Q1", province=OTHER_PROVINCE)
    assert paula.get(base("QN.DRAFT")).status_code == 404
    assert paula.get(f"/data/provinces/{OTHER_PROVINCE}/returns/HN.Q1/").status_code == 404
    assert paula.get(base("HN.Q1")).status_code == 404
    assert paula.get(base() + "aggregate/communes/00004/").status_code == 404  # a commune of Hà Nội
    assert paula.get("/data/provinces/99/returns/").status_code == 404


def test_the_overview_shows_each_dataset_with_its_rates(figures, client_for):
    response = client_for("paula").get(f"/data/provinces/{PROVINCE}/returns/?export=json")
    row = next(r for r in json.loads(response.content) if r["code"] == "QN.Q1")
    assert row["period"] and row["expected"] == sp.reporting_communes(figures).count()
    page = client_for("paula").get(f"/data/provinces/{PROVINCE}/returns/")
    assert b'role="img"' in page.content and base().encode() in page.content


def test_the_grid_filters_by_area_type_and_range_and_exports_both_tables(figures, client_for):
    paula = client_for("paula")
    response = paula.get(base(), {"first": "2026Q2", "last": "2026Q3", "area_type": "urban", "export": "json"})
    rows = json.loads(response.content)
    assert {r["commune_code"] for r in rows} == set(
        Commune.objects.filter(province_id=PROVINCE, area_type="urban").values_list("pk", flat=True))
    a = next(r for r in rows if r["commune_code"] == COMMUNE_A)
    assert set(a) >= {"2026Q2", "2026Q3", "completeness", "timeliness"} and "2026Q4" not in a
    per_period = json.loads(paula.get(base(), {"first": "2026Q3", "last": "2026Q3", "export": "json",
                                               "table": "periods"}).content)
    assert [(r["period"], r["approved"]) for r in per_period] == [("2026Q3", 2)]
    page = paula.get(base(), {"first": "2026Q3", "last": "2026Q3"})
    link = reverse("datasets:return", kwargs={"commune_code": COMMUNE_A, "dataset_code": "QN.Q1", "period": "2026Q3"})
    assert link.encode() in page.content  # approving and sending back happen on the return's own page
    csv = paula.get(base(), {"export": "csv"})
    assert csv["Content-Type"].startswith("text/csv") and csv.content.startswith("\ufeff".encode())


def test_bad_filters_get_a_message_and_the_default_view(figures, client_for):
    paula = client_for("paula")
    response = paula.get(base(), {"first": "2026Q9", "area_type": "moon"})
    assert response.status_code == 400 and b"2026Q9" in response.content
    assert paula.get(base() + "aggregate/", {"period": "nope"}).status_code == 400
    assert paula.get(base() + "aggregate/communes/", {"period": "2026-07"}).status_code == 400


def test_the_aggregate_page_charts_and_exports_the_approved_sums(figures, client_for):
    paula = client_for("paula")
    page = paula.get(base() + "aggregate/", {"period": ["2026Q2", "2026Q3"], "element": "HH"})
    assert page.status_code == 200 and b"<svg" in page.content and b"aggregate/communes/?period=2026Q3" in page.content
    rows = {r["code"]: r for r in json.loads(paula.get(base() + "aggregate/", {
        "period": ["2026Q3", "2026Q2"], "export": "json"}).content)}
    assert (rows["HH"]["2026Q3"], rows["DOSSIERS"]["2026Q2"], rows["ROAD"]["2026Q3"]) == (250, 7, "Nhựa: 2")
    workbook = load_workbook(io.BytesIO(paula.get(base() + "aggregate/", {"period": "2026Q3",
                                                                           "export": "xlsx"}).content))
    sheet = list(workbook.active.values)
    assert len(sheet[0]) == 5  # code, element, unit, how, and the one period
    assert any(r[0] == "HH" and r[4] == 250 for r in sheet[1:])


def test_the_drill_down_pages_export_rows_that_add_up(figures, client_for):
    paula = client_for("paula")
    rows = json.loads(paula.get(base() + "aggregate/communes/", {"period": "2026Q3", "element": "HH",
                                                                 "export": "json"}).content)
    assert set(rows[0]) == {"key", "name", "HH"}
    by_code = {r["key"]: r["HH"] for r in rows}
    assert (by_code[COMMUNE_A], by_code[COMMUNE_B], by_code[""]) == (200, 50, 250)
    villages = json.loads(paula.get(base() + f"aggregate/communes/{COMMUNE_A}/", {
        "period": "2026Q3", "export": "json"}).content)
    assert [r["HH"] for r in villages] == [120, 80, None, 200] and villages[-1]["DOSSIERS"] == 30
    roads = json.loads(paula.get(base() + "aggregate/communes/", {"period": "2026Q3", "element": "ROAD",
                                                                  "export": "json"}).content)
    assert {r["key"]: r["ROAD"] for r in roads}[COMMUNE_A] == "Nhựa: 1"
    assert paula.get(base() + "aggregate/communes/", {"period": "2026Q3", "element": "ROAD"}).status_code == 200
    page = paula.get(base() + f"aggregate/communes/{COMMUNE_A}/", {"period": "2026Q3"})
    assert b"Khu 1" in page.content and b'role="img"' in page.content


def test_the_quality_page_exports_the_province_first(figures, client_for):
    rows = json.loads(client_for("paula").get(base() + "quality/", {"first": "2026Q3", "last": "2026Q3",
                                                                     "export": "json"}).content)
    assert rows[0]["code"] == "" and {"correct", "complete", "clean", "live", "consistent", "shared",
                                       "overall"} <= set(rows[0])
    a = next(r for r in rows if r["code"] == COMMUNE_A)
    assert a["correct"] == 100 and a["live"] == 100
