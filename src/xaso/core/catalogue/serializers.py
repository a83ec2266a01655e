# SPDX-License-Identifier: AGPL-3.0-or-later
"""What the catalogue's API reads and writes. Errors are in the caller's language, naming the field."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune

from . import registry, selectors
from .models import Adoption, AdoptionEvidence, Component, Layer, Status
from .services import not_applicable_message, owner_error

# DRF's own Vietnamese catalogue lacks these; ours name the field's meaning as well.
STATUS_ERRORS = {
    "invalid_choice": gettext_lazy("“{input}” is not a status: use not_started, planned, in_progress or live."),
}
OWNER_ERRORS = {"invalid": gettext_lazy("Give the id (a whole number) of an official of the commune.")}
NOTES_ERRORS = {"max_length": gettext_lazy("The notes may be at most {max_length} characters long.")}


class ComponentSerializer(serializers.ModelSerializer):
    layer = serializers.CharField(source="layer_id", read_only=True, help_text="ASCII key of the layer, e.g. UDCQS")
    provided_by = serializers.SerializerMethodField(
        help_text='"module:<app label>" (a xaso module provides it), "integration" (xaso integrates with the '
                  'central or provincial system that provides it) or "tracked" (hardware and people, tracked here)')

    class Meta:
        model = Component
        fields = ["code", "key", "layer", "tier", "area", "name_vi", "name_en", "provided_by"]

    def get_provided_by(self, component: Component) -> str:
        return registry.provision(component).as_text


class EvidenceSerializer(serializers.ModelSerializer):
    file_id = serializers.IntegerField(source="file.pk", read_only=True)
    name = serializers.CharField(source="file.original_name", read_only=True)
    content_type = serializers.CharField(source="file.content_type", read_only=True)
    size = serializers.IntegerField(source="file.size", read_only=True)
    sha256 = serializers.CharField(source="file.sha256", read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = AdoptionEvidence
        fields = ["id", "file_id", "name", "content_type", "size", "sha256", "download", "added_at"]

    def get_download(self, evidence: AdoptionEvidence) -> str:
        from django.urls import reverse

        return reverse("files:download", args=[evidence.file_id])


class AdoptionSerializer(serializers.ModelSerializer):
    commune = serializers.CharField(source="commune_id", read_only=True)
    component = serializers.CharField(source="component.code", read_only=True)
    component_key = serializers.CharField(source="component_id", read_only=True)
    layer = serializers.CharField(source="component.layer_id", read_only=True)
    owner = serializers.IntegerField(source="owner_id", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Adoption
        fields = ["id", "commune", "component", "component_key", "layer", "status", "owner", "owner_name",
                  "target_date", "notes", "updated_at", "evidence"]
        read_only_fields = fields

    def get_owner_name(self, adoption: Adoption) -> str | None:
        return str(adoption.owner) if adoption.owner_id else None


class AdoptionFilterSerializer(serializers.Serializer):
    """The list's query parameters."""

    commune = serializers.CharField(required=False, max_length=5, help_text="commune code, e.g. 06688")
    status = serializers.ChoiceField(required=False, choices=Status.choices, error_messages=STATUS_ERRORS)
    layer = serializers.CharField(required=False, max_length=10, help_text="layer key, e.g. HTS")

    def validate_layer(self, value: str) -> str:
        if not Layer.objects.filter(key=value).exists():
            raise serializers.ValidationError(_("There is no layer %(key)s in the model.") % {"key": value})
        return value


def _owner(value: int | None, commune: Commune):
    if value is None:
        return None
    owner = User.objects.filter(pk=value).first()
    if owner is None:
        # The same words as for a person of another commune: the answer does not reveal who exists.
        raise serializers.ValidationError({"owner": _("%(person)s is not an official of %(commune)s.") % {
            "person": f"#{value}", "commune": commune.name}})
    return owner


class AdoptionWriteSerializer(serializers.Serializer):
    """Create or update the record of one component in one commune (an upsert)."""

    commune = serializers.CharField(max_length=5, help_text="commune code, e.g. 06688")
    component = serializers.CharField(max_length=20, help_text="component code (ỨDCQS19) or key (UDCQS19)")
    status = serializers.ChoiceField(choices=Status.choices, error_messages=STATUS_ERRORS)
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="",
                                  error_messages=NOTES_ERRORS)
    owner = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1,
                                     help_text="id of an official of the commune", error_messages=OWNER_ERRORS)

    def validate_commune(self, value: str) -> Commune:
        commune = Commune.objects.filter(code=value.strip()).first()
        if commune is None:
            raise serializers.ValidationError(_("There is no commune with code %(code)s.") % {"code": value})
        if not can(self.context["request"].user, selectors.VIEW, commune):
            raise serializers.ValidationError(
                _("%(commune)s is outside your scope.") % {"commune": f"{commune.name} ({commune.code})"})
        return commune

    def validate_component(self, value: str) -> Component:
        component = selectors.find_component(value)
        if component is None:
            raise serializers.ValidationError(_("There is no component %(code)s in the model.") % {"code": value})
        return component

    def validate(self, attrs):
        commune, component = attrs["commune"], attrs["component"]
        if not component.applies_to(commune):
            raise serializers.ValidationError({"component": not_applicable_message(component, commune)})
        owner = _owner(attrs.get("owner"), commune)
        if problem := owner_error(owner, commune):
            raise serializers.ValidationError({"owner": problem})
        attrs["owner"] = owner
        return attrs


class AdoptionPatchSerializer(serializers.Serializer):
    """Change some fields of one record; the others stay as they are."""

    status = serializers.ChoiceField(required=False, choices=Status.choices, error_messages=STATUS_ERRORS)
    target_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=10000, error_messages=NOTES_ERRORS)
    owner = serializers.IntegerField(required=False, allow_null=True, min_value=1,
                                     help_text="id of an official of the commune", error_messages=OWNER_ERRORS)

    def validate(self, attrs):
        adoption = self.context["adoption"]
        if "owner" in attrs and attrs["owner"] != adoption.owner_id:
            owner = _owner(attrs["owner"], adoption.commune)
            if problem := owner_error(owner, adoption.commune):
                raise serializers.ValidationError({"owner": problem})
            attrs["owner"] = owner
        elif "owner" in attrs:
            attrs["owner"] = adoption.owner
        return attrs
