# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dossiers' API, mounted at /api/v1/dossiers/: what a province portal or the national portal adapter
needs to file and follow dossiers. One view per operation; each write calls the same service as the pages.
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.accounts.permissions import can
from xaso.core.accounts.roles import PEOPLE
from xaso.core.places.models import Commune

from . import selectors, services
from .models import Channel, Dossier, DossierStep, Rating, Status
from .views import ACTIONS, _form_for
from .workflow import DOSSIER

app_name = "dossiers_api"


class StepSerializer(serializers.ModelSerializer):
    holder = serializers.StringRelatedField()

    class Meta:
        model = DossierStep
        fields = ["transition", "from_state", "to_state", "actor_name", "holder", "note", "data", "at"]


class PublicStepSerializer(serializers.Serializer):
    transition = serializers.CharField()
    to_state = serializers.ChoiceField(choices=Status.choices)
    at = serializers.DateTimeField()


class DossierSerializer(serializers.ModelSerializer):
    procedure_code = serializers.CharField(source="procedure.code")
    procedure_name = serializers.CharField(source="procedure.name")
    portal_status = serializers.IntegerField(help_text="The national portal's status code (1–10).")
    assignee = serializers.StringRelatedField()
    steps = StepSerializer(many=True)

    class Meta:
        model = Dossier
        fields = ["code", "commune", "procedure_code", "procedure_name", "status", "portal_status", "channel",
                  "assisted", "version", "applicant_name", "applicant_id_number", "applicant_phone", "applicant_email",
                  "applicant_address", "organisation", "form_data", "received_at", "accepted_at", "clock_start",
                  "due_date", "paused_on", "paused_days", "extensions", "resolved_at", "returned_at", "assignee",
                  "forwarded_to", "forward_reference", "steps"]


class DossierListSerializer(DossierSerializer):
    class Meta(DossierSerializer.Meta):
        fields = [f for f in DossierSerializer.Meta.fields if f not in ("steps", "form_data")]


class PublicDossierSerializer(serializers.Serializer):
    """What anyone holding the code and the digits sees: no personal data."""

    code = serializers.CharField()
    procedure_name = serializers.CharField(source="procedure.name")
    status = serializers.ChoiceField(choices=Status.choices)
    portal_status = serializers.IntegerField()
    due_date = serializers.DateField()
    steps = PublicStepSerializer(many=True)


class IntakeSerializer(serializers.Serializer):
    """A dossier filed through the API. Files go as multipart parts ``files`` with, in the same order,
    the component each one is for in ``file_components``; ``reuse`` maps a component to a paper id."""

    procedure = serializers.CharField(help_text="The procedure's code.")
    applicant_name = serializers.CharField(max_length=150)
    applicant_id_number = serializers.RegexField(r"^\d{12}$", error_messages={
        "invalid": _("The personal identification number must have exactly 12 digits.")})
    applicant_phone = serializers.RegexField(r"^(0|\+84)\d{9,10}$", required=False, allow_blank=True, default="")
    applicant_email = serializers.EmailField(required=False, allow_blank=True, default="")
    applicant_address = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    channel = serializers.ChoiceField(choices=Channel.choices, required=False, default=Channel.IN_PERSON)
    assisted = serializers.BooleanField(required=False, default=False)
    accept = serializers.BooleanField(required=False, default=False)
    form_data = serializers.JSONField(required=False, default=dict)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    file_components = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    reuse = serializers.DictField(child=serializers.IntegerField(), required=False, default=dict)
    idempotency_key = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")

    def validate(self, data):
        if len(data["files"]) != len(data["file_components"]):
            raise serializers.ValidationError(_("Give one component name for each file."))
        return data


class ActionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(ACTIONS))
    version = serializers.IntegerField(required=False, help_text="The version you saw; a newer one is a conflict.")


def _receive(request, commune, data, *, online: bool) -> Dossier:
    from xaso.modules.procedures.selectors import enabled_procedures

    procedure = next((p for p in enabled_procedures(commune) if p.code == data["procedure"]), None)
    if procedure is None:
        raise serializers.ValidationError({"procedure": _("This commune's service center does not handle this "
                                                          "procedure.")})
    key = data["idempotency_key"] or request.headers.get("Idempotency-Key", "")
    return services.dossier_receive(
        actor=request.user, commune=commune, procedure=procedure,
        applicant=services.Applicant(name=data["applicant_name"], id_number=data["applicant_id_number"],
                                     phone=data["applicant_phone"], email=data["applicant_email"],
                                     address=data["applicant_address"], organisation=data["organisation"]),
        channel=Channel.ONLINE if online or data["assisted"] else data["channel"],
        uploads=dict(zip(data["file_components"], data["files"], strict=True)), reuse=data["reuse"],
        form_data=data["form_data"], assisted=not online and data["assisted"], accept=not online and data["accept"],
        idempotency_key=key or None)


def _commune(request, commune_code, verb="dossiers.dossier.view") -> Commune:
    commune = get_object_or_404(Commune, pk=commune_code)
    if not can(request.user, verb, commune):
        raise Http404
    return commune


@extend_schema(parameters=[OpenApiParameter("view", str, enum=["open", "mine", "due_soon", "overdue", "all"])])
class CommuneDossiers(generics.ListCreateAPIView):
    """A commune's dossiers for its officials (GET, oldest appointment first); intake at the counter (POST).

    POST with the same ``Idempotency-Key`` header (or ``idempotency_key`` field) twice yields one dossier.
    """

    serializer_class = DossierListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        commune = _commune(self.request, self.kwargs["commune_code"])
        view = self.request.query_params.get("view", "open")
        return selectors.inbox(user=self.request.user, commune=commune,
                               view=view if view in ("open", "mine", "due_soon", "overdue", "all") else "open")

    @extend_schema(request=IntakeSerializer, responses={201: DossierSerializer})
    def post(self, request, commune_code):
        commune = _commune(request, commune_code, "dossiers.dossier.receive")
        data = IntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = _receive(request, commune, data.validated_data, online=False)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class CommuneDossier(APIView):
    """One dossier, with its history (GET); a step of its workflow (POST, the same actions as the page)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(responses=DossierSerializer)
    def get(self, request, commune_code, dossier_code):
        commune = _commune(request, commune_code)
        dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
        return Response({**DossierSerializer(dossier).data,
                         "actions": [t.name for t in DOSSIER.available(request.user, dossier)]})

    @extend_schema(request=ActionSerializer, responses=DossierSerializer, operation_id="dossier_act")
    def post(self, request, commune_code, dossier_code):
        commune = _commune(request, commune_code)
        dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
        action = ActionSerializer(data=request.data)
        action.is_valid(raise_exception=True)
        name = action.validated_data["action"]
        # The step's own fields are checked by the same form as on the page (prefix-free here).
        form = _form_for(name, dossier, _prefixed(name, request.data), _prefixed(name, request.FILES))
        if form is not None and not form.is_valid():
            raise serializers.ValidationError(form.errors)
        ACTIONS[name][1](request, dossier, form, action.validated_data.get("version"))
        dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
        return Response(DossierSerializer(dossier).data)


def _prefixed(prefix, data):
    return {f"{prefix}-{k}": v for k, v in data.items()}


class MyDossiers(generics.ListCreateAPIView):
    """A citizen's or business's own dossiers (GET); filing online (POST)."""

    serializer_class = DossierListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        return selectors.dossiers_of_applicant(user=self.request.user)

    @extend_schema(request=IntakeSerializer, responses={201: DossierSerializer},
                   parameters=[OpenApiParameter("commune", str, required=True)])
    def post(self, request):
        if request.user.role not in PEOPLE:
            raise Http404
        commune = get_object_or_404(Commune, pk=request.query_params.get("commune", ""))
        data = IntakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        dossier = _receive(request, commune, data.validated_data, online=True)
        return Response(DossierSerializer(dossier).data, status=status.HTTP_201_CREATED)


class MyDossier(generics.RetrieveAPIView):
    serializer_class = DossierSerializer

    def get_object(self):
        return selectors.dossier_for_applicant(user=self.request.user, code=self.kwargs["dossier_code"])


class RatingSerializer(serializers.ModelSerializer):
    reasons = serializers.ListField(child=serializers.ChoiceField(choices=Rating.Reason.choices), required=False)

    class Meta:
        model = Rating
        fields = ["score", "reasons", "comment"]


class MyRating(APIView):
    """The applicant rates their returned dossier, once."""

    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer})
    def post(self, request, dossier_code):
        dossier = selectors.dossier_for_applicant(user=request.user, code=dossier_code)
        data = RatingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rating = services.dossier_rate(actor=request.user, dossier=dossier, channel=Channel.ONLINE,
                                       **data.validated_data)
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


@method_decorator(ratelimit(key="ip", rate="10/m", method="GET", block=False), name="get")
class Lookup(APIView):
    """The public look-up: the code and the last 4 digits of the applicant's phone or identification number."""

    # Public and read-only: nobody's session or token is needed, and JSON is the only answer.
    authentication_classes = []
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    @extend_schema(parameters=[OpenApiParameter("code", str, required=True),
                               OpenApiParameter("secret", str, required=True)],
                   responses=PublicDossierSerializer)
    def get(self, request):
        if getattr(request, "limited", False):
            raise Throttled(detail=_("Too many look-ups from this address. Please wait a minute and try again."))
        dossier = selectors.dossier_lookup(code=request.query_params.get("code", ""),
                                           secret=request.query_params.get("secret", ""))
        if dossier is None:
            raise Http404
        return Response(PublicDossierSerializer(dossier).data)


class ReportRowSerializer(serializers.Serializer):
    procedure = serializers.CharField()
    name = serializers.CharField()
    received = serializers.IntegerField()
    resolved_on_time = serializers.IntegerField()
    resolved_late = serializers.IntegerField()
    pending = serializers.IntegerField()
    overdue = serializers.IntegerField()
    online_share = serializers.FloatField(help_text="Per cent of the month's dossiers filed online.")


class Report(APIView):
    """The monthly report of a commune, per procedure."""

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
                   responses=ReportRowSerializer(many=True))
    def get(self, request, commune_code):
        from .views import _month

        commune = _commune(request, commune_code, "dossiers.report.view")
        year, month = _month(request)
        return Response(selectors.monthly_report(user=request.user, commune=commune, year=year, month=month))


urlpatterns = [
    path("lookup/", Lookup.as_view(), name="lookup"),
    path("mine/", MyDossiers.as_view(), name="mine"),
    path("mine/<str:dossier_code>/", MyDossier.as_view(), name="my-dossier"),
    path("mine/<str:dossier_code>/rating/", MyRating.as_view(), name="my-rating"),
    path("communes/<str:commune_code>/dossiers/", CommuneDossiers.as_view(), name="commune-dossiers"),
    path("communes/<str:commune_code>/dossiers/<str:dossier_code>/", CommuneDossier.as_view(), name="commune-dossier"),
    path("communes/<str:commune_code>/report/", Report.as_view(), name="report"),
]
