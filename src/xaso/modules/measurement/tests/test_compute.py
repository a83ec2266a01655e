# SPDX-License-Identifier: AGPL-3.0-or-later
"""The counting engine: figures per commune and month, the records that cost points, the scores the rules
make of them, and the incremental run that recomputes only what changed."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from xaso import testing
from xaso.modules.dossiers.models import Dossier, DossierStep, Rating
from xaso.modules.measurement import compute, measures, months, rules
from xaso.modules.measurement.models import Figure, IndicatorValue, Origin, Score, Watermark
from xaso.modules.procedures.models import Procedure, Sector

VN = ZoneInfo("Asia/Ho_Chi_Minh")
TODAY = dt.date(2026, 11, 20)


@pytest.fixture(autouse=True)
def scope(db, system_scope):
    """The counting runs as the background command does: across communes."""
NOW = dt.datetime(2026, 11, 20, 18, 0, tzinfo=VN)
A, B = testing.COMMUNE_A, testing.COMMUNE_B


@pytest.fixture
def shipped(db):
    rules.load_shipped()


@pytest.fixture
def procedure(db):
    sector = Sector.objects.create(code="HT", name="Hộ tịch")
    return Procedure.objects.create(code="1.000001", name="Xác nhận tình trạng hôn nhân", sector=sector,
                                    processing_days=5, online_level="full", effective_from=dt.date(2025, 7, 1))


_n = iter(range(10_000))


def dossier(procedure, commune=A, *, received, due=None, resolved=None, channel="1", status=None, rating=None):
    status = status or ("returned" if resolved else "processing")
    d = Dossier.objects.create(
        commune_id=commune, code=f"T-{next(_n)}", procedure=procedure, status=status, channel=channel,
        applicant_name="Nguyễn Văn An", applicant_id_number="001190012345",
        received_at=dt.datetime.combine(received, dt.time(9), tzinfo=VN), processing_days=5, due_date=due,
        resolved_on=resolved)
    if rating is not None:
        Rating.objects.create(dossier=d, score=rating, channel="1")
    return d


def test_a_share_counts_by_month_and_lists_exactly_the_records_left_out(procedure):
    on_time = [dossier(procedure, received=dt.date(2026, 10, 1), due=dt.date(2026, 10, 8),
                       resolved=dt.date(2026, 10, d)) for d in (5, 7, 8)]
    late = dossier(procedure, received=dt.date(2026, 10, 1), due=dt.date(2026, 10, 8), resolved=dt.date(2026, 10, 9))
    dossier(procedure, B, received=dt.date(2026, 10, 1), due=dt.date(2026, 10, 8), resolved=dt.date(2026, 10, 20))
    dossier(procedure, received=dt.date(2026, 9, 1), due=dt.date(2026, 9, 8), resolved=dt.date(2026, 9, 30))
    october = months.parse("2026M10", TODAY)

    counts = measures.counted(["dossiers.on_time"], first=october, last=october)

    assert counts[(A, "2026M10", "dossiers.on_time")] == (3, 4)
    assert counts[(B, "2026M10", "dossiers.on_time")] == (0, 1)
    assert (A, "2026M09", "dossiers.on_time") not in counts  # outside the window
    lost = measures.lost(measures.get("dossiers.on_time"), commune_id=A, period=october, today=TODAY)
    assert [d.code for d in lost] == [late.code]
    assert all(d.code not in {x.code for x in lost} for d in on_time)


def test_online_digitised_and_satisfied_shares(procedure):
    october = dt.date(2026, 10, 2)
    dossier(procedure, received=october, channel="2", resolved=dt.date(2026, 10, 5), rating=5)
    dossier(procedure, received=october, channel="1", resolved=dt.date(2026, 10, 5), rating=1)
    dossier(procedure, received=october, channel="2", resolved=dt.date(2026, 10, 6))
    period = months.parse("2026M10", TODAY)

    counts = measures.counted(["dossiers.online", "dossiers.satisfied", "dossiers.digitised"], first=period,
                              last=period)

    assert counts[(A, "2026M10", "dossiers.online")] == (2, 3)
    # Not rated counts as not dissatisfied (Decision 766: total minus the dissatisfied).
    assert counts[(A, "2026M10", "dossiers.satisfied")] == (2, 3)
    # None of them has a digitised component.
    assert counts[(A, "2026M10", "dossiers.digitised")] == (0, 3)
    unhappy = measures.lost(measures.get("dossiers.satisfied"), commune_id=A, period=period, today=TODAY)
    assert [d.rating.score for d in unhappy] == [1]


def test_rebuild_scores_each_criterion_from_its_figure(procedure, shipped):
    for resolved in (5, 6, 7):
        dossier(procedure, received=dt.date(2026, 10, 1), due=dt.date(2026, 10, 8),
                resolved=dt.date(2026, 10, resolved), channel="2")
    dossier(procedure, received=dt.date(2026, 10, 1), due=dt.date(2026, 10, 8), resolved=dt.date(2026, 10, 9),
            channel="2")
    october = months.parse("2026M10", TODAY)

    compute.rebuild(first=october, last=october, communes=[A, B], today=TODAY, now=NOW)

    score = Score.objects.get(commune_id=A, period="2026M10")
    lines = {line["code"]: line for line in score.detail}
    assert lines["TDGQ.1"]["points"] == 15.0 and lines["TDGQ.1"]["state"] == compute.COUNTED
    assert lines["DVCTT.1"]["points"] == 12.0
    # Nobody entered the online payments: xaso holds none, so no points until someone does.
    assert lines["TTTT.1"]["state"] == compute.MISSING and lines["TTTT.1"]["points"] == 0
    # No petitions this month: nothing to count, nothing lost.
    assert lines["MDHL.2"]["state"] == compute.NOTHING and lines["MDHL.2"]["points"] == 6.0
    assert score.groups["TDGQ"] == {"points": 15.0, "max": 20.0}
    assert score.total == sum(Decimal(str(line["points"])) for line in score.detail)
    assert IndicatorValue.objects.get(commune_id=A, period="2026M10", indicator__code="KPI.DVC.ONTIME").value == 75
    assert IndicatorValue.objects.get(commune_id=A, period="2026M10", indicator__code="KPI.DVC.ONTIME").met is False
    # Commune B had nothing: its figures are zeros, not absent.
    assert Figure.objects.get(commune_id=B, period="2026M10", measure="dossiers.received").numerator == 0


def test_a_manual_figure_is_scored_and_kept_by_a_rebuild(procedure, shipped):
    october = months.parse("2026M10", TODAY)
    Figure.objects.create(commune_id=A, period="2026M10", measure="payments.online", numerator=3, denominator=4,
                          origin=Origin.MANUAL, computed_at=NOW)

    compute.rebuild(first=october, last=october, communes=[A], today=TODAY, now=NOW)
    compute.rebuild(first=october, last=october, communes=[A], today=TODAY, now=NOW)

    line = next(x for x in Score.objects.get(commune_id=A, period="2026M10").detail if x["code"] == "TTTT.1")
    assert (line["points"], line["origin"]) == (7.5, Origin.MANUAL)
    assert Figure.objects.filter(measure="payments.online").count() == 1


def test_the_incremental_run_recomputes_only_the_months_that_changed(procedure, shipped, users):
    old = dossier(procedure, received=dt.date(2026, 9, 1), due=dt.date(2026, 9, 8))
    dossier(procedure, received=dt.date(2026, 8, 3), due=dt.date(2026, 8, 10), resolved=dt.date(2026, 8, 5))
    first_run = dt.datetime(2026, 11, 19, 18, 0, tzinfo=VN)
    compute.refresh(today=TODAY - dt.timedelta(days=1), now=first_run)
    assert Watermark.objects.get(name=compute.WATERMARK).at == first_run
    august_before = Figure.objects.get(commune_id=A, period="2026M08", measure="dossiers.on_time").computed_at

    # Today the September dossier was resolved, late.
    Dossier.objects.filter(pk=old.pk).update(status="returned", resolved_on=dt.date(2026, 11, 20))
    DossierStep.objects.create(dossier=old, transition="return_result", from_state="result_ready",
                               to_state="returned", at=dt.datetime(2026, 11, 20, 10, 0, tzinfo=VN))
    compute.refresh(today=TODAY, now=NOW)

    november = Figure.objects.get(commune_id=A, period="2026M11", measure="dossiers.on_time")
    assert (november.numerator, november.denominator, november.computed_at) == (0, 1, NOW)
    assert Figure.objects.get(commune_id=A, period="2026M09", measure="dossiers.received").computed_at == NOW
    # August did not change: its snapshot is the one of the first run.
    assert Figure.objects.get(commune_id=A, period="2026M08", measure="dossiers.on_time").computed_at == august_before


def test_a_future_or_malformed_month_is_refused():
    with pytest.raises(ValidationError) as error:
        months.parse("2026M12", TODAY)
    assert error.value.code == "future"
    with pytest.raises(ValidationError):
        months.parse("2026-11", TODAY)
    assert months.parse("2026m11", TODAY).key == "2026M11"


def test_a_record_belongs_to_its_local_month_not_its_utc_one(procedure):
    """00:30 on 1 November in Vietnam is still 31 October in UTC: it is counted in November."""
    for hour, minute, day in ((23, 30, dt.date(2026, 10, 31)), (0, 30, dt.date(2026, 11, 1))):
        Dossier.objects.create(
            commune_id=A, code=f"TZ-{day.month}", procedure=procedure, status="processing", channel="2",
            applicant_name="Nguyễn Văn An", applicant_id_number="001190012345", processing_days=5,
            received_at=dt.datetime.combine(day, dt.time(hour, minute), tzinfo=VN))
    counts = measures.counted(["dossiers.received"], first=months.parse("2026M10", TODAY),
                              last=months.parse("2026M11", TODAY))
    assert counts[(A, "2026M10", "dossiers.received")] == (1, None)
    assert counts[(A, "2026M11", "dossiers.received")] == (1, None)


def test_published_procedures_are_taken_as_of_each_month_end(procedure, shipped):
    """A rebuild of earlier months counts the procedure versions in force then, not only today's."""
    from xaso.modules.procedures.models import Enablement, ProcedureComponent

    Enablement.objects.create(commune_id=A, code=procedure.code)
    ProcedureComponent.objects.create(procedure=procedure, order=1, name="Tờ khai")
    Procedure.objects.filter(pk=procedure.pk).update(effective_to=dt.date(2026, 9, 30))
    published = Procedure.objects.create(
        code=procedure.code, name=procedure.name, sector=procedure.sector, processing_days=5,
        online_level="full", effective_from=dt.date(2026, 10, 1),
        national_portal_url="https://dichvucong.gov.vn/p/home/dvc-tthc-thu-tuc-hanh-chinh-chi-tiet.html?ma_thu_tuc=1")
    ProcedureComponent.objects.create(procedure=published, order=1, name="Tờ khai")

    compute.rebuild(first=months.parse("2026M09", TODAY), last=months.parse("2026M11", TODAY), communes=[A],
                    today=TODAY, now=NOW)

    def figure(period):
        f = Figure.objects.get(commune_id=A, period=period, measure="procedures.published")
        return f.numerator, f.denominator

    # September's version had no page on the national portal; October's has.
    assert figure("2026M09") == (0, 1) and figure("2026M10") == (1, 1) and figure("2026M11") == (1, 1)
    # Overdue work is a fact of today only: no figure for the months that have ended.
    assert not Figure.objects.filter(commune_id=A, period="2026M10", measure="dossiers.overdue").exists()
    assert Figure.objects.filter(commune_id=A, period="2026M11", measure="dossiers.overdue").exists()
