# SPDX-License-Identifier: AGPL-3.0-or-later
"""The calendar API: the year's days, due dates, and announcing days for those who keep the calendar."""

import datetime as dt

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from xaso.core.audit.models import AuditEvent
from xaso.core.clock.calendar import calendar_for
from xaso.core.clock.models import CalendarDay

DAYS = "/api/v1/calendar/22/days/"
DUE = "/api/v1/calendar/22/due/"


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    return client


def test_it_lists_the_years_days(client_for):
    days = client_for("alice").get(DAYS, {"year": "2026"}).json()
    assert {"date": "2026-02-17", "kind": "day_off", "name": "Tết Nguyên Đán", "source": "law"} in days
    assert {"date": "2026-08-22", "kind": "workday", "name": "", "source": "law"} in days
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)


def test_it_answers_due_dates(client_for):
    alice = client_for("alice")
    assert alice.get(DUE, {"start": "2026-02-12", "days": "5"}).json() == {
        "start": "2026-02-12", "days": 5, "due": "2026-02-25"}
    assert alice.get(DUE, {"start": "2026-03-09", "days": "1"}).json()["due"] == "2026-03-09"
    assert alice.get(DUE, {"start": "2026-04-29", "days": "3"}).json()["due"] == "2026-05-05"


def test_it_refuses_bad_queries_in_vietnamese(client_for):
    alice = client_for("alice")
    missing = alice.get(DUE, {"days": "5"})
    assert missing.status_code == 400 and missing.json() == {"start": ["Trường này là bắt buộc."]}
    wrong = alice.get(DUE, {"start": "12/02/20266", "days": "-1"})
    assert wrong.json() == {"start": ["Nhập một ngày như 2026-02-12."], "days": ["Số ngày làm việc không được âm."]}
    assert alice.get(DUE, {"start": "2026-02-12", "days": "5000"}).json() == {
        "days": ["Nhập nhiều nhất 1000 ngày làm việc."]}
    assert alice.get(DAYS, {"year": "1999"}).json() == {"year": ["Chọn một năm từ 2000 đến 2100."]}
    assert alice.get(DAYS, {"year": "abc"}).status_code == 400


def test_it_is_for_the_provinces_officials_only(client_for, users):
    assert client_for("charlie").get(DUE, {"start": "2026-02-12", "days": "5"}).status_code == 200
    for name in ("oscar", "cindy"):
        assert client_for(name).get(DAYS).status_code == 404
    assert APIClient().get(DAYS).status_code in (401, 403)
    assert token_client(users["paula"]).get(DAYS).status_code == 200


def test_the_province_official_announces_and_withdraws_with_a_token(users):
    paula = token_client(users["paula"])
    body = {"date": "2026-03-05", "kind": "day_off", "name": "Lễ hội Yên Tử", "legal_basis": "QĐ mẫu"}
    created = paula.post(DAYS, body, format="json")
    assert created.status_code == 201 and created.json() == {**body, "province": "22"}
    assert paula.post(DAYS, body, format="json").status_code == 200  # the same again: nothing changes
    assert AuditEvent.objects.filter(action__startswith="xaso.clock.").count() == 1
    assert not calendar_for("22").is_working_day(dt.date(2026, 3, 5))
    assert paula.get(DUE, {"start": "2026-03-04", "days": "3"}).json()["due"] == "2026-03-09"
    assert paula.delete(f"{DAYS}?date=2026-03-05").status_code == 204
    assert paula.delete(DAYS, {"date": "2026-03-05"}, format="json").status_code == 404
    assert not CalendarDay.objects.exists()


def test_only_those_who_keep_the_calendar_write(users):
    body = {"date": "2026-03-05", "kind": "day_off", "name": "Lễ hội"}
    assert token_client(users["alice"]).post(DAYS, body, format="json").status_code == 403
    assert token_client(users["alice"]).delete(f"{DAYS}?date=2026-03-05").status_code == 403
    assert token_client(users["oscar"]).post(DAYS, body, format="json").status_code == 404
    assert token_client(users["paula"]).post(DAYS, {**body, "national": True}, format="json").status_code == 403
    assert not CalendarDay.objects.exists()
    national = token_client(users["ada"]).post(DAYS, {**body, "national": True}, format="json")
    assert national.status_code == 201 and national.json()["province"] is None
    assert not calendar_for("01").is_working_day(dt.date(2026, 3, 5))


def test_a_refused_announcement_says_why(users):
    paula = token_client(users["paula"])
    same = paula.post(DAYS, {"date": "2026-02-17", "kind": "day_off", "name": "Tết"}, format="json")
    assert same.status_code == 400
    assert same.json() == {"kind": ["Ngày 17/02/2026 đã là ngày nghỉ: không có gì để công bố."]}
    bad = paula.post(DAYS, {"date": "2026-03-05", "kind": "holiday", "name": ""}, format="json")
    assert bad.json() == {"kind": ["“holiday” không phải là một loại ngày; dùng day_off hoặc workday."],
                          "name": ["Trường này không được bỏ trống."]}
    assert not CalendarDay.objects.exists()


def test_it_describes_the_calendar_api_without_warnings(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    ours = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "clock" in m]
    assert ours == []
    days = schema["paths"]["/api/v1/calendar/{province_code}/days/"]
    assert {"get", "post", "delete"} <= set(days)
    assert {p["name"] for p in schema["paths"]["/api/v1/calendar/{province_code}/due/"]["get"]["parameters"]} >= {
        "start", "days", "province_code"}
