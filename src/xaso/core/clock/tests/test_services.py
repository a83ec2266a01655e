# SPDX-License-Identifier: AGPL-3.0-or-later
"""Announcing days: who may, what is refused, what is audited, and every calendar seeing it at once."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from xaso.core.audit.models import AuditEvent
from xaso.core.clock import calendar, services
from xaso.core.clock.calendar import calendar_for
from xaso.core.clock.models import CalendarDay
from xaso.core.places.models import Province

D = dt.date


@pytest.fixture
def quang_ninh(db):
    return Province.objects.get(pk="22")


def clock_events():
    return list(AuditEvent.objects.filter(action__startswith="xaso.clock.").values_list("action", flat=True))


def test_a_province_day_off_moves_due_dates_there_only(users, quang_ninh):
    assert calendar_for("22").due_date(D(2026, 3, 4), 3) == D(2026, 3, 6)
    services.calendar_day_set(actor=users["paula"], province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                              name="Lễ hội Yên Tử", legal_basis="Quyết định mẫu của UBND tỉnh")
    assert calendar_for("22").due_date(D(2026, 3, 4), 3) == D(2026, 3, 9)  # 4, (5 off), 6, Monday 9
    assert calendar_for("01").due_date(D(2026, 3, 4), 3) == D(2026, 3, 6)  # Hà Nội is not affected
    assert calendar_for(None).is_working_day(D(2026, 3, 5))
    assert services.calendar_day_remove(actor=users["paula"], province=quang_ninh, date=D(2026, 3, 5))
    assert calendar_for("22").due_date(D(2026, 3, 4), 3) == D(2026, 3, 6)


def test_a_national_working_day_overrides_the_law_everywhere(users):
    # Suppose the government had Friday 20 February 2026 worked: a 5-day clock from 12 Feb ends a day sooner.
    services.calendar_day_set(actor=users["ada"], province=None, date=D(2026, 2, 20), kind="workday",
                              name="Làm việc bình thường", legal_basis="Thông báo mẫu")
    for province in ("22", "01", None):
        assert calendar_for(province).is_working_day(D(2026, 2, 20))
        assert calendar_for(province).due_date(D(2026, 2, 12), 5) == D(2026, 2, 24)


def test_a_provinces_own_announcement_wins_over_the_national_one(users, quang_ninh):
    services.calendar_day_set(actor=users["ada"], province=None, date=D(2026, 3, 5), kind="day_off", name="Nghỉ")
    services.calendar_day_set(actor=users["paula"], province=quang_ninh, date=D(2026, 3, 5), kind="workday",
                              name="Quảng Ninh làm việc")
    assert calendar_for("22").is_working_day(D(2026, 3, 5))
    assert not calendar_for("01").is_working_day(D(2026, 3, 5))


def test_every_process_sees_a_change_at_once(users, quang_ninh, django_assert_num_queries):
    first = calendar_for("22")
    with django_assert_num_queries(0):  # kept per process: no query while nothing changed
        assert calendar_for("22") is first
    services.calendar_day_set(actor=users["paula"], province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                              name="Lễ hội")
    assert not calendar_for("22").is_working_day(D(2026, 3, 5))
    # Another process changed a day: it wrote the row and a new version into the shared cache.
    seen = calendar_for("22")
    CalendarDay.objects.filter(date=D(2026, 3, 5)).update(kind="workday")
    assert calendar_for("22") is seen  # the version did not move yet: the process keeps its calendar
    cache.set(calendar.VERSION_KEY, "another-process")
    assert calendar_for("22").is_working_day(D(2026, 3, 5))
    cache.clear()  # a restarted or emptied cache must not leave old calendars in use either
    CalendarDay.objects.filter(date=D(2026, 3, 5)).update(kind="day_off")
    assert not calendar_for("22").is_working_day(D(2026, 3, 5))


def test_the_version_moves_again_after_the_commit(users, quang_ninh, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.calendar_day_set(actor=users["paula"], province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                                  name="Lễ hội")
        during = cache.get(calendar.VERSION_KEY)
    assert callbacks and cache.get(calendar.VERSION_KEY) != during


def test_it_is_audited_and_idempotent(users, quang_ninh):
    paula = users["paula"]
    day = services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                                    name="  Lễ hội   Yên Tử ", legal_basis="QĐ 1/2026")
    assert (day.name, day.created_by, day.province_id) == ("Lễ hội Yên Tử", paula, "22")
    again = services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                                      name="Lễ hội Yên Tử", legal_basis="QĐ 1/2026")
    assert again.pk == day.pk and clock_events() == ["xaso.clock.calendar_day.created"]
    services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                              name="Lễ hội Xuân Yên Tử", legal_basis="QĐ 1/2026")
    assert CalendarDay.objects.get().name == "Lễ hội Xuân Yên Tử"
    changed = AuditEvent.objects.get(action="xaso.clock.calendar_day.changed")
    assert (changed.before["name"], changed.after["name"]) == ("Lễ hội Yên Tử", "Lễ hội Xuân Yên Tử")
    assert services.calendar_day_remove(actor=paula, province=quang_ninh, date=D(2026, 3, 5)) is True
    assert services.calendar_day_remove(actor=paula, province=quang_ninh, date=D(2026, 3, 5)) is False
    assert clock_events() == ["xaso.clock.calendar_day.created", "xaso.clock.calendar_day.changed",
                              "xaso.clock.calendar_day.removed"]
    assert not CalendarDay.objects.exists()


def test_only_the_provinces_officials_and_administrators_announce(users, quang_ninh):
    for name in ("oscar", "alice", "charlie", "cindy"):
        with pytest.raises(PermissionDenied):
            services.calendar_day_set(actor=users[name], province=quang_ninh, date=D(2026, 3, 5), kind="day_off",
                                      name="x")
        with pytest.raises(PermissionDenied):
            services.calendar_day_remove(actor=users[name], province=quang_ninh, date=D(2026, 3, 5))
    with pytest.raises(PermissionDenied):  # the national rows are the administrator's
        services.calendar_day_set(actor=users["paula"], province=None, date=D(2026, 3, 5), kind="day_off", name="x")
    ha_noi = Province.objects.get(pk="01")
    services.calendar_day_set(actor=users["ada"], province=ha_noi, date=D(2026, 3, 5), kind="day_off", name="Nghỉ")
    services.calendar_day_set(actor=users["oscar"], province=ha_noi, date=D(2026, 3, 6), kind="day_off", name="Nghỉ")
    assert CalendarDay.objects.filter(province=ha_noi).count() == 2 and clock_events() == [
        "xaso.clock.calendar_day.created"] * 2


def test_it_refuses_an_announcement_that_changes_nothing(users, quang_ninh):
    paula = users["paula"]
    with translation.override("vi"), pytest.raises(ValidationError) as refused:
        services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 2, 17), kind="day_off", name="Tết")
    assert refused.value.message_dict == {"kind": ["Ngày 17/02/2026 đã là ngày nghỉ: không có gì để công bố."]}
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 4), kind="workday", name="x")
    assert refused.value.message_dict == {
        "kind": ["04/03/2026 is already a working day: there is nothing to announce."]}
    with pytest.raises(ValidationError):  # a Sunday is off already
        services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 8), kind="day_off", name="x")
    # Turning a province's day off into a working day is no announcement either: remove it instead.
    services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 5), kind="day_off", name="Lễ hội")
    with pytest.raises(ValidationError):
        services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 3, 5), kind="workday", name="x")
    # But the province may work on a day the country has off.
    services.calendar_day_set(actor=paula, province=quang_ninh, date=D(2026, 2, 20), kind="workday", name="Làm việc")
    assert calendar_for("22").is_working_day(D(2026, 2, 20)) and not calendar_for("01").is_working_day(D(2026, 2, 20))
    assert CalendarDay.objects.count() == 2


def test_it_refuses_bad_input_naming_the_field(users, quang_ninh):
    paula = users["paula"]
    cases = [
        ({"date": D(1999, 12, 31)}, "date", "Chọn một ngày từ năm 2000 đến năm 2100."),
        ({"date": D(2101, 1, 3)}, "date", "Chọn một ngày từ năm 2000 đến năm 2100."),
        ({"kind": "holiday"}, "kind", "Chọn “ngày nghỉ” hoặc “ngày làm việc”."),
        ({"name": "   "}, "name", "Hãy đặt tên cho ngày (ví dụ: Nghỉ thay cho thứ Bảy 22/08/2026)."),
        ({"name": "x" * 201}, "name", "Tên dài quá 200 ký tự."),
        ({"legal_basis": "x" * 301}, "legal_basis", "Căn cứ pháp lý dài quá 300 ký tự."),
    ]
    for change, field, message in cases:
        data = {"date": D(2026, 3, 5), "kind": "day_off", "name": "Lễ hội", "legal_basis": "", **change}
        with translation.override("vi"), pytest.raises(ValidationError) as refused:
            services.calendar_day_set(actor=paula, province=quang_ninh, **data)
        assert refused.value.message_dict == {field: [message]}
    assert not CalendarDay.objects.exists() and clock_events() == []
