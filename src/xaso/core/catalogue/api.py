# SPDX-License-Identifier: AGPL-3.0-or-later
"""The catalogue's API, mounted at /api/v1/model/: the model (public) and adoption records (scoped).

One view per operation; every write goes through ``services.adoption_update``, as the pages do.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.serializers import ValidationError, as_serializer_error

from . import selectors, services
from .models import Adoption, Component
from .serializers import (
    AdoptionFilterSerializer,
    AdoptionPatchSerializer,
    AdoptionSerializer,
    AdoptionWriteSerializer,
    ComponentSerializer,
)

app_name = "catalogue_api"


class ComponentList(generics.ListAPIView):
    """All 170 components of the model, in the model's order, in one response."""

    permission_classes = [AllowAny]
    pagination_class = None
    serializer_class = ComponentSerializer
    queryset = Component.objects.order_by("position")


class ComponentDetail(generics.RetrieveAPIView):
    """One component, by its ASCII key (UDCQS19) or its code as the model writes it (ỨDCQS19)."""

    permission_classes = [AllowAny]
    serializer_class = ComponentSerializer
    queryset = Component.objects.all()
    lookup_field = "key"
    lookup_url_kwarg = "component_key"

    def get_object(self):
        component = selectors.find_component(self.kwargs["component_key"])
        if component is None:
            raise NotFound(_("There is no component %(code)s in the model.") % {"code": self.kwargs["component_key"]})
        return component


def _service_errors(error: DjangoValidationError) -> ValidationError:
    return ValidationError(as_serializer_error(error))


class AdoptionList(generics.ListCreateAPIView):
    """Adoption records within the caller's scope (own commune; own province; everything for an
    administrator). POST creates or updates the record of one component in one commune."""

    serializer_class = AdoptionSerializer

    def get_serializer_class(self):
        return AdoptionWriteSerializer if self.request.method == "POST" else AdoptionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no scope
            return Adoption._base_manager.none()
        filters = AdoptionFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return (selectors.adoptions_visible(user=self.request.user, **filters.validated_data)
                .prefetch_related("evidence__file"))

    @extend_schema(parameters=[AdoptionFilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=AdoptionWriteSerializer, responses={200: AdoptionSerializer, 201: AdoptionSerializer})
    def post(self, request, *args, **kwargs):
        incoming = AdoptionWriteSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        existed = selectors.adoptions_visible(user=request.user).filter(
            commune=data["commune"], component=data["component"]).exists()
        try:
            adoption = services.adoption_update(actor=request.user, **data)
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        fresh = selectors.adoption_get_visible(user=request.user, adoption_id=adoption.pk)
        return Response(AdoptionSerializer(fresh, context=self.get_serializer_context()).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)


class AdoptionDetail(generics.RetrieveUpdateAPIView):
    """One adoption record. PATCH changes the fields it names; the others stay."""

    serializer_class = AdoptionSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Adoption._base_manager.none()
        return selectors.adoptions_visible(user=self.request.user).prefetch_related("evidence__file")

    def get_object(self):
        adoption = selectors.adoption_get_visible(user=self.request.user, adoption_id=self.kwargs["pk"])
        self.check_object_permissions(self.request, adoption)
        return adoption

    @extend_schema(request=AdoptionPatchSerializer, responses=AdoptionSerializer)
    def patch(self, request, *args, **kwargs):
        adoption = self.get_object()
        incoming = AdoptionPatchSerializer(data=request.data, context={**self.get_serializer_context(),
                                                                         "adoption": adoption})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        try:
            services.adoption_update(
                actor=request.user, commune=adoption.commune, component=adoption.component,
                status=data.get("status", adoption.status), owner=data.get("owner", adoption.owner),
                target_date=data.get("target_date", adoption.target_date), notes=data.get("notes", adoption.notes))
        except DjangoValidationError as error:
            raise _service_errors(error) from None
        fresh = selectors.adoption_get_visible(user=request.user, adoption_id=adoption.pk)
        return Response(AdoptionSerializer(fresh, context=self.get_serializer_context()).data)


urlpatterns = [
    path("components/", ComponentList.as_view(), name="component-list"),
    path("components/<str:component_key>/", ComponentDetail.as_view(), name="component-detail"),
    path("adoptions/", AdoptionList.as_view(), name="adoption-list"),
    path("adoptions/<int:pk>/", AdoptionDetail.as_view(), name="adoption-detail"),
]
