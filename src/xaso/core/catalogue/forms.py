# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the catalogue's pages: the filters of each table, and the adoption form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.files.services import ACCEPTED, file_check

from . import registry
from .models import Layer, Status, Tier
from .seed import area_keys, area_name


def _any(choices):
    return [("", _("All")), *choices]


class AreaChoices:
    """The model's area names, in the language active when the form is shown."""

    def __iter__(self):
        return iter([(key, area_name(key)) for key in area_keys()])


class ComponentFilterForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), required=False, choices=_any(Tier.choices))
    area = forms.ChoiceField(label=_("Area type"), required=False)
    layer = forms.ChoiceField(label=_("Layer"), required=False)
    provision = forms.ChoiceField(label=_("Provided by"), required=False,
                                  choices=_any(list(registry.KIND_LABELS.items())))

    def __init__(self, *args, layers: list[Layer], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = _any(list(AreaChoices()))
        self.fields["layer"].choices = _any([(layer.key, str(layer)) for layer in layers])


class RoadmapFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False, choices=_any(Status.choices))


class MatrixFilterForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False)
    area_type = forms.ChoiceField(label=_("Area type"), required=False)

    def __init__(self, *args, provinces, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [(p.code, p.name) for p in provinces]
        self.fields["area_type"].choices = _any(list(AreaChoices()))


class AdoptionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False,
                                   empty_label=_("— nobody yet —"),
                                   help_text=_("One of the commune's officials, who sees it through."))
    target_date = forms.DateField(label=_("Target date"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    notes = forms.CharField(label=_("Evidence notes"), required=False, max_length=10000,
                            widget=forms.Textarea(attrs={"rows": 5}))
    evidence_file = forms.FileField(label=_("Evidence file"), required=False)

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = officials
        self.fields["owner"].label_from_instance = lambda user: f"{user} · {user.get_role_display()}"
        self.fields["evidence_file"].help_text = _("Optional. Accepted types: %(types)s.") % {"types": ACCEPTED}

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            # Refused here, the whole submission stops and nothing is saved, not even the status.
            file_check(upload)
        return upload
