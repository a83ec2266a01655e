# SPDX-License-Identifier: AGPL-3.0-or-later
"""The setup forms: a service area, a counter. The services check again (the API has no forms)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class AreaForm(forms.Form):
    letter = forms.CharField(label=_("Letter"), max_length=2, help_text=_("Printed before the number: A007."))
    name = forms.CharField(label=_("Name"), max_length=120)


class AreaChangeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    order = forms.IntegerField(label=_("Order on the kiosk"), min_value=0, max_value=99)
    active = forms.BooleanField(label=_("Takes tickets"), required=False)


class CounterForm(forms.Form):
    number = forms.IntegerField(label=_("Counter number"), min_value=1, max_value=99)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    areas = forms.MultipleChoiceField(label=_("Service areas"), widget=forms.CheckboxSelectMultiple)
    active = forms.BooleanField(label=_("Open"), required=False, initial=True)

    def __init__(self, *args, areas=(), change=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].choices = [(str(a.pk), str(a)) for a in areas]
        if change:
            del self.fields["number"]  # the board shows it: a counter keeps its number
        else:
            del self.fields["active"]
