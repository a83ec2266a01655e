# SPDX-License-Identifier: AGPL-3.0-or-later
"""The working-day calendar's API, mounted at /api/v1/calendar/.

Reading a province's calendar (its days off and working weekend days, a due date) is for officials whose
scope covers the province; anyone else gets 404, as on the page. Announcing and withdrawing days is the
``clock.calendar.manage`` verb there (403 for an official of the province who lacks it); ``national``
addresses the rows for the whole country, which only a system administrator keeps.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from . import calendar, selectors, services
from .forms import MAX_DAYS
from .models import CalendarDay

_REQUIRED = {"required": _("This field is required."), "null": _("This field is required."),
             "blank": _("This field may not be blank.")}
_DATE = {**_REQUIRED, "invalid": _("Enter a date such as 2026-02-12.")}
_YEARS = _("Choose a year between 2000 and 2100.")


class YearQuerySerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=calendar.FIRST_YEAR, max_value=calendar.LAST_YEAR,
                                    help_text=_("The year, 2000 to 2100 (this year when left out)."),
                                    error_messages={"invalid": _("Enter a year such as 2026."),
                                                    "min_value": _YEARS, "max_value": _YEARS,
                                                    "max_string_length": _("Enter a year such as 2026.")})


class CalendarEntrySerializer(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=CalendarDay.Kind.choices)
    name = serializers.CharField()
    source = serializers.ChoiceField(choices=[(calendar.SOURCE_LAW, _("Law")),
                                              (calendar.SOURCE_ANNOUNCED, _("Announced"))])


class DueQuerySerializer(serializers.Serializer):
    start = serializers.DateField(help_text=_("The day of receipt (YYYY-MM-DD); it counts as day 1 when it is a "
                                              "working day."), error_messages=_DATE)
    days = serializers.IntegerField(min_value=0, max_value=MAX_DAYS, help_text=_("The time limit in working days."),
                                    error_messages={**_REQUIRED,
                                                    "invalid": _("Enter a whole number of working days."),
                                                    "min_value": _("The number of working days cannot be negative."),
                                                    "max_value": _("Enter at most {max_value} working days."),
                                                    "max_string_length": _("Enter a whole number of working days.")})

    def validate_start(self, value):
        if not calendar.FIRST_YEAR <= value.year <= calendar.LAST_YEAR - 10:
            raise serializers.ValidationError(_("Choose a date between 2000 and 2090."))
        return value


class DueSerializer(serializers.Serializer):
    start = serializers.DateField()
    days = serializers.IntegerField()
    due = serializers.DateField()


class AnnouncedDaySerializer(serializers.ModelSerializer):
    province = serializers.CharField(source="province_id", read_only=True, allow_null=True)

    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "name", "legal_basis", "province"]


class DaySetSerializer(serializers.Serializer):
    date = serializers.DateField(error_messages=_DATE)
    kind = serializers.ChoiceField(choices=CalendarDay.Kind.choices, error_messages={
        **_REQUIRED, "invalid_choice": _("“{input}” is not a kind of day; use day_off or workday.")})
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH, error_messages={
        **_REQUIRED, "max_length": _("The name is longer than {max_length} characters.")})
    legal_basis = serializers.CharField(max_length=services.LEGAL_BASIS_MAX_LENGTH, required=False,
                                        allow_blank=True, default="", error_messages={
                                            "max_length": _("The legal basis is longer than {max_length} characters.")})
    national = serializers.BooleanField(default=False, help_text=_("For the whole country (administrators)."))


class DayRemoveSerializer(serializers.Serializer):
    date = serializers.DateField(error_messages=_DATE)
    national = serializers.BooleanField(default=False, help_text=_("The announcement for the whole country."))


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _managed(request, province, national: bool):
    """The province the write is about (None: the whole country), after the permission check."""
    target = None if national else province
    if not selectors.may_manage(request.user, target):
        raise PermissionDenied(_("You may not announce days here."))
    return target


@extend_schema(tags=["calendar"])
class Days(APIView):
    """A province's calendar: the year's days off on weekdays and working weekend days (GET); announcing
    a day (POST) and withdrawing an announcement (DELETE with ``date``) for those who keep it."""

    @extend_schema(parameters=[YearQuerySerializer], responses=CalendarEntrySerializer(many=True))
    def get(self, request, province_code):
        province = selectors.province_for_calendar(user=request.user, province_code=province_code)
        year = _valid(YearQuerySerializer, request.query_params).get("year") or calendar.today().year
        days = calendar.calendar_for(province.pk).days(year)
        return Response(CalendarEntrySerializer(
            [{"date": d, "kind": kind, "name": name, "source": source} for d, kind, name, source in days],
            many=True).data)

    @extend_schema(request=DaySetSerializer, responses={201: AnnouncedDaySerializer, 200: AnnouncedDaySerializer})
    def post(self, request, province_code):
        province = selectors.province_for_calendar(user=request.user, province_code=province_code)
        data = _valid(DaySetSerializer, request.data)
        target = _managed(request, province, data.pop("national"))
        existed = selectors.announced_day(province=target, date=data["date"]) is not None
        day = services.calendar_day_set(actor=request.user, province=target, **data)
        return Response(AnnouncedDaySerializer(day).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(parameters=[DayRemoveSerializer], request=None,
                   responses={204: OpenApiResponse(description=_("Withdrawn.")),
                              404: OpenApiResponse(description=_("No such announcement."))})
    def delete(self, request, province_code):
        """Withdraw the announcement of ``date`` (a query parameter, or a field of the body)."""
        province = selectors.province_for_calendar(user=request.user, province_code=province_code)
        data = _valid(DayRemoveSerializer, request.query_params if "date" in request.query_params else request.data)
        target = _managed(request, province, data["national"])
        if not services.calendar_day_remove(actor=request.user, province=target, date=data["date"]):
            return Response({"detail": _("Nothing was announced for this day.")}, status=status.HTTP_404_NOT_FOUND)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["calendar"])
class Due(APIView):
    """The due date of a time limit in working days: ``days`` working days counting ``start`` as day 1 when
    it is a working day (``days`` = 0: ``start``)."""

    @extend_schema(parameters=[DueQuerySerializer], responses=DueSerializer)
    def get(self, request, province_code):
        province = selectors.province_for_calendar(user=request.user, province_code=province_code)
        data = _valid(DueQuerySerializer, request.query_params)
        due = calendar.calendar_for(province.pk).due_date(data["start"], data["days"])
        return Response(DueSerializer({"start": data["start"], "days": data["days"], "due": due}).data)


app_name = "clock_api"
urlpatterns = [
    path("<str:province_code>/days/", Days.as_view(), name="days"),
    path("<str:province_code>/due/", Due.as_view(), name="due"),
]

