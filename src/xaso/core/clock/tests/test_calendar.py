# SPDX-License-Identifier: AGPL-3.0-or-later
"""The clock is right across Vietnam's holidays of 2026 (Labour Code 2019 art. 112 and the announced
swaps), the weekends, the cut-off hour, and the counting rules every deadline uses."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from xaso.core.clock import calendar
from xaso.core.clock.calendar import Calendar, calendar_for

D = dt.date
VN = ZoneInfo("Asia/Ho_Chi_Minh")
CUTOFF = dt.time(15, 0)


@pytest.fixture
def cal(db):
    return calendar_for("22")


def working(cal, first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    return [d for d in days if cal.is_working_day(d)]


def test_it_gives_the_five_days_of_tet_2026_off(cal):
    # Tết Bính Ngọ: Mon 16 to Fri 20 February 2026 are days off; with the weekends, 14 to 22 February.
    assert working(cal, D(2026, 2, 12), D(2026, 2, 24)) == [D(2026, 2, 12), D(2026, 2, 13), D(2026, 2, 23),
                                                            D(2026, 2, 24)]


def test_it_moves_hung_kings_day_off_a_sunday_to_the_monday(cal):
    # 10/3 lunar is Sunday 26 April 2026: the day off is observed on Monday 27 April.
    assert working(cal, D(2026, 4, 24), D(2026, 4, 29)) == [D(2026, 4, 24), D(2026, 4, 28), D(2026, 4, 29)]


def test_it_gives_30_april_and_1_may_off(cal):
    assert working(cal, D(2026, 4, 29), D(2026, 5, 5)) == [D(2026, 4, 29), D(2026, 5, 4), D(2026, 5, 5)]


def test_it_gives_national_day_and_the_day_next_to_it_off_with_the_announced_swap(cal):
    # 2 September 2026 is a Wednesday, with Tuesday 1 September; Monday 31 August is given off too, made up
    # on Saturday 22 August.
    assert working(cal, D(2026, 8, 21), D(2026, 9, 4)) == [
        D(2026, 8, 21), D(2026, 8, 22), D(2026, 8, 24), D(2026, 8, 25), D(2026, 8, 26), D(2026, 8, 27),
        D(2026, 8, 28), D(2026, 9, 3), D(2026, 9, 4)]


def test_it_knows_the_make_up_saturdays_and_new_year(cal):
    assert cal.is_working_day(D(2026, 8, 22))  # Saturday, made up for 31 August 2026
    assert cal.is_working_day(D(2025, 4, 26)) and not cal.is_working_day(D(2025, 5, 2))  # 2025's swap
    assert not cal.is_working_day(D(2026, 8, 29))  # an ordinary Saturday
    assert not cal.is_working_day(D(2026, 1, 1)) and cal.is_working_day(D(2026, 1, 2))


def test_it_counts_the_due_date_with_the_day_of_receipt_as_day_one(cal):
    assert cal.due_date(D(2026, 3, 9), 1) == D(2026, 3, 9)  # a 1-day procedure received Monday: due Monday
    assert cal.due_date(D(2026, 3, 9), 5) == D(2026, 3, 13)
    assert cal.due_date(D(2026, 3, 9), 6) == D(2026, 3, 16)  # over the weekend
    assert cal.due_date(D(2026, 3, 9), 0) == D(2026, 3, 9)
    assert cal.due_date(D(2026, 3, 7), 1) == D(2026, 3, 9)  # from a Saturday: Monday is day 1
    assert cal.due_date(D(2026, 3, 7), 0) == D(2026, 3, 7)


def test_it_counts_the_due_date_across_the_holidays(cal):
    # 5 working days from Thu 12 Feb 2026: 12 (day 1), 13, then Tết and the weekends, 23, 24, 25.
    assert cal.due_date(D(2026, 2, 12), 5) == D(2026, 2, 25)
    assert cal.due_date(D(2026, 2, 17), 1) == D(2026, 2, 23)  # received during Tết: day 1 is after it
    # 3 days from Wed 29 April: 29, then 30/4, 1/5 and the weekend, 4 and 5 May.
    assert cal.due_date(D(2026, 4, 29), 3) == D(2026, 5, 5)
    # 3 days from Fri 21 August: 21, Saturday 22 (made up), Monday 24.
    assert cal.due_date(D(2026, 8, 21), 3) == D(2026, 8, 24)
    # 2 days from Fri 28 August: 28, then 29–30 weekend, 31/8, 1/9, 2/9 off: Thursday 3 September.
    assert cal.due_date(D(2026, 8, 28), 2) == D(2026, 9, 3)
    # Across the year: Wed 31 December 2025, 2 days: 31/12, then 1/1 off: Friday 2 January 2026.
    assert cal.due_date(D(2025, 12, 31), 2) == D(2026, 1, 2)


def test_it_adds_working_days_strictly_after_a_day(cal):
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)
    assert cal.next_working_day(D(2026, 3, 9)) == D(2026, 3, 10)  # strictly after, even from a working day
    assert cal.add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert cal.add_working_days(D(2026, 2, 12), 5) == D(2026, 2, 26)
    assert cal.add_working_days(D(2026, 2, 14), 0) == D(2026, 2, 14)


def test_it_counts_working_days_in_a_half_open_interval(cal):
    assert cal.working_days_between(D(2026, 2, 12), D(2026, 2, 24)) == 3  # 13, 23, 24 (not 12)
    assert cal.working_days_between(D(2026, 2, 24), D(2026, 2, 24)) == 0
    assert cal.working_days_between(D(2026, 2, 24), D(2026, 2, 12)) == 0
    assert cal.working_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 1  # Friday to Monday
    assert cal.working_days_between(D(2025, 12, 31), D(2026, 12, 31)) == sum(
        cal.is_working_day(D(2026, 1, 1) + dt.timedelta(days=i)) for i in range(365))


def test_its_counting_rules_agree_with_each_other_on_every_day_of_2026(cal):
    for i in range(365):
        day = D(2026, 1, 1) + dt.timedelta(days=i)
        for n in range(1, 12):
            later = cal.add_working_days(day, n)
            assert cal.is_working_day(later) and cal.working_days_between(day, later) == n
            due = cal.due_date(day, n)
            first = day if cal.is_working_day(day) else cal.next_working_day(day)
            assert cal.is_working_day(due) and cal.working_days_between(first, due) == n - 1


def test_it_starts_the_clock_by_the_cut_off_hour(cal):
    wednesday, friday, saturday = D(2026, 3, 4), D(2026, 3, 6), D(2026, 3, 7)
    at = lambda d, h, m=0: dt.datetime.combine(d, dt.time(h, m), VN)  # noqa: E731
    assert cal.start_day(at(wednesday, 14, 59), CUTOFF) == wednesday
    assert cal.start_day(at(wednesday, 15, 0), CUTOFF) == D(2026, 3, 5)
    assert cal.start_day(at(friday, 16), CUTOFF) == D(2026, 3, 9)  # Friday after the cut-off: Monday
    assert cal.start_day(at(saturday, 9), CUTOFF) == D(2026, 3, 9)  # Saturday: Monday
    assert cal.start_day(at(saturday, 9), None) == D(2026, 3, 9)
    assert cal.start_day(at(wednesday, 16), None) == wednesday  # no cut-off: the day of receipt
    assert cal.start_day(at(D(2026, 2, 13), 15, 30), CUTOFF) == D(2026, 2, 23)  # Friday before Tết
    assert cal.start_day(at(D(2026, 4, 27), 8), CUTOFF) == D(2026, 4, 28)  # on the Hùng Kings day off


def test_it_reads_the_day_and_hour_of_receipt_in_vietnam(cal, settings):
    # 16:30 UTC on Wednesday is 23:30 in Hà Nội: after the cut-off, so Thursday.
    assert cal.start_day(dt.datetime(2026, 3, 4, 16, 30, tzinfo=dt.UTC), CUTOFF) == D(2026, 3, 5)
    # 07:59 UTC is 14:59 there: before it. Whatever zone a request activated.
    with timezone.override(dt.UTC):
        assert cal.start_day(dt.datetime(2026, 3, 4, 7, 59, tzinfo=dt.UTC), CUTOFF) == D(2026, 3, 4)
    with pytest.raises(ValueError):  # a naive time would be guessed; it is refused
        cal.start_day(dt.datetime(2026, 3, 4, 9, 0), CUTOFF)


def test_today_is_the_date_in_vietnam(monkeypatch):
    # 17:30 UTC on 12 February is 00:30 on 13 February in Hà Nội.
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 2, 12, 17, 30, tzinfo=dt.UTC))
    assert calendar.today() == D(2026, 2, 13)


def test_an_announced_day_wins_over_the_law():
    cal = Calendar("22", {D(2026, 2, 20): ("workday", "Làm việc"), D(2026, 3, 5): ("day_off", "Lễ hội"),
                          D(2026, 3, 7): ("workday", "Làm bù")})
    assert cal.is_working_day(D(2026, 2, 20)) and cal.is_working_day(D(2026, 3, 7))
    assert not cal.is_working_day(D(2026, 3, 5))
    assert cal.due_date(D(2026, 3, 4), 3) == D(2026, 3, 7)  # 4, (5 off), 6, Saturday 7


def test_it_lists_the_years_exceptions_with_names_and_sources(cal):
    with translation.override("vi"):
        days = {d: (kind, name, source) for d, kind, name, source in cal.days(2026)}
    assert days[D(2026, 2, 20)] == ("day_off", "Mùng bốn Tết Nguyên Đán", "law")
    assert days[D(2026, 4, 27)][:1] == ("day_off",) and "Hùng Vương" in days[D(2026, 4, 27)][1]
    assert days[D(2026, 8, 22)] == ("workday", "", "law")
    assert D(2026, 4, 26) not in days  # a holiday on a Sunday changes nothing; its Monday is listed
    assert all(d.year == 2026 for d in days) and list(days) == sorted(days)
    with translation.override("en"):
        assert ("day_off", "Fourth Day of Lunar New Year", "law") in [tuple(r[1:]) for r in cal.days(2026)]
    announced = Calendar("22", {D(2026, 3, 5): ("day_off", "Lễ hội"), D(2027, 3, 5): ("day_off", "Khác")})
    assert (D(2026, 3, 5), "day_off", "Lễ hội", "announced") in announced.days(2026)
    assert all(d.year == 2026 for d, *_ in announced.days(2026))
