# SPDX-License-Identifier: AGPL-3.0-or-later
"""The monthly reports as PDF, read back with pypdf: the commune, the month and the numbers are there,
Vietnamese letter for letter, and only for those who may see them."""

import io
import unicodedata

import pytest
from django.urls import reverse
from pypdf import PdfReader

from xaso import testing
from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import Commune
from xaso.core.ui.charts import number
from xaso.modules.measurement import months
from xaso.modules.measurement.models import IndicatorValue, Score

from .test_dashboard import month, procedure  # noqa: F401 (fixtures)

A, B = testing.COMMUNE_A, testing.COMMUNE_B


def text_of(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def test_the_commune_report_has_the_commune_the_month_and_the_numbers(client_for, month):  # noqa: F811
    response = client_for("alice").get(reverse("measurement:commune_report", args=[A, month.key]))

    text = text_of(response)
    assert Commune.objects.get(pk=A).name in text
    assert month.label in text
    score = Score.objects.get(commune_id=A, period=month.key)
    assert number(score.total) in text and score.band in text
    ontime = IndicatorValue.objects.get(commune_id=A, period=month.key, indicator__code="KPI.DVC.ONTIME")
    assert "KPI.DVC.ONTIME" in text and number(ontime.value) in text
    assert number(score.groups["TDGQ"]["points"]) in text


def test_the_province_report_compares_the_communes(client_for, month):  # noqa: F811
    response = client_for("paula").get(reverse("measurement:province_report", args=[testing.PROVINCE, month.key]))

    text = text_of(response)
    assert month.label in text
    for code in (A, B):
        assert Commune.objects.get(pk=code).name in text
        assert number(Score.objects.get(commune_id=code, period=month.key).total) in text
    assert len(PdfReader(io.BytesIO(response.content)).pages) >= 1


@pytest.mark.parametrize(("who", "status"), [("alice", 200), ("paula", 200), ("charlie", 404), ("oscar", 404),
                                             ("cindy", 403)])
def test_who_may_print_commune_a(client_for, month, who, status):  # noqa: F811
    assert client_for(who).get(reverse("measurement:commune_report", args=[A, month.key])).status_code == status


@pytest.mark.parametrize(("who", "province", "status"), [("paula", testing.PROVINCE, 200),
                                                         ("oscar", testing.PROVINCE, 404),
                                                         ("alice", testing.PROVINCE, 403)])
def test_who_may_print_a_province(client_for, month, who, province, status):  # noqa: F811
    assert client_for(who).get(reverse("measurement:province_report", args=[province, month.key])).status_code == status


def test_a_future_or_malformed_month_is_refused(client_for, users):
    alice = client_for("alice")
    future = months.containing(local_today()).next()

    assert alice.get(reverse("measurement:commune_report", args=[A, future.key])).status_code == 400
    assert alice.get(reverse("measurement:commune_report", args=[A, "2026-13"])).status_code == 400
