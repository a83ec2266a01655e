# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune's satisfaction across its three sources: satisfaction questions of surveys, ratings of
returned dossiers, ratings of resolved field reports (4 and 5 count as satisfied)."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from xaso import testing
from xaso.modules.dossiers.models import Dossier, Rating
from xaso.modules.procedures.models import Procedure, Sector
from xaso.modules.reports.models import Category, Report, ReportStep
from xaso.modules.surveys import selectors

from .conftest import at

pytestmark = pytest.mark.django_db
A = testing.COMMUNE_A


def rate_dossier(commune, score, when, comment="", n=[0]):  # noqa: B006 (a counter of codes, on purpose)
    n[0] += 1
    sector, _ = Sector.objects.get_or_create(code="HT", defaults={"name": "Hộ tịch"})
    procedure, _ = Procedure.objects.get_or_create(code="1.000001", defaults={
        "name": "Xác nhận tình trạng hôn nhân", "sector": sector, "processing_days": 5,
        "effective_from": dt.date(2025, 7, 1)})
    dossier = Dossier.objects.create(commune=commune, code=f"{commune.code}-T-{n[0]}", procedure=procedure,
                                     channel="1", applicant_name="Nguyễn Thị Hoa", applicant_id_number="001190012345",
                                     received_at=when, processing_days=5)
    rating = Rating.objects.create(dossier=dossier, score=score, comment=comment, channel="1",
                                   reasons=["helpful"] if score >= 4 else ["slow"])
    Rating.objects.filter(pk=rating.pk).update(at=when)


def rate_report(commune, score, when, comment="", n=[0]):  # noqa: B006
    n[0] += 1
    category, _ = Category.objects.get_or_create(commune=commune, code="den-duong", defaults={"name": "Đèn đường"})
    report = Report.objects.create(commune=commune, code=f"PA-{commune.code}-{n[0]}", category=category,
                                   description="Đèn hỏng", created_at=when, rating=score, resolved_at=when,
                                   status="closed")
    ReportStep.objects.create(report=report, transition="close" if score >= 4 else "reopen", from_state="resolved",
                              to_state="closed", note=comment, data={"rating": score}, at=when)


@pytest.fixture
def three_sources(survey, submit, commune_a):
    _survey, link = survey
    for score, day in ((5, 2), (4, 3), (2, 4), (5, 20)):  # the one on the 20th is outside the period below
        submit(link, score=score, text="Chờ hơi lâu" if score == 2 else "", now=at(2026, 3, day))
    rate_dossier(commune_a, 5, at(2026, 3, 5), "Rất nhanh")
    rate_dossier(commune_a, 3, at(2026, 3, 6))
    rate_report(commune_a, 1, at(2026, 3, 7), "Chưa sửa xong")
    rate_report(commune_a, 4, at(2026, 3, 8, 9))
    # Another commune's ratings never count for A.
    from xaso.core.places.models import Commune

    rate_dossier(Commune.objects.get(pk=testing.COMMUNE_B), 1, at(2026, 3, 5))
    return commune_a


def test_it_counts_each_source_and_the_total(three_sources):
    summary = selectors.satisfaction_summary(three_sources, dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    by_key = {s.key: s for s in summary.sources}
    assert by_key["surveys"].counts == {1: 0, 2: 1, 3: 0, 4: 1, 5: 1}
    assert by_key["dossiers"].counts == {1: 0, 2: 0, 3: 1, 4: 0, 5: 1}
    assert by_key["reports"].counts == {1: 1, 2: 0, 3: 0, 4: 1, 5: 0}
    assert (by_key["surveys"].satisfied_percent, by_key["dossiers"].satisfied_percent) == (66.7, 50.0)
    assert (summary.total.total, summary.total.satisfied, summary.total.satisfied_percent) == (7, 4, 57.1)
    assert by_key["reports"].mean == 2.5


def test_the_period_is_in_local_days_both_included(three_sources):
    # The report rated at 09:00 on 8 March local time is 02:00 UTC: it belongs to the 8th.
    only_8th = selectors.satisfaction_summary(three_sources, dt.date(2026, 3, 8), dt.date(2026, 3, 8))
    assert only_8th.total.total == 1
    everything = selectors.satisfaction_summary(three_sources)
    assert everything.total.total == 8


def test_comments_of_the_three_sources_come_newest_first(three_sources):
    summary = selectors.satisfaction_summary(three_sources, dt.date(2026, 3, 1), dt.date(2026, 3, 10))
    assert [c["text"] for c in summary.comments] == ["Chưa sửa xong", "Rất nhanh", "Chờ hơi lâu"]
    assert [c["score"] for c in summary.comments] == [1, 5, None]


def test_the_page_shows_and_exports_it(three_sources, client_for):
    page = client_for("hana").get(f"/surveys/communes/{A}/satisfaction/?start=2026-03-01&end=2026-03-10")
    assert page.status_code == 200
    assert page.context["summary"].total.total == 7
    assert "Chưa sửa xong".encode() in page.content and b"<svg" in page.content
    sheet = client_for("paula").get(f"/surveys/communes/{A}/satisfaction/?start=2026-03-01&end=2026-03-10"
                                    "&export=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert rows[1][1:6] == (0, 1, 0, 1, 1) and rows[-1][6] == 7
    comments = client_for("hana").get(f"/surveys/communes/{A}/satisfaction/?export=csv&table=comments")
    assert "Rất nhanh" in comments.content.decode("utf-8-sig")


def test_a_backwards_period_is_refused_on_the_page(three_sources, client_for):
    page = client_for("hana").get(f"/surveys/communes/{A}/satisfaction/?start=2026-03-10&end=2026-03-01")
    assert page.status_code == 400


@pytest.mark.parametrize("who", ["charlie", "oscar", "cindy"])
def test_outsiders_do_not_see_it(three_sources, client_for, who):
    assert client_for(who).get(f"/surveys/communes/{A}/satisfaction/").status_code == 404
