# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the places pages. They check the shape of the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AreaType, Commune, Village
from .services import NAME_MAX_LENGTH


class CommuneFilterForm(forms.Form):
    province = forms.ChoiceField(label=_("Province"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *Commune.Kind.choices])
    area_type = forms.ChoiceField(label=_("Area type"), required=False,
                                  choices=[("", _("All area types")), *AreaType.choices])
    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)

    def __init__(self, *args, provinces=None, **kwargs):
        """``provinces``: the provinces to choose among (system administrators); None hides the filter."""
        super().__init__(*args, **kwargs)
        if provinces is None:
            del self.fields["province"]
        else:
            self.fields["province"].choices = [("", _("All provinces"))] + [(p.code, p.name) for p in provinces]


class AreaTypeForm(forms.Form):
    area_type = forms.ChoiceField(label=_("Area type"), choices=AreaType.choices)


BOUNDARY_MAX_BYTES = 10 * 1024 * 1024  # a commune's polygon, even finely drawn, is well under this


class BoundaryForm(forms.Form):
    file = forms.FileField(label=_("Boundary (GeoJSON)"), required=False,
                           help_text=_("A Polygon or MultiPolygon in longitude and latitude (WGS 84), as a GIS "
                                       "program exports it; one feature."))
    remove = forms.BooleanField(label=_("Remove the boundary"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload is None and not data.get("remove"):
            raise forms.ValidationError(_("Choose a GeoJSON file, or tick “Remove the boundary”."))
        if upload is not None and upload.size > BOUNDARY_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": BOUNDARY_MAX_BYTES >> 20})
        return data


class VillageForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH)
    kind = forms.ChoiceField(label=_("Kind"), choices=Village.Kind.choices, initial=Village.Kind.THON)


class VillageRenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=NAME_MAX_LENGTH)


class VillageMergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("Merge into"), queryset=None,
                                  error_messages={"invalid_choice": _("Choose a village of this commune.")})

    def __init__(self, *args, villages, targets, **kwargs):
        """``villages``: every village of the commune (what may be posted; the service then says why a
        merged one or the village itself cannot be chosen); ``targets``: the active ones offered."""
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = villages
        self.fields["into"].widget.choices = [("", "---------")] + [(v.pk, v.name) for v in targets]


class VillageImportForm(forms.Form):
    file = forms.FileField(label=_("File (CSV or XLSX)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}))
