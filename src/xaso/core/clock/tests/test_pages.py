# SPDX-License-Identifier: AGPL-3.0-or-later
"""The calendar page of a province: who reads it, who keeps it, its exports and its due-date tool."""

import datetime as dt
import json

from django.test import Client

from xaso.core.audit.models import AuditEvent
from xaso.core.clock.calendar import calendar_for
from xaso.core.clock.models import CalendarDay

D = dt.date
PAGE = "/calendar/22/"


def test_it_shows_the_years_days_off_and_working_weekend_days(client_for):
    page = client_for("alice").get(PAGE, {"year": "2026"})
    body = page.content.decode()
    assert page.status_code == 200
    for shown in ("20/02/2026", "Mùng bốn Tết Nguyên Đán", "27/04/2026", "22/08/2026", "31/08/2026", "02/09/2026"):
        assert shown in body
    assert "26/04/2026" not in body  # Hùng Kings' Sunday: the Monday after it is listed instead
    assert 'name="what" value="set"' not in body  # alice reads; she does not announce


def test_it_is_for_the_provinces_officials_only(client_for, users):
    for name in ("alice", "charlie", "paula", "ada"):
        assert client_for(name).get(PAGE).status_code == 200, name
    for name in ("oscar", "cindy"):
        assert client_for(name).get(PAGE).status_code == 404, name
    assert client_for("paula").get("/calendar/99/").status_code == 404
    anonymous = Client().get(PAGE)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_the_province_official_announces_and_withdraws_a_day(client_for, users):
    paula = client_for("paula")
    assert 'name="what" value="set"' in paula.get(PAGE).content.decode()
    posted = paula.post(PAGE, {"what": "set", "date": "2026-03-05", "kind": "day_off", "name": "Lễ hội Yên Tử",
                               "legal_basis": "Quyết định mẫu", "national": "on"})
    assert posted.status_code == 302 and posted["Location"] == "/calendar/22/?year=2026"
    day = CalendarDay.objects.get()
    assert (day.province_id, day.name, day.created_by) == ("22", "Lễ hội Yên Tử", users["paula"])  # not national
    assert not calendar_for("22").is_working_day(D(2026, 3, 5))
    shown = paula.get(PAGE, {"year": "2026"}).content.decode()
    assert "Lễ hội Yên Tử" in shown and "Quyết định mẫu" in shown
    due = paula.get(PAGE, {"start": "2026-03-04", "days": "3"})
    assert due.context["answer"] == D(2026, 3, 9)
    withdrawn = paula.post(PAGE, {"what": "remove", "date": "2026-03-05"})
    assert withdrawn.status_code == 302 and not CalendarDay.objects.exists()
    assert calendar_for("22").is_working_day(D(2026, 3, 5))


def test_the_administrator_announces_for_the_whole_country(client_for):
    ada = client_for("ada")
    ada.post(PAGE, {"what": "set", "date": "2026-02-20", "kind": "workday", "name": "Làm việc", "national": "on"})
    assert CalendarDay.objects.get().province_id is None
    assert calendar_for("01").is_working_day(D(2026, 2, 20))
    ada.post(PAGE, {"what": "remove", "date": "2026-02-20", "national": "on"})
    assert not CalendarDay.objects.exists()


def test_those_who_only_read_may_not_announce(client_for, users):
    CalendarDay.objects.create(province_id="22", date=D(2026, 3, 5), kind="day_off", name="Lễ hội")
    for name in ("alice", "charlie"):
        client = client_for(name)
        announced = client.post(PAGE, {"what": "set", "date": "2026-03-06", "kind": "day_off", "name": "x"})
        assert announced.status_code == 403
        assert client.post(PAGE, {"what": "remove", "date": "2026-03-05"}).status_code == 403
    assert client_for("oscar").post(PAGE, {"what": "remove", "date": "2026-03-05"}).status_code == 404
    paula = client_for("paula")  # a province official may not withdraw the national rows
    CalendarDay.objects.create(province=None, date=D(2026, 3, 7), kind="workday", name="Làm bù")
    assert paula.post(PAGE, {"what": "remove", "date": "2026-03-07", "national": "on"}).status_code == 403
    assert CalendarDay.objects.count() == 2 and not AuditEvent.objects.filter(action__startswith="xaso.clock").exists()


def test_bad_input_is_refused_in_vietnamese_naming_the_field(client_for):
    paula = client_for("paula")
    empty = paula.post(PAGE, {"what": "set", "date": "", "kind": "", "name": ""})
    assert empty.status_code == 400
    assert empty.context["day_form"].errors == {
        "date": ["Chọn một ngày."], "kind": ["Chọn “ngày nghỉ” hoặc “ngày làm việc”."],
        "name": ["Hãy đặt tên cho ngày (ví dụ: Nghỉ thay cho thứ Bảy 22/08/2026)."]}
    wrong = paula.post(PAGE, {"what": "set", "date": "5/3/20266", "kind": "day_off", "name": "x"})
    assert wrong.context["day_form"].errors == {"date": ["Nhập một ngày như 2026-02-12."]}
    same = paula.post(PAGE, {"what": "set", "date": "2026-02-17", "kind": "day_off", "name": "Tết"})
    assert same.status_code == 400
    assert same.context["day_form"].errors == {"kind": ["Ngày 17/02/2026 đã là ngày nghỉ: không có gì để công bố."]}
    assert "đã là ngày nghỉ" in same.content.decode()
    far = paula.post(PAGE, {"what": "set", "date": "2101-03-03", "kind": "day_off", "name": "x"})
    assert far.context["day_form"].errors == {"date": ["Chọn một ngày từ năm 2000 đến năm 2100."]}
    assert not CalendarDay.objects.exists()
    year = paula.get(PAGE, {"year": "1999"})
    assert year.status_code == 400 and "Chọn một năm từ 2000 đến 2100." in year.content.decode()
    days = paula.get(PAGE, {"start": "2026-03-04", "days": "-1"})
    assert days.status_code == 400 and days.context["due_form"].errors == {
        "days": ["Số ngày làm việc không được âm."]}


def test_the_due_date_tool_counts_across_tet(client_for):
    page = client_for("olivia").get(PAGE, {"start": "2026-02-12", "days": "5"})
    assert page.context["answer"] == D(2026, 2, 25)
    assert "25/02/2026" in page.content.decode()


def test_it_exports_the_year(client_for):
    alice = client_for("alice")
    rows = json.loads(alice.get(PAGE, {"year": "2026", "export": "json"}).content)
    tet = next(r for r in rows if r["date"] == "2026-02-17")
    assert tet["name"] == "Tết Nguyên Đán" and tet["source_label"] == "Theo luật"
    assert {"date": "2026-08-22", "kind_label": "Ngày làm việc (làm bù)"}.items() <= next(
        r for r in rows if r["date"] == "2026-08-22").items()
    csv = alice.get(PAGE, {"year": "2026", "export": "csv"})
    assert csv["Content-Disposition"] == 'attachment; filename="calendar-22-2026.csv"'
    assert "Mùng hai Tết Nguyên Đán" in csv.content.decode("utf-8-sig")
    assert alice.get(PAGE, {"year": "2026", "export": "xlsx"}).content[:2] == b"PK"
