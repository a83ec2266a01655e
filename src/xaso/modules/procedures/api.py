# SPDX-License-Identifier: AGPL-3.0-or-later
"""The procedure list's API, mounted at /api/v1/procedures/: public reads, the province's import, and the
procedures a commune handles."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.accounts.permissions import can
from xaso.core.places.selectors import commune_get

from . import imports, selectors, services
from .models import Procedure, ProcedureComponent

app_name = "procedures_api"


class ProcedureComponentSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProcedureComponent
        fields = ["order", "name", "original_count", "copy_count", "digital_accepted", "required", "note"]


class ProcedureSerializer(serializers.ModelSerializer):
    sector = serializers.CharField(source="sector.name")
    components = ProcedureComponentSerializer(many=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "sector", "level", "processing_days", "cutoff_time", "fee", "fee_note",
                  "result_type", "forms", "legal_basis", "online_level", "form_fields", "effective_from",
                  "effective_to", "is_sample", "national_portal_url", "components"]


@extend_schema(parameters=[
    OpenApiParameter("q", str, description="Words of the name or the code; diacritics optional."),
    OpenApiParameter("sector", str, description="A sector code, e.g. HT."),
    OpenApiParameter("online_level", str, enum=Procedure.OnlineLevel.values)])
class ProcedureList(generics.ListAPIView):
    """The procedures in force today; ?q= searches names without regard to diacritics."""

    permission_classes = [AllowAny]
    serializer_class = ProcedureSerializer

    def get_queryset(self):
        params = self.request.query_params
        online = params.get("online_level", "")
        return selectors.procedures(q=params.get("q", "")[:100], sector=params.get("sector", "")[:20],
                                    online_level=online if online in Procedure.OnlineLevel.values else "")


class ProcedureDetail(generics.RetrieveAPIView):
    permission_classes = [AllowAny]
    serializer_class = ProcedureSerializer

    def get_object(self):
        return selectors.procedure_guide(self.kwargs["procedure_code"])


class ImportSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="XLSX or CSV made from the template (docs/procedure-import.md).")


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()


class ProcedureImport(APIView):
    """Import a procedure list (province officials): all rows or none, with each row's faults listed."""

    parser_classes = [MultiPartParser]

    @extend_schema(request=ImportSerializer, responses={200: ImportResultSerializer})
    def post(self, request):
        if not can(request.user, "procedures.procedure.manage"):
            raise Http404
        data = ImportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            counts = services.procedures_import(actor=request.user, rows=imports.read(data.validated_data["file"]))
        except DjangoValidationError as error:  # the file, or each row at fault: nothing was stored
            raise serializers.ValidationError({"file": error.messages}) from error
        return Response(counts)


class EnabledSerializer(serializers.Serializer):
    codes = serializers.ListField(child=serializers.CharField(max_length=40))


class CommuneEnabled(APIView):
    """The procedures a commune's service center handles (public); its officials set them (PUT)."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else super().get_permissions()

    @extend_schema(responses=EnabledSerializer)
    def get(self, request, commune_code):
        commune = commune_get(commune_code=commune_code)
        return Response({"codes": sorted(selectors.enabled_codes(commune))})

    @extend_schema(request=EnabledSerializer, responses=EnabledSerializer)
    def put(self, request, commune_code):
        # Read the body before any refusal: a server that answers without reading it leaves the rest of
        # a chunked body on the connection, where it is taken for the next request.
        data = EnabledSerializer(data=request.data)
        commune = commune_get(commune_code=commune_code)
        if not can(request.user, "procedures.enablement.change", commune):
            raise Http404
        data.is_valid(raise_exception=True)
        try:
            services.enablement_set(actor=request.user, commune=commune, codes=data.validated_data["codes"])
        except DjangoValidationError as error:
            raise serializers.ValidationError({"codes": error.messages}) from error
        return Response({"codes": sorted(selectors.enabled_codes(commune))})


urlpatterns = [
    path("", ProcedureList.as_view(), name="list"),
    path("import/", ProcedureImport.as_view(), name="import"),
    path("communes/<str:commune_code>/enabled/", CommuneEnabled.as_view(), name="commune-enabled"),
    path("<str:procedure_code>/", ProcedureDetail.as_view(), name="detail"),
]
