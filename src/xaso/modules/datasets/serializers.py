# SPDX-License-Identifier: AGPL-3.0-or-later
"""The shapes of the data-sharing API (api.py). Figures keep the shape of ``sharing.value_row``, the one the
province's data-sharing platform (LGSP) receives, plus the commune and the period they belong to."""

from rest_framework import serializers

from .models import Disaggregation, PeriodType, Sex, ValueType


class ElementSerializer(serializers.Serializer):
    """One element of a dataset, as the data dictionary defines it (DL7)."""

    code = serializers.CharField(source="element.code")
    name = serializers.CharField(source="element.name")
    name_en = serializers.CharField(source="element.name_en")
    value_type = serializers.ChoiceField(source="element.value_type", choices=ValueType.choices)
    unit = serializers.CharField(source="element.unit")
    choices = serializers.ListField(source="element.choices", child=serializers.CharField(),
                                    help_text="The allowed values of an element whose value_type is choice.")
    disaggregation = serializers.ChoiceField(source="element.disaggregation", choices=Disaggregation.choices)
    definition = serializers.CharField(source="element.definition")
    section = serializers.CharField()
    required = serializers.BooleanField()


class CatalogueDatasetSerializer(serializers.Serializer):
    """A published dataset's metadata (DCAT: title, description, publisher, licence, keywords)."""

    province = serializers.CharField(source="province_id")
    code = serializers.CharField()
    title = serializers.CharField()
    title_en = serializers.CharField()
    description = serializers.CharField()
    publisher = serializers.CharField()
    licence = serializers.CharField()
    keywords = serializers.ListField(child=serializers.CharField())
    period_type = serializers.ChoiceField(choices=PeriodType.choices)
    component = serializers.CharField(help_text="The model component the dataset evidences (e.g. DL19), if any.")
    template_version = serializers.IntegerField(source="version")
    published_at = serializers.DateTimeField()
    elements = ElementSerializer(source="items", many=True)


class ValueRowSerializer(serializers.Serializer):
    """One approved figure: ``sharing.value_row`` with the commune and the period."""

    commune = serializers.CharField()
    commune_name = serializers.CharField()
    period = serializers.CharField(help_text="2026M07, 2026Q3, 2026H2, 2026 or ONCE.")
    element = serializers.CharField()
    village = serializers.CharField(allow_null=True, help_text="The village's name, for figures by village.")
    village_id = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, allow_null=True)
    value = serializers.CharField(help_text="The figure as stored: a number with a dot, yes/no, or text.")
    number = serializers.FloatField(allow_null=True, help_text="The same figure as a number, when it is one.")
    comment = serializers.CharField()


class ReturnRowSerializer(serializers.Serializer):
    """A commune's approved return of one period."""

    commune = serializers.CharField(source="commune_id")
    commune_name = serializers.CharField(source="commune.name")
    period = serializers.CharField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    template_version = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
