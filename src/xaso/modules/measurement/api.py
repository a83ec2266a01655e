# SPDX-License-Identifier: AGPL-3.0-or-later
"""The measurement API, mounted at /api/v1/measure/: the provincial dashboard feed, pulled.

* ``provinces/<code>/feed/?period=2026M07``: every commune of the province, one page of the payloads that are
  also pushed (``feed.payload``), for the province's officials and administrators;
* ``communes/<code>/feed/?period=2026M07``: one commune's month, for the officials of the commune or of its
  province.

Signed in with a session or a token (the project's API authentication). A province or commune outside the
caller's scope is 404, as for an unknown code. Answers carry a weak ``ETag`` and ``Last-Modified`` from the
snapshots, so a dashboard polling with ``If-None-Match`` gets 304 until something was recomputed. Without
``period`` the feed is the last month that has ended. See docs/provincial-dashboard-feed.md.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.clock.calendar import today as local_today
from xaso.core.places.models import Commune, Province

from . import feed, months, selectors
from .models import Origin, Publication

app_name = "measurement_api"
TAGS = ["measurement"]
PROVINCE_VIEW = "measurement.province.view"
DASHBOARD_VIEW = "measurement.dashboard.view"


# --- The payload, described for the OpenAPI schema ----------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class GroupPointsSerializer(serializers.Serializer):
    points = serializers.FloatField()
    max = serializers.FloatField()


class IndexSerializer(serializers.Serializer):
    total = serializers.FloatField(help_text="Points out of 100.")
    band = serializers.CharField(help_text="The rating band's Vietnamese label (Tốt, Khá, Trung bình, Yếu).")
    groups = serializers.DictField(child=GroupPointsSerializer(), help_text="By group: CKMB, TDGQ, DVCTT, MDSH, "
                                                                            "MDHL, TTTT.")


class IndicatorRowSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text="The indicator's Vietnamese name.")
    value = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    target = serializers.FloatField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)
    origin = serializers.ChoiceField(choices=Origin.choices)


class FigureRowSerializer(serializers.Serializer):
    measure = serializers.CharField()
    numerator = serializers.FloatField()
    denominator = serializers.FloatField(allow_null=True, help_text="None for a count.")
    origin = serializers.ChoiceField(choices=Origin.choices)


class FeedSerializer(serializers.Serializer):
    schema_version = serializers.IntegerField()
    province = PlaceSerializer()
    commune = PlaceSerializer()
    period = serializers.CharField(help_text="The month, e.g. 2026M07.")
    generated_at = serializers.DateTimeField()
    ruleset = serializers.CharField(allow_null=True, help_text="The code of the Decision 766 rule set applied.")
    index766 = IndexSerializer(allow_null=True, help_text="None when the month has no score yet.")
    indicators = IndicatorRowSerializer(many=True)
    figures = FigureRowSerializer(many=True)
    revision = serializers.IntegerField(allow_null=True, help_text="The push that carried exactly these figures; "
                                                                   "None when they were not pushed (yet).")


class FeedPageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = FeedSerializer(many=True)


PERIOD = OpenApiParameter("period", str, description="The month, e.g. 2026M07 (not a future one). Default: the last "
                                                     "month that has ended.")


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


# --- Who may read what ---------------------------------------------------------------------------------


def _province(user, code: str) -> Province:
    return selectors.province_for(user=user, province_code=code, verb=PROVINCE_VIEW)


def _commune(user, code: str) -> Commune:
    return selectors.commune_for(user=user, commune_code=code, verb=DASHBOARD_VIEW)


def _month(request) -> months.Period:
    today = local_today()
    key = request.query_params.get("period")
    if key is None:
        return months.containing(today).previous()
    try:
        return months.parse(key, today)
    except DjangoValidationError as error:
        raise serializers.ValidationError({"period": error.messages}) from error


# --- Conditional answers ---------------------------------------------------------------------------------


def _answer(request, communes, month, build):
    """304 when the client's copy is current; otherwise ``build()`` with the validators set."""
    codes = [c.pk for c in communes]
    at = feed.last_computed(codes, month)
    pushes = Publication.objects.filter(commune_id__in=codes, period=month.key).count()
    seed = f"{request.get_full_path()}|{at.isoformat() if at else '-'}|{pushes}"
    etag = f'W/"{hashlib.sha256(seed.encode()).hexdigest()[:32]}"'
    stamp = int(at.timestamp()) if at else None
    not_modified = get_conditional_response(request._request, etag=etag, last_modified=stamp)
    response = not_modified or build()
    response["ETag"] = etag
    patch_cache_control(response, private=True)  # a scoped answer: for the caller, never a shared cache
    if stamp is not None:
        response["Last-Modified"] = http_date(stamp)
    return response


class FeedView(APIView):
    renderer_classes = [JSONRenderer]


class ProvinceFeed(FeedView):
    """The month of every commune of the province (by commune code, one page at a time)."""

    pagination_class = Pages

    @extend_schema(tags=TAGS, parameters=[PERIOD], responses=FeedPageSerializer)
    def get(self, request, province_code):
        province = _province(request.user, province_code)
        month = _month(request)
        paginator = self.pagination_class()
        communes = Commune.objects.filter(province=province).select_related("province").order_by("code")
        page = paginator.paginate_queryset(communes, request, view=self)
        return _answer(request, page, month, lambda: paginator.get_paginated_response(feed.payloads(page, month)))


class CommuneFeed(FeedView):
    """One commune's month."""

    @extend_schema(tags=TAGS, parameters=[PERIOD], responses=FeedSerializer)
    def get(self, request, commune_code):
        commune = _commune(request.user, commune_code)
        month = _month(request)
        return _answer(request, [commune], month, lambda: Response(feed.payload(commune, month)))


urlpatterns = [
    path("provinces/<str:province_code>/feed/", ProvinceFeed.as_view(), name="province-feed"),
    path("communes/<str:commune_code>/feed/", CommuneFeed.as_view(), name="commune-feed"),
]
