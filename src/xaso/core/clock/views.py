# SPDX-License-Identifier: AGPL-3.0-or-later
"""The calendar page of a province: the year's days off and working weekend days, the announced days
(added and removed here by those who keep them), and a tool counting a time limit in working days.

Order of checks: an anonymous visitor is sent to sign in; an outsider (an official whose scope does not
cover the province, a citizen) gets 404; someone who may read but not keep the calendar gets 403 on a form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xaso.core import exports
from xaso.core.places.views import signed_in
from xaso.core.ui.forms import service_errors

from . import calendar, forms, selectors, services
from .models import CalendarDay


def _kind_label(kind: str) -> str:
    return str(CalendarDay.Kind(kind).label)


def _source_label(source: str) -> str:
    return _("Law") if source == calendar.SOURCE_LAW else _("Announced")


def _day_rows(cal: calendar.Calendar, year: int) -> list[dict]:
    return [{"date": d, "weekday": formats.date_format(d, "l"), "kind": kind, "kind_label": _kind_label(kind),
             "name": name or _("Make-up working day"), "source": source, "source_label": _source_label(source)}
            for d, kind, name, source in cal.days(year)]


def _columns():
    return [("date", _("Date")), ("weekday", _("Weekday")), ("kind_label", _("Kind")), ("name", _("Name")),
            ("source_label", _("Source"))]




def _page_url(province, year: int) -> str:
    return f"{reverse('clock:province', args=[province.code])}?year={year}"


@require_http_methods(["GET", "POST"])
@signed_in
def province(request, province_code):
    province = selectors.province_for_calendar(user=request.user, province_code=province_code)
    may_manage = selectors.may_manage(request.user, province)
    national_allowed = selectors.may_manage(request.user, None)
    year_form = forms.YearForm(request.GET)
    year = year_form.cleaned_data.get("year") if year_form.is_valid() else None
    year = year or calendar.today().year
    status = 200 if year_form.is_valid() else 400
    day_form = forms.DayForm(national_allowed=national_allowed) if may_manage else None

    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(selectors.MANAGE)
        if request.POST.get("what") == "remove":
            response = _remove(request, province)
            if response is not None:
                return response
            status = 400
        else:
            day_form = forms.DayForm(request.POST, national_allowed=national_allowed)
            if day_form.is_valid():
                data = day_form.cleaned_data
                try:
                    services.calendar_day_set(
                        actor=request.user, province=None if data.get("national") else province, date=data["date"],
                        kind=data["kind"], name=data["name"], legal_basis=data["legal_basis"])
                except ValidationError as error:
                    service_errors(day_form, error)
                else:
                    messages.success(request, _("%(date)s is saved.") % {"date": data["date"].strftime("%d/%m/%Y")})
                    return redirect(_page_url(province, data["date"].year))
            status = 400

    cal = calendar.calendar_for(province.pk)
    rows = _day_rows(cal, year)
    if request.method == "GET" and (fmt := exports.requested(request)):
        return exports.respond(fmt, filename=f"calendar-{province.code}-{year}", columns=_columns(), rows=rows)

    due_form, answer = forms.DueForm(), None
    if "start" in request.GET or "days" in request.GET:
        due_form = forms.DueForm(request.GET)
        if due_form.is_valid():
            answer = cal.due_date(due_form.cleaned_data["start"], due_form.cleaned_data["days"])
        else:
            status = 400
    announced = [{"day": day, "removable": selectors.may_manage(request.user, day.province)}
                 for day in selectors.announced_days(province=province, year=year)]
    return render(request, "clock/province.html", {
        "province": province, "year": year, "year_form": year_form, "rows": rows, "announced": announced,
        "day_form": day_form, "may_manage": may_manage, "due_form": due_form, "answer": answer,
        "previous_year": year - 1 if year > calendar.FIRST_YEAR else None,
        "next_year": year + 1 if year < calendar.LAST_YEAR else None,
    }, status=status)


def _remove(request, province):
    """Withdraw one announced day; the redirect on success, None when the form was wrong."""
    form = forms.RemoveForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        return None
    date, national = form.cleaned_data["date"], form.cleaned_data["national"]
    if services.calendar_day_remove(actor=request.user, province=None if national else province, date=date):
        messages.success(request, _("The announcement of %(date)s is withdrawn.") % {"date": date.strftime("%d/%m/%Y")})
    else:
        messages.info(request, _("%(date)s had no announcement to withdraw.") % {"date": date.strftime("%d/%m/%Y")})
    return redirect(_page_url(province, date.year))

