# SPDX-License-Identifier: AGPL-3.0-or-later
"""The chairperson's way from the dashboard to the cause: the 766 score on the commune's dashboard (its
charts drawn on the server, nothing fetched from the Internet), the month criterion by criterion, and the
lost points of resolution progress opening on the one dossier that was resolved late."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.modules.dossiers.models import Dossier
from xaso.modules.measurement import compute, months, rules
from xaso.modules.procedures.models import Procedure, Sector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A


@pytest.fixture
def last_month():
    """Last month in commune A: three dossiers resolved on time and one resolved two days late."""
    with tenancy.unscoped():
        users = testing.named_users()
        rules.load_shipped()
        today = timezone.localdate()
        month = months.containing(today).previous()
        sector = Sector.objects.create(code="HT", name="Hộ tịch")
        procedure = Procedure.objects.create(code="1.000001", name="Xác nhận tình trạng hôn nhân", sector=sector,
                                             processing_days=3, online_level="full", effective_from=dt.date(2025, 7, 1))
        due = month.start + dt.timedelta(days=9)
        for n, resolved in enumerate((due, due, due - dt.timedelta(days=1), due + dt.timedelta(days=2))):
            Dossier.objects.create(
                commune_id=A, code=f"BR-{n}", procedure=procedure, status="returned", channel="2",
                applicant_name="Nguyễn Văn An", applicant_id_number="001190012345", processing_days=3,
                received_at=timezone.make_aware(dt.datetime.combine(month.start + dt.timedelta(days=3), dt.time(9))),
                due_date=due, resolved_on=resolved)
        compute.rebuild(first=month, last=months.containing(today), communes=[A], today=today)
        return users["alice"], month


def test_from_the_dashboard_to_the_dossier_that_cost_points(last_month, signed_in, url, requests_outside):
    chairperson, month = last_month
    page = signed_in(chairperson)
    page.goto(url("measurement:commune_dashboard", A, query=f"?period={month.key}"))
    expect(page.locator("svg").first).to_be_visible()

    page.get_by_role("link", name="Cách tính chỉ số, theo từng tiêu chí").click()
    row = page.locator("tr", has_text="TDGQ.1")
    expect(row).to_contain_text("15")  # 3 of 4 on time: 15 of 20 points
    row.get_by_role("link", name="5").click()

    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text("BR-3")
    assert requests_outside() == []
