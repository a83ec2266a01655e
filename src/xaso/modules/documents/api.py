# SPDX-License-Identifier: AGPL-3.0-or-later
"""The official documents' API, mounted at /api/v1/documents/: the registers with search, registering,
drafting, each workflow step (signing and issuing included), the draft files, and signature verification.
One view per operation; each write calls the same service as the pages and checks its fields with the
same form."""

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django_ratelimit.decorators import ratelimit
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import generics, serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from xaso.core.signing.verify import verify_pdf

from . import drafts, selectors, services, views
from .forms import IncomingForm, VerifyForm
from .models import IncomingDocument, OutgoingDocument, Signature
from .workflow import DRAFT, INCOMING, OUTGOING, REGISTER

app_name = "documents_api"

SEARCH = [OpenApiParameter("q", str, description="Words of the number, summary or text; marks ignored."),
          OpenApiParameter("year", int), OpenApiParameter("status", str)]


class DocumentStepSerializer(serializers.Serializer):
    transition = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor_name = serializers.CharField()
    note = serializers.CharField()
    data = serializers.JSONField()
    at = serializers.DateTimeField()


class IncomingSerializer(serializers.ModelSerializer):
    handler = serializers.StringRelatedField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = IncomingDocument
        fields = ["id", "year", "arrival_number", "received_at", "channel", "sender", "sender_organ_id",
                  "number_symbol", "document_date", "type_code", "summary", "urgency", "confidentiality", "status",
                  "version", "handler", "deadline", "file", "work_file", "steps"]

    @extend_schema_field(DocumentStepSerializer(many=True))
    def get_steps(self, obj) -> list[dict]:
        return DocumentStepSerializer(obj.steps.all(), many=True).data


class SignatureSerializer(serializers.ModelSerializer):
    class Meta:
        model = Signature
        fields = ["kind", "signer_name", "certificate_subject", "certificate_serial", "signed_at", "sha256", "file"]


class OutgoingSerializer(serializers.ModelSerializer):
    signer = serializers.StringRelatedField()
    drafted_by = serializers.StringRelatedField()
    signatures = SignatureSerializer(many=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = OutgoingDocument
        fields = ["id", "status", "version", "type_code", "title", "summary", "addressees", "body", "recipients",
                  "urgency", "confidentiality", "signer", "signer_competence", "signer_position", "drafted_by",
                  "reply_to", "work_file", "year", "number", "number_symbol", "issued_on", "signed_file",
                  "issued_file", "exchange_to", "signatures", "steps"]

    @extend_schema_field(DocumentStepSerializer(many=True))
    def get_steps(self, obj) -> list[dict]:
        return DocumentStepSerializer(obj.steps.all(), many=True).data


class OutgoingListSerializer(OutgoingSerializer):
    class Meta(OutgoingSerializer.Meta):
        fields = [f for f in OutgoingSerializer.Meta.fields if f not in ("body", "steps", "signatures")]


class IncomingListSerializer(IncomingSerializer):
    class Meta(IncomingSerializer.Meta):
        fields = [f for f in IncomingSerializer.Meta.fields if f != "steps"]


class IncomingRegisterSerializer(serializers.Serializer):
    """The same fields as the registering page; the document itself goes as the multipart part ``file``."""

    sender = serializers.CharField(max_length=300)
    number_symbol = serializers.CharField(max_length=60, required=False, allow_blank=True)
    document_date = serializers.DateField(required=False, allow_null=True)
    type_code = serializers.CharField()
    summary = serializers.CharField(max_length=2000)
    urgency = serializers.CharField(required=False, allow_blank=True)
    confidentiality = serializers.CharField(required=False, allow_blank=True)
    arrival_number = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    file = serializers.FileField(required=False)
    idempotency_key = serializers.CharField(
        max_length=80, required=False, allow_blank=True,
        help_text="Or the Idempotency-Key header: the same key twice registers once.")


class DocumentActionSerializer(serializers.Serializer):
    action = serializers.CharField(help_text="The workflow step: see ``actions`` in the GET answer.")
    version = serializers.IntegerField(required=False, help_text="The version you saw; a newer one is a conflict.")


class VerifySerializer(serializers.Serializer):
    file = serializers.FileField()


class SignatureInfoSerializer(serializers.Serializer):
    field_name = serializers.CharField()
    signer_name = serializers.CharField()
    signer_subject = serializers.CharField()
    issuer = serializers.CharField()
    serial = serializers.CharField()
    signing_time = serializers.DateTimeField(allow_null=True)
    timestamp_time = serializers.DateTimeField(allow_null=True)
    intact = serializers.BooleanField(help_text="The signed bytes are unchanged.")
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField(help_text="The certificate chains to a root this system trusts.")
    revoked = serializers.BooleanField()
    expired = serializers.BooleanField()
    coverage = serializers.CharField()
    modification_level = serializers.CharField(allow_null=True)
    modified = serializers.BooleanField(help_text="Changed after signing beyond form filling and later signatures.")
    ok = serializers.BooleanField()
    problems = serializers.ListField(child=serializers.CharField())


class VerificationSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    modified = serializers.BooleanField()
    signatures = SignatureInfoSerializer(many=True)


def _key(request, data) -> str | None:
    """The idempotency key of a POST: the ``Idempotency-Key`` header or the ``idempotency_key`` field."""
    return (data.get("idempotency_key") or request.headers.get("Idempotency-Key", ""))[:80] or None


def _form_errors(form):
    return serializers.ValidationError(form.errors.get_json_data() and {
        k: [e["message"] for e in v] for k, v in form.errors.get_json_data().items()})


@extend_schema(parameters=SEARCH)
class IncomingList(generics.ListCreateAPIView):
    """A commune's incoming register (GET, newest first, with search); registering a document (POST)."""

    serializer_class = IncomingListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        commune = selectors.commune_for(user=self.request.user, commune_code=self.kwargs["commune_code"])
        return selectors.incoming(user=self.request.user, commune=commune, **views.filters(self.request.query_params))

    @extend_schema(request=IncomingRegisterSerializer, responses={201: IncomingSerializer})
    def post(self, request, commune_code):
        commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb=REGISTER)
        form = IncomingForm(request.data, request.FILES)
        if not form.is_valid():
            raise _form_errors(form)
        c = form.cleaned_data
        document = services.incoming_register(
            actor=request.user, commune=commune, upload=c["file"], arrival_number=c["arrival_number"],
            idempotency_key=_key(request, c),
            received=services.Received(sender=c["sender"], type_code=c["type_code"], summary=c["summary"],
                                        number_symbol=c["number_symbol"], document_date=c["document_date"],
                                        urgency=c["urgency"], confidentiality=c["confidentiality"]))
        return Response(IncomingSerializer(document).data, status=status.HTTP_201_CREATED)


class _Act(APIView):
    """Shared by both kinds: GET one document with the actions open to you; POST one step. Each kind says
    how to find its document (``_document``), check a step's fields (``_form``) and fire it (``_act``)."""

    parser_classes = [MultiPartParser, FormParser, JSONParser]
    workflow = None
    serializer = None

    def _answer(self, request, document):
        return {**self.serializer(document).data,
                "actions": [t.name for t in self.workflow.available(request.user, document)]}

    def get(self, request, commune_code, pk):
        return Response(self._answer(request, self._document(request, commune_code, pk)))

    def post(self, request, commune_code, pk):
        document = self._document(request, commune_code, pk)
        action = DocumentActionSerializer(data=request.data)
        action.is_valid(raise_exception=True)
        name = action.validated_data["action"]
        if name not in self.workflow.transitions:
            raise serializers.ValidationError({"action": _("Unknown action.")})
        form = self._form(name, document, request)
        if form is not None and not form.is_valid():
            raise _form_errors(form)
        self._act(request, document, name, form, action.validated_data.get("version"))
        return Response(self._answer(request, self._document(request, commune_code, pk)))


def _unprefixed(form_class_factory, name, data):
    return form_class_factory({f"{name}-{k}": v for k, v in data.items()})


@extend_schema_view(
    get=extend_schema(responses=IncomingSerializer),
    post=extend_schema(request=DocumentActionSerializer, responses=IncomingSerializer,
                       operation_id="documents_incoming_act"))
class IncomingOne(_Act):
    """One incoming document (GET); assign, take up, finish or reopen it (POST ``action`` and the step's
    fields: ``handler`` (user id), ``working_days``, ``note``)."""

    workflow, serializer = INCOMING, IncomingSerializer

    def _document(self, request, commune_code, pk):
        commune = selectors.commune_for(user=request.user, commune_code=commune_code)
        return selectors.incoming_document(user=request.user, commune=commune, pk=pk)

    def _form(self, name, document, request):
        return _unprefixed(lambda data: views._incoming_form(name, document, request.user, data), name,
                           request.data)

    def _act(self, request, document, name, form, version):
        views._incoming_act(request, document, name, form, version)


@extend_schema(parameters=SEARCH)
class OutgoingList(generics.ListCreateAPIView):
    """A commune's outgoing documents (GET, with search); a new draft (POST, the drafting page's fields)."""

    serializer_class = OutgoingListSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self):
        commune = selectors.commune_for(user=self.request.user, commune_code=self.kwargs["commune_code"])
        return selectors.outgoing(user=self.request.user, commune=commune, **views.filters(self.request.query_params))

    @extend_schema(request=OpenApiTypes.OBJECT, responses={201: OutgoingSerializer})
    def post(self, request, commune_code):
        commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb=DRAFT)
        form = views._draft_form(commune, request.data)
        if not form.is_valid():
            raise _form_errors(form)
        document = services.outgoing_create(actor=request.user, commune=commune,
                                            idempotency_key=_key(request, form.cleaned_data), **form.values())
        return Response(OutgoingSerializer(document).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(responses=OutgoingSerializer),
    post=extend_schema(request=DocumentActionSerializer, responses=OutgoingSerializer,
                       operation_id="documents_outgoing_act"))
class OutgoingOne(_Act):
    """One outgoing document (GET); a step (POST ``action``: edit (the draft's fields), submit, review,
    send_back (``note``), approve, cancel, sign (``key``, ``secret``), issue (``key``, ``secret``, optional
    ``number``), send)."""

    workflow, serializer = OUTGOING, OutgoingSerializer

    def _document(self, request, commune_code, pk):
        commune = selectors.commune_for(user=request.user, commune_code=commune_code)
        return selectors.outgoing_document(user=request.user, commune=commune, pk=pk)

    def _form(self, name, document, request):
        if name == "edit":
            return views._outgoing_form(name, document, request.user, request.data)
        return _unprefixed(lambda data: views._outgoing_form(name, document, request.user, data), name,
                           request.data)

    def _act(self, request, document, name, form, version):
        views._outgoing_act(request, document, name, form, version)


@extend_schema(parameters=[OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["docx", "pdf"])],
               responses={(200, "application/pdf"): OpenApiTypes.BINARY,
                          (200, drafts.DOCX): OpenApiTypes.BINARY})
class OutgoingDraft(APIView):
    """The draft in the legal layout, as DOCX (to edit) or PDF (as it will print)."""

    def get(self, request, commune_code, pk, fmt):
        commune = selectors.commune_for(user=request.user, commune_code=commune_code)
        return views.draft_response(selectors.outgoing_document(user=request.user, commune=commune, pk=pk), fmt)


@method_decorator(ratelimit(key="ip", rate="20/m", method="POST", block=False), name="post")
class Verify(APIView):
    """Verify any signed PDF: signers, times, whether it changed after signing, trust. Nothing is kept."""

    permission_classes = [AllowAny]
    parser_classes = [MultiPartParser]

    @extend_schema(request=VerifySerializer, responses=VerificationSerializer)
    def post(self, request):
        if getattr(request, "limited", False):
            raise Throttled(detail=_("Too many checks from your address; wait a minute and try again."))
        form = VerifyForm(request.data, request.FILES)
        if not form.is_valid():
            raise _form_errors(form)
        try:
            report = verify_pdf(form.cleaned_data["file"].read())
        except ValidationError as error:
            raise serializers.ValidationError({"file": error.messages}) from None
        return Response(VerificationSerializer(report).data)


urlpatterns = [
    path("verify/", Verify.as_view(), name="verify"),
    path("communes/<str:commune_code>/incoming/", IncomingList.as_view(), name="incoming_list"),
    path("communes/<str:commune_code>/incoming/<int:pk>/", IncomingOne.as_view(), name="incoming"),
    path("communes/<str:commune_code>/outgoing/", OutgoingList.as_view(), name="outgoing_list"),
    path("communes/<str:commune_code>/outgoing/<int:pk>/", OutgoingOne.as_view(), name="outgoing"),
    path("communes/<str:commune_code>/outgoing/<int:pk>/draft.<str:fmt>", OutgoingDraft.as_view(),
         name="draft"),
]
