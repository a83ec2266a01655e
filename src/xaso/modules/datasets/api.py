# SPDX-License-Identifier: AGPL-3.0-or-later
"""The data-sharing API, mounted at /api/v1/data/ (DL6 "data sharing", DL12 "shared").

* ``catalogue/`` is public: what the province collects, with its data dictionary.
* The rest is read with an API key the province made (``apikeys``): approved figures only, of the key's
  datasets and communes. Every request made with a key is logged, answered or refused, by ``KeyView``.

How another system uses it: docs/data-sharing-api.md.
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import path
from django.utils.translation import gettext as _
from django_ratelimit.core import get_usage
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers as drf
from rest_framework.exceptions import NotAuthenticated, Throttled
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from xaso.core import tenancy
from xaso.core.places.models import Province

from . import apikeys, periods
from .models import Dataset, DatasetElement
from .serializers import CatalogueDatasetSerializer, ReturnRowSerializer, ValueRowSerializer
from .sharing import value_row

app_name = "datasets_api"
TAGS = ["data"]


class Pages(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 1000


def _with_elements(datasets):
    items = DatasetElement.objects.select_related("element").order_by("order", "element__code")
    return datasets.select_related("province").prefetch_related(Prefetch("items", queryset=items))


def _paginated(view, rows, serializer_class):
    paginator = view.pagination_class()
    page = paginator.paginate_queryset(rows, view.request, view=view)
    view.rows_returned = len(page)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


class Catalogue(APIView):
    """The province's published datasets and their elements: public, so that anyone can see what is
    collected and how it is defined before asking for a key."""

    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    pagination_class = Pages

    @extend_schema(tags=TAGS, parameters=[OpenApiParameter("province", str, description="The province's code "
                                                                                         "(22 for Quảng Ninh).")],
                   responses=CatalogueDatasetSerializer(many=True))
    def get(self, request):
        datasets = Dataset.objects.filter(published_at__isnull=False).order_by("province_id", "code")
        code = request.query_params.get("province")
        if code is not None:
            code = code.strip()
            if not re.fullmatch(r"\d{2}", code) or not Province.objects.filter(pk=code).exists():
                raise drf.ValidationError({"province": [_("No province has this code.")]})
            datasets = datasets.filter(province_id=code)
        return _paginated(self, _with_elements(datasets), CatalogueDatasetSerializer)


class KeyView(APIView):
    """Every view read with an API key. It cannot be forgotten that:

    * the key's holder is not a user, so the scope is opened deliberately (``tenancy.unscoped``) and every
      read goes through ``apikeys.approved_returns``, which filters by the key;
    * every request that named a real key is logged (``finalize_response``), answered or refused;
    * each key has its rate (``apikeys.RATE``): beyond it, 429.
    """

    authentication_classes = [apikeys.ApiKeyAuthentication]
    permission_classes = [apikeys.HasApiKey]
    renderer_classes = [JSONRenderer]
    pagination_class = Pages
    rows_returned = 0

    def dispatch(self, request, *args, **kwargs):
        # The machine has no session: the Django request keeps its own (anonymous) user after the view, so
        # that the session middleware does not start a session for every call.
        original = request.__dict__.get("user")
        with tenancy.unscoped():
            response = super().dispatch(request, *args, **kwargs)
        if original is not None:
            request.user = original
        else:
            request.__dict__.pop("user", None)
        return response

    @property
    def key(self):
        return self.request.auth

    def permission_denied(self, request, message=None, code=None):
        if not isinstance(request.user, apikeys.ApiClient):  # say what is missing, not DRF's generic words
            raise NotAuthenticated(apikeys.HasApiKey.message)
        super().permission_denied(request, message=message, code=code)

    def check_throttles(self, request):
        super().check_throttles(request)
        prefix = self.key.prefix
        usage = get_usage(request, group="datasets.api.key", key=lambda _group, _request: prefix,
                          rate=lambda _group, _request: apikeys.RATE, increment=True)
        if usage is not None and usage["should_limit"]:
            raise Throttled(wait=max(usage["time_left"], 1),
                            detail=_("Too many requests with this API key (at most %(rate)s). Please wait and try "
                                     "again.") % {"rate": apikeys.RATE})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        key = getattr(request, apikeys.SEEN, None)
        if key is not None:
            apikeys.use_log(key=key, request=request, status=response.status_code,
                            rows=self.rows_returned if response.status_code < 400 else 0)
        return response


class KeyDatasets(KeyView):
    """The datasets this key may read, with their elements."""

    @extend_schema(tags=TAGS, responses=CatalogueDatasetSerializer(many=True))
    def get(self, request):
        return _paginated(self, _with_elements(apikeys.key_datasets(self.key)), CatalogueDatasetSerializer)


def _filters(view, dataset):
    """The commune and period asked for: a commune outside the key is 404, a malformed period 400."""
    params = view.request.query_params
    commune = apikeys.commune_for_key(view.key, params["commune"]) if params.get("commune") else None
    period = None
    if params.get("period"):
        try:
            period = periods.parse(dataset.period_type, params["period"]).key
        except DjangoValidationError as error:
            raise drf.ValidationError({"period": error.messages}) from error
    return commune, period


COMMUNE = OpenApiParameter("commune", str, description="A commune's code (5 digits); 404 if the key may not read it.")
PERIOD = OpenApiParameter("period", str, description="A period of the dataset's type: 2026M07, 2026Q3, 2026H2, "
                                                     "2026 or ONCE.")


class DatasetValues(KeyView):
    """The approved figures of one dataset, for the key's communes."""

    @extend_schema(tags=TAGS, responses=ValueRowSerializer(many=True), parameters=[
        PERIOD, COMMUNE, OpenApiParameter("element", str, description="An element's code.")])
    def get(self, request, dataset_code):
        dataset = apikeys.dataset_for_key(self.key, dataset_code)
        commune, period = _filters(self, dataset)
        element = request.query_params.get("element") or None
        if element is not None and not dataset.items.filter(element__code=element).exists():
            raise drf.ValidationError({"element": [_("This dataset has no element with this code.")]})
        values = apikeys.approved_values(self.key, dataset=dataset, commune=commune, period=period, element=element)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(values, request, view=self)
        self.rows_returned = len(page)
        rows = [{**value_row(v), "commune": v.ret.commune_id, "commune_name": v.ret.commune.name,
                 "period": v.ret.period} for v in page]
        return paginator.get_paginated_response(ValueRowSerializer(rows, many=True).data)


class DatasetReturns(KeyView):
    """Which of the key's communes have an approved return of the dataset, per period."""

    @extend_schema(tags=TAGS, responses=ReturnRowSerializer(many=True), parameters=[PERIOD, COMMUNE])
    def get(self, request, dataset_code):
        dataset = apikeys.dataset_for_key(self.key, dataset_code)
        commune, period = _filters(self, dataset)
        returns = apikeys.approved_returns(self.key).filter(dataset=dataset)
        if commune is not None:
            returns = returns.filter(commune=commune)
        if period:
            returns = returns.filter(period=period)
        returns = returns.select_related("commune").order_by("period_start", "commune_id")
        return _paginated(self, returns, ReturnRowSerializer)


urlpatterns = [
    path("catalogue/", Catalogue.as_view(), name="catalogue"),
    path("datasets/", KeyDatasets.as_view(), name="datasets"),
    path("datasets/<str:dataset_code>/values/", DatasetValues.as_view(), name="values"),
    path("datasets/<str:dataset_code>/returns/", DatasetReturns.as_view(), name="returns"),
]
