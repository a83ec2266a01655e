# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune and province dashboards: the numbers on the pages are the snapshots', the filters narrow
them, each table downloads, and each person sees only their commune or province."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, translation
from openpyxl import load_workbook

from xaso import testing
from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import Commune
from xaso.modules.dossiers.models import Dossier
from xaso.modules.measurement import compute, months, rules, selectors
from xaso.modules.measurement.models import IndicatorValue, Score
from xaso.modules.procedures.models import Procedure, Sector

VN = ZoneInfo("Asia/Ho_Chi_Minh")
A, B = testing.COMMUNE_A, testing.COMMUNE_B
_n = iter(range(100_000))


def last_month() -> months.Period:
    """A month wholly past, whatever day the tests run: its dossiers can all be resolved."""
    return months.containing(local_today()).previous()


def dossier(procedure, commune, *, received, due=None, resolved=None, channel="1", status=None):
    return Dossier.objects.create(
        commune_id=commune, code=f"D-{next(_n)}", procedure=procedure,
        status=status or ("returned" if resolved else "processing"), channel=channel,
        applicant_name="Nguyễn Văn An", applicant_id_number="001190012345",
        received_at=dt.datetime.combine(received, dt.time(9), tzinfo=VN), processing_days=5, due_date=due,
        resolved_on=resolved)


@pytest.fixture
def procedure(users):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    return Procedure.objects.create(code="1.000001", name="Xác nhận tình trạng hôn nhân", sector=sector,
                                    processing_days=5, online_level="full", effective_from=dt.date(2025, 7, 1))


@pytest.fixture
def month(users, procedure):
    """Last month's snapshots of communes A and B: A resolved 3 of 4 dossiers on time, 3 filed online;
    B one dossier, on time, at the counter."""
    rules.load_shipped()
    period = last_month()
    day = period.start
    for resolved, channel in ((3, "2"), (4, "2"), (5, "2"), (12, "1")):
        dossier(procedure, A, received=day, due=day + dt.timedelta(days=7),
                resolved=day + dt.timedelta(days=resolved), channel=channel)
    dossier(procedure, B, received=day, due=day + dt.timedelta(days=7), resolved=day + dt.timedelta(days=2))
    compute.rebuild(first=period, last=period, communes=[A, B], today=local_today())
    return period


def vi(value) -> str:
    with translation.override("vi"):
        return formats.localize(value)


def url(name, *args, **query) -> str:
    path = reverse(f"measurement:{name}", args=args)
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- The commune's page ---------------------------------------------------------------------------


def test_commune_page_shows_the_snapshots_of_the_month(client_for, month):
    response = client_for("alice").get(url("commune_dashboard", A, period=month.key))

    assert response.status_code == 200
    html = response.content.decode()
    ontime = IndicatorValue.objects.get(commune_id=A, period=month.key, indicator__code="KPI.DVC.ONTIME")
    online = IndicatorValue.objects.get(commune_id=A, period=month.key, indicator__code="KPI.DVC.ONLINE")
    assert (ontime.value, online.value) == (75, 75)
    shown = {i.code: i for i in response.context["board"].indicators}
    assert shown["KPI.DVC.ONTIME"].value == ontime.value and shown["KPI.DVC.ONTIME"].met is False
    assert f"{vi(ontime.value)}%" in html
    score = Score.objects.get(commune_id=A, period=month.key)
    assert f'<strong class="big" id="score-total">{vi(score.total)}</strong>' in html
    assert score.band in html
    # The score links to the criteria of the same month.
    assert reverse("measurement:commune_index_month", args=[A, month.key]) in html
    # The trend charts are drawn on the server, each with its table.
    assert html.count("<svg") >= 4
    assert reverse("reports:index", args=[A]) in html


def test_the_default_month_is_this_month_and_a_bad_one_is_refused(client_for, month):
    alice = client_for("alice")

    assert alice.get(url("commune_dashboard", A)).context["period"].key == months.containing(local_today()).key
    future = months.containing(local_today()).next()
    refused = alice.get(url("commune_dashboard", A, period=future.key))
    assert refused.status_code == 400
    assert refused.context["form"].errors["period"][0].startswith(future.label)
    malformed = alice.get(url("commune_dashboard", A, period="2026-07"))
    assert malformed.status_code == 400 and malformed.context["form"].errors["period"]
    assert malformed.context["period"].key == months.containing(local_today()).key


def test_overdue_work_is_counted_and_linked(client_for, month, procedure):
    late = dossier(procedure, A, received=month.start, due=month.start + dt.timedelta(days=3))

    response = client_for("alice").get(url("commune_dashboard", A, period=month.key))

    assert response.context["board"].overdue.counts == {"dossiers": 1, "reports": 0, "petitions": 0}
    assert reverse("dossiers:detail", args=[A, late.code]) in response.content.decode()
    listed = client_for("alice").get(url("commune_dashboard", A, period=month.key, export="csv", table="overdue"))
    assert [row[1] for row in csv.reader(io.StringIO(listed.content.decode("utf-8-sig")))][1:] == [late.code]
    assert client_for("charlie").get(url("commune_dashboard", B)).context["board"].overdue.counts["dossiers"] == 0


def test_each_table_of_the_commune_downloads(client_for, month):
    alice = client_for("alice")

    indicators = alice.get(url("commune_dashboard", A, period=month.key, export="csv", table="indicators"))
    rows = list(csv.reader(io.StringIO(indicators.content.decode("utf-8-sig"))))
    assert indicators["Content-Type"].startswith("text/csv")
    ontime = next(r for r in rows if r[0] == "KPI.DVC.ONTIME")
    assert ontime[2] == "75" and ontime[4] == "95"
    trend = alice.get(url("commune_dashboard", A, period=month.key, export="xlsx", table="trend"))
    sheet = load_workbook(io.BytesIO(trend.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == 1 + selectors.TREND_MONTHS and lines[-1][0] == month.key
    assert lines[-1][1] == float(Score.objects.get(commune_id=A, period=month.key).total)
    for table in ("groups", "overdue", "reports", "returns", "satisfaction", "progress"):
        assert alice.get(url("commune_dashboard", A, export="json", table=table)).status_code == 200
    assert alice.get(url("commune_dashboard", A, export="csv", table="nothing")).status_code == 404


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("bob", 200), ("paula", 200), ("ada", 200),
                                             ("charlie", 404), ("oscar", 404), ("cindy", 403)])
def test_who_sees_commune_a(client_for, month, who, status):
    assert client_for(who).get(url("commune_dashboard", A)).status_code == status
    assert client_for(who).get(url("progress", A)).status_code == status


def test_a_visitor_is_sent_to_sign_in(client, users):
    response = client.get(url("commune_dashboard", A))
    assert response.status_code == 302 and "login" in response["Location"]


# --- The province's page --------------------------------------------------------------------------


def test_province_page_compares_the_communes_from_their_snapshots(client_for, month):
    response = client_for("paula").get(url("province_dashboard", testing.PROVINCE, period=month.key))

    assert response.status_code == 200
    data = response.context["data"]
    assert len(data.lines) == Commune.objects.filter(province_id=testing.PROVINCE).count()
    lines = {line.commune.code: line for line in data.lines}
    for code in (A, B):
        score = Score.objects.get(commune_id=code, period=month.key)
        assert lines[code].total == score.total
        assert lines[code].values["KPI.DVC.ONTIME"].value == IndicatorValue.objects.get(
            commune_id=code, period=month.key, indicator__code="KPI.DVC.ONTIME").value
    assert lines[B].values["KPI.DVC.ONTIME"].value == 100 and lines[B].values["KPI.DVC.ONLINE"].value == 0
    html = response.content.decode()
    # Each commune links to its own dashboard of the same month (drill-down).
    assert f'{reverse("measurement:commune_dashboard", args=[A])}?period={month.key}' in html
    assert html.count("<svg") >= 2


def test_province_filters_narrow_the_communes(client_for, month):
    paula = client_for("paula")

    rural = paula.get(url("province_dashboard", testing.PROVINCE, period=month.key, area_type="rural"))
    codes = {line.commune.code for line in rural.context["data"].lines}
    assert B in codes and A not in codes
    assert all(line.commune.area_type == "rural" for line in rural.context["data"].lines)
    one = paula.get(url("province_dashboard", testing.PROVINCE, period=month.key, commune=A))
    assert [line.commune.code for line in one.context["data"].lines] == [A]
    wrong = paula.get(url("province_dashboard", testing.PROVINCE, area_type="seaside"))
    assert wrong.status_code == 400 and wrong.context["form"].errors["area_type"]


def test_province_tables_download_with_every_commune(client_for, month):
    paula = client_for("paula")

    response = paula.get(url("province_dashboard", testing.PROVINCE, period=month.key, export="xlsx",
                             table="communes"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert len(body) == Commune.objects.filter(province_id=testing.PROVINCE).count()
    a = next(r for r in body if r[0] == A)
    assert a[header.index("KPI.DVC.ONTIME")] == 75
    assert a[3] == float(Score.objects.get(commune_id=A, period=month.key).total)
    for table in ("progress", "returns", "overdue"):
        listed = paula.get(url("province_dashboard", testing.PROVINCE, period=month.key, export="csv", table=table))
        assert A in listed.content.decode("utf-8-sig")


@pytest.mark.parametrize(("who", "province", "status"), [
    ("paula", testing.PROVINCE, 200), ("ada", testing.PROVINCE, 200), ("oscar", testing.OTHER_PROVINCE, 200),
    ("oscar", testing.PROVINCE, 404), ("paula", testing.OTHER_PROVINCE, 404), ("paula", "99", 404),
    ("alice", testing.PROVINCE, 403), ("cindy", testing.PROVINCE, 403)])
def test_who_sees_a_province(client_for, month, who, province, status):
    assert client_for(who).get(url("province_dashboard", province)).status_code == status


def test_the_province_reads_take_the_same_queries_for_any_number_of_communes(month, users):
    province = Commune.objects.get(pk=A).province

    def queries(**narrow):
        with CaptureQueriesContext(connection) as seen:
            selectors.province_dashboard(province, month, **narrow)
        return len(seen)

    assert queries(commune=A) == queries()


def test_the_province_counts_overdue_work_from_the_last_refresh(client_for, month, procedure):
    """The province's page reads overdue work from the current month's snapshot, which the background
    refresh keeps: it never counts the province's dossiers itself while the page waits."""
    today = local_today()
    dossier(procedure, A, received=today - dt.timedelta(days=30), due=today - dt.timedelta(days=2),
            status="processing")
    this_month = months.containing(today)
    before = selectors.province_dashboard(Commune.objects.get(pk=A).province, this_month, today=today)
    assert next(line for line in before.lines if line.commune.pk == A).overdue["dossiers"] == 0

    compute.rebuild(first=this_month, last=this_month, communes=[A, B], today=today)

    board = selectors.province_dashboard(Commune.objects.get(pk=A).province, this_month, today=today)
    lines = {line.commune.pk: line for line in board.lines}
    assert lines[A].overdue == {"dossiers": 1, "reports": 0, "petitions": 0}
    assert lines[B].overdue["dossiers"] == 0
