# SPDX-License-Identifier: AGPL-3.0-or-later
"""The places API, mounted at /api/v1/places/.

Provinces and communes are public reference data (AllowAny for reading). Villages are commune-owned:
the list shows what the caller's scope holds, one village outside it is 404, and writing needs the
``places.village.manage`` verb in that commune. Route names follow Django REST framework's router
(``commune-list``, ``commune-detail`` …) so that clients and the scoping test know them.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.response import Response

from xaso.core.accounts.permissions import require

from . import selectors, services
from .models import AreaType, Commune, Province, Village

# DRF's own Vietnamese catalogue lacks most messages; the fields below carry their own.
_REQUIRED = {"required": _("This field is required."), "null": _("This field is required."),
             "blank": _("This field may not be blank.")}


def _choice_errors(what):
    return {**_REQUIRED, "invalid_choice": what}


class ProvinceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Province
        fields = ["code", "name", "codename", "is_city"]


class CommuneSerializer(serializers.ModelSerializer):
    province_name = serializers.CharField(source="province.name", read_only=True)

    class Meta:
        model = Commune
        fields = ["code", "name", "kind", "province", "province_name", "area_type"]


class CommuneFilterSerializer(serializers.Serializer):
    province = serializers.CharField(required=False, help_text=_("Province code, two digits (e.g. 22)."))
    kind = serializers.ChoiceField(choices=Commune.Kind.choices, required=False, error_messages=_choice_errors(
        _("“{input}” is not a kind of commune; use xa, phuong or dac_khu.")))
    area_type = serializers.ChoiceField(choices=AreaType.choices, required=False, error_messages=_choice_errors(
        _("“{input}” is not an area type; use urban, rural or mountain.")))
    search = serializers.CharField(required=False, help_text=_("Part of the name, with or without diacritics, "
                                                               "or the full code."))

    def validate_province(self, value):
        if not Province.objects.filter(code=value.strip()).exists():
            raise serializers.ValidationError(_("No province has the code “%(code)s”.") % {"code": value})
        return value.strip()


class CommuneAreaTypeSerializer(serializers.Serializer):
    area_type = serializers.ChoiceField(choices=AreaType.choices, error_messages=_choice_errors(
        _("“{input}” is not an area type; use urban, rural or mountain.")))


class VillageSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id", read_only=True)
    is_active = serializers.BooleanField(read_only=True)

    class Meta:
        model = Village
        fields = ["id", "commune", "name", "kind", "merged_into", "is_active"]


class VillageFilterSerializer(serializers.Serializer):
    commune = serializers.CharField(required=False, help_text=_("Commune code, five digits (e.g. 06688)."))

    def validate_commune(self, value):
        if selectors.find_commune(value) is None:
            raise serializers.ValidationError(_("No commune has the code “%(code)s”.") % {"code": value})
        return value.strip()


class VillageCreateSerializer(serializers.Serializer):
    commune = serializers.CharField(error_messages=_REQUIRED, help_text=_("Commune code, five digits."))
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH, error_messages={
        **_REQUIRED, "max_length": _("The village name is longer than {max_length} characters.")})
    kind = serializers.ChoiceField(choices=Village.Kind.choices, default=Village.Kind.THON,
                                   error_messages=_choice_errors(_("“{input}” is not a kind of village.")))

    def validate_commune(self, value):
        commune = selectors.find_commune(value)
        if commune is None:
            raise serializers.ValidationError(_("No commune has the code “%(code)s”.") % {"code": value})
        return commune


class VillageRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=services.NAME_MAX_LENGTH, error_messages={
        **_REQUIRED, "max_length": _("The village name is longer than {max_length} characters.")})


def _invalid(error: DjangoValidationError) -> serializers.ValidationError:
    """A service's ValidationError as the API's 400, keyed by field like a serializer's."""
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


def _valid(serializer_class, data, *, partial=False):
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema(tags=["places"])
class ProvinceList(generics.ListAPIView):
    """The 34 provinces and centrally-run cities (public; one unpaginated list)."""

    permission_classes = [AllowAny]
    serializer_class = ProvinceSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.provinces()


@extend_schema(tags=["places"])
class ProvinceDetail(generics.RetrieveAPIView):
    """One province (public)."""

    permission_classes = [AllowAny]
    serializer_class = ProvinceSerializer

    def get_object(self):
        return selectors.province_get(province_code=self.kwargs["province_code"])


@extend_schema_view(get=extend_schema(parameters=[CommuneFilterSerializer]))
@extend_schema(tags=["places"])
class CommuneList(generics.ListAPIView):
    """The 3,321 communes, wards and special zones (public), paginated, filtered by the query."""

    permission_classes = [AllowAny]
    serializer_class = CommuneSerializer

    def get_queryset(self):
        filters = _valid(CommuneFilterSerializer, self.request.query_params)
        return selectors.communes(**filters)


@extend_schema_view(patch=extend_schema(request=CommuneAreaTypeSerializer, responses=CommuneSerializer))
@extend_schema(tags=["places"])
class CommuneDetail(generics.RetrieveUpdateAPIView):
    """A commune's public facts; a province official of its province (or an administrator) changes its
    area type with PATCH."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    serializer_class = CommuneSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return selectors.commune_get(commune_code=self.kwargs["commune_code"])

    def patch(self, request, *args, **kwargs):
        commune = self.get_object()
        require(request.user, selectors.SET_AREA_TYPE, commune)  # 403 before the body is even read
        data = _valid(CommuneAreaTypeSerializer, request.data, partial=True)
        if not data:  # PATCH with nothing to change
            return Response(CommuneSerializer(commune).data)
        try:
            commune = services.commune_set_area_type(actor=request.user, commune=commune, **data)
        except DjangoValidationError as error:
            raise _invalid(error) from None
        return Response(CommuneSerializer(commune).data)


@extend_schema_view(get=extend_schema(parameters=[VillageFilterSerializer]),
                    post=extend_schema(request=VillageCreateSerializer, responses={201: VillageSerializer},
                                       description="Create a village in a commune (places.village.manage there)."))
@extend_schema(tags=["places"])
class VillageList(generics.ListCreateAPIView):
    """Villages within the caller's scope (own commune; the province's for a province official)."""

    permission_classes = [IsAuthenticated]
    serializer_class = VillageSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no scope
            return Village._base_manager.none()
        filters = _valid(VillageFilterSerializer, self.request.query_params)
        return selectors.villages_visible(user=self.request.user, **filters)

    def create(self, request, *args, **kwargs):
        data = _valid(VillageCreateSerializer, request.data)
        require(request.user, selectors.MANAGE_VILLAGES, data["commune"])
        try:
            village = services.village_create(actor=request.user, **data)
        except DjangoValidationError as error:
            raise _invalid(error) from None
        return Response(VillageSerializer(village).data, status=status.HTTP_201_CREATED)


@extend_schema_view(patch=extend_schema(request=VillageRenameSerializer, responses=VillageSerializer))
@extend_schema(tags=["places"])
class VillageDetail(generics.RetrieveUpdateAPIView):
    """One village within the caller's scope (else 404); PATCH renames it (``places.village.manage``)."""

    permission_classes = [IsAuthenticated]
    serializer_class = VillageSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Village._base_manager.none()
        return selectors.villages_visible(user=self.request.user)

    def get_object(self):
        return selectors.village_get_visible(user=self.request.user, village_id=self.kwargs["village_id"])

    def patch(self, request, *args, **kwargs):
        village = self.get_object()
        require(request.user, selectors.MANAGE_VILLAGES, village.commune)
        data = _valid(VillageRenameSerializer, request.data, partial=True)
        if not data:
            return Response(VillageSerializer(village).data)
        try:
            village = services.village_rename(actor=request.user, village=village, **data)
        except DjangoValidationError as error:
            raise _invalid(error) from None
        return Response(VillageSerializer(village).data)


app_name = "places_api"
urlpatterns = [
    path("provinces/", ProvinceList.as_view(), name="province-list"),
    path("provinces/<str:province_code>/", ProvinceDetail.as_view(), name="province-detail"),
    path("communes/", CommuneList.as_view(), name="commune-list"),
    path("communes/<str:commune_code>/", CommuneDetail.as_view(), name="commune-detail"),
    path("villages/", VillageList.as_view(), name="village-list"),
    path("villages/<int:village_id>/", VillageDetail.as_view(), name="village-detail"),
]
