# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the province's catalogue and dictionary pages. They only shape what was typed; every rule is
checked by the services in ``definitions`` (a fault comes back onto its field by ``service_errors``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.places.models import AreaType, Commune
from xaso.core.ui.forms import text_upload

from . import sources
from .models import Approver, Disaggregation, Operator, PeriodType, Severity, ValueType

# A definitions file is a few hundred lines: anything far larger is a mistake (or an attack on the parser).


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _commas(text: str) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


class ElementForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Capital letters, digits, dots, dashes and underscores, e.g. DL19.01."))
    name = forms.CharField(label=_("Element name"), max_length=200)
    name_en = forms.CharField(label=_("Name in English"), max_length=200, required=False)
    value_type = forms.ChoiceField(label=_("Value type"), choices=ValueType.choices)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    choices = forms.CharField(label=_("Allowed values"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_("Only for the type “one of a list”: one value per line."))
    minimum = forms.DecimalField(label=_("Minimum"), required=False, max_digits=20, decimal_places=4)
    maximum = forms.DecimalField(label=_("Maximum"), required=False, max_digits=20, decimal_places=4)
    disaggregation = forms.ChoiceField(label=_("Disaggregation"), choices=Disaggregation.choices)
    definition = forms.CharField(label=_("Definition"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.ChoiceField(label=_("Taken from xaso"), required=False, choices=(),
                               help_text=_("A figure xaso already knows is filled in for the commune."))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = sources.choices()
        if editing:  # the code names the element everywhere: it does not change
            self.fields["code"].disabled = True

    def clean_choices(self):
        return _lines(self.cleaned_data["choices"])

    @staticmethod
    def initial_for(element) -> dict:
        return {"code": element.code, "name": element.name, "name_en": element.name_en,
                "value_type": element.value_type, "unit": element.unit, "choices": "\n".join(element.choices or []),
                "minimum": element.minimum, "maximum": element.maximum, "disaggregation": element.disaggregation,
                "definition": element.definition, "source": element.source}


class DatasetForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Capital letters, digits, dots, dashes and underscores, e.g. QN.NN.01."))
    title = forms.CharField(label=_("Title"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    publisher = forms.CharField(label=_("Publisher"), max_length=200, required=False,
                                help_text=_("The agency responsible for the data, e.g. the province's department."))
    licence = forms.CharField(label=_("Licence"), max_length=100, initial="CC-BY-4.0")
    keywords = forms.CharField(label=_("Keywords"), required=False, help_text=_("Separated by commas."))
    component = forms.CharField(label=_("Model component"), max_length=10, required=False,
                                help_text=_("The component of the commune model it evidences, e.g. DL19."))
    period_type = forms.ChoiceField(label=_("Period"), choices=PeriodType.choices, initial=PeriodType.QUARTERLY)
    due_days = forms.IntegerField(label=_("Due, days after the period"), min_value=0, max_value=366, initial=10)
    area_types = forms.MultipleChoiceField(label=_("Area types that report"), choices=AreaType.choices,
                                           required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text=_("None ticked: every commune of the province reports."))
    communes = forms.ModelMultipleChoiceField(label=_("Communes that also report"), queryset=Commune.objects.none(),
                                              required=False)
    approver = forms.ChoiceField(label=_("Approved by"), choices=Approver.choices)
    jump_percent = forms.IntegerField(label=_("Explain changes above (%)"), min_value=1, max_value=1000, initial=50)

    def __init__(self, *args, province, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = Commune.objects.filter(province=province).order_by("name")
        if editing:
            self.fields["code"].disabled = True

    def clean_keywords(self):
        return _commas(self.cleaned_data["keywords"])

    def service_kwargs(self) -> dict:
        c = dict(self.cleaned_data)
        c["communes"] = [commune.pk for commune in c["communes"]]
        c.pop("code")
        return c

    @staticmethod
    def initial_for(dataset) -> dict:
        return {"code": dataset.code, "title": dataset.title, "title_en": dataset.title_en,
                "description": dataset.description, "publisher": dataset.publisher, "licence": dataset.licence,
                "keywords": ", ".join(dataset.keywords or []), "component": dataset.component,
                "period_type": dataset.period_type, "due_days": dataset.due_days,
                "area_types": list(dataset.area_types or []), "communes": list(dataset.communes.all()),
                "approver": dataset.approver, "jump_percent": dataset.jump_percent}


class ElementsForm(forms.Form):
    """Which of the dictionary's elements the dataset holds, in which order, section and whether required:
    one row of fields per element, named by the element's id."""

    def __init__(self, *args, dataset, elements, **kwargs):
        super().__init__(*args, **kwargs)
        members = {item.element_id: item for item in dataset.members()}
        self.rows = []
        for n, element in enumerate(elements):
            item = members.get(element.pk)
            key = f"e{element.pk}"
            self.fields[f"{key}_in"] = forms.BooleanField(label=element.code, required=False,
                                                          initial=item is not None)
            self.fields[f"{key}_order"] = forms.IntegerField(label=_("Order"), min_value=0, max_value=9999,
                                                             required=False,
                                                             initial=(item.order if item else len(members) + n) + 1)
            self.fields[f"{key}_section"] = forms.CharField(label=_("Section"), max_length=100, required=False,
                                                            initial=item.section if item else "")
            self.fields[f"{key}_required"] = forms.BooleanField(label=_("Required"), required=False,
                                                                initial=item.required if item else True)
            self.rows.append((element, [self[f"{key}_{part}"] for part in ("in", "order", "section", "required")]))

    def items(self) -> list[dict]:
        chosen = []
        for element, _fields in self.rows:
            key = f"e{element.pk}"
            if self.cleaned_data.get(f"{key}_in"):
                chosen.append((self.cleaned_data.get(f"{key}_order") or 0, element.code,
                               {"code": element.code, "section": self.cleaned_data.get(f"{key}_section") or "",
                                "required": bool(self.cleaned_data.get(f"{key}_required"))}))
        return [row for _order, _code, row in sorted(chosen, key=lambda r: (r[0], r[1]))]


class RuleForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("e.g. R1."))
    left = forms.CharField(label=_("Left side"), max_length=300,
                           help_text=_("Element codes and numbers joined by “ + ” or “ - ”, e.g. DL25.01 + DL25.02."))
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    right = forms.CharField(label=_("Right side"), max_length=300)
    message = forms.CharField(label=_("Message to the commune"), max_length=300,
                              help_text=_("What the commune reads when the rule does not hold, in Vietnamese."))
    message_en = forms.CharField(label=_("Message in English"), max_length=300, required=False)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Definitions file (YAML)"),
                           help_text=_("A file downloaded from this page, edited. At most 512 KB."))

    def clean_file(self):
        return text_upload(self.cleaned_data["file"])
