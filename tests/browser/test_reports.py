# SPDX-License-Identifier: AGPL-3.0-or-later
"""A citizen reports a broken street light from a phone-sized browser by tapping the map, sees it on the
public map, an official resolves it, and the citizen's verdict closes it."""

import re

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.modules.reports.models import Category, Report, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def people():
    with tenancy.unscoped():
        people = testing.named_users()
        Category.objects.create(commune=people["alice"].commune, code="den-duong", name="Đèn đường hỏng",
                                handler=people["sam"])
    return people


def test_a_street_light_is_reported_from_a_phone_and_fixed(people, signed_in, url):
    cindy = signed_in(people["cindy"], **PHONE)
    cindy.goto(url("reports:new", A))
    expect(cindy.locator("#map .leaflet-container, #map.leaflet-container")).to_have_count(1)
    cindy.locator("#map").tap(position={"x": 150, "y": 120})
    expect(cindy.get_by_label(re.compile("Vĩ độ"))).not_to_have_value("")
    cindy.get_by_label(re.compile("Mô tả sự việc")).fill("Đèn đường trước nhà văn hóa không sáng.")
    cindy.get_by_role("button", name=re.compile("Gửi phản ánh")).click()
    expect(cindy.locator("#status")).to_have_text("Đã giao xử lý")
    with tenancy.unscoped():
        report = Report.objects.get()
    assert report.latitude is not None and report.reporter == people["cindy"]

    cindy.goto(url("reports:index", A))
    expect(cindy.locator("#map .leaflet-interactive")).to_have_count(1)  # the marker, loaded by viewport
    expect(cindy.locator("#reports")).to_contain_text(report.code)

    sam = signed_in(people["sam"])
    sam.goto(url("reports:case", A, report.code))
    sam.locator("#action-start button").click()
    sam.locator("#action-resolve textarea").fill("Đã thay bóng đèn mới.")
    sam.locator("#action-resolve button").click()
    expect(sam.locator("#status")).to_have_text("Đã giải quyết")

    cindy.goto(url("reports:report", report.code))
    expect(cindy.locator("#answer")).to_contain_text("Đã thay bóng đèn mới.")
    cindy.get_by_label("5", exact=True).check()
    cindy.get_by_role("button", name=re.compile("^Gửi$")).click()
    expect(cindy.locator("#status")).to_have_text("Đã đóng")
    with tenancy.unscoped():
        assert Report.objects.get().status == Status.CLOSED
