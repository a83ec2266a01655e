# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the village-group pages. Lengths are checked here for the message and again by the services."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.modules.procedures.selectors import procedure_in_force
from xaso.modules.reports.models import Category

from .models import BODY_MAX, Kind

TOO_LONG = _("At most %(limit_value)d characters (this has %(show_value)d).")


class PostForm(forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("village group", "Kind"), choices=())
    body = forms.CharField(label=pgettext_lazy("village group", "Your message"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"max_length": TOO_LONG})
    pinned = forms.BooleanField(label=_("Pin it at the top (announcements)"), required=False)

    def __init__(self, *args, moderate: bool, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = [Kind.POST, Kind.QUESTION] + ([Kind.ANNOUNCEMENT] if moderate else [])
        self.fields["kind"].choices = [(k.value, k.label) for k in kinds]
        if not moderate:
            del self.fields["pinned"]


class AnswerForm(forms.Form):
    answer_to = forms.IntegerField(widget=forms.HiddenInput)
    body = forms.CharField(label=pgettext_lazy("village group", "Your answer"), max_length=BODY_MAX,
                           widget=forms.Textarea(attrs={"rows": 2}), error_messages={"max_length": TOO_LONG})


class ReasonForm(forms.Form):
    reason = forms.CharField(label=pgettext_lazy("village group", "Reason"), max_length=300)


class JoinForm(forms.Form):
    code = forms.CharField(label=_("The group's code (from your village head)"), max_length=12)


class ReportLinkForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Field-report category"), queryset=None)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(commune=commune, active=True)


class ProcedureLinkForm(forms.Form):
    procedure = forms.CharField(label=_("Procedure code"), max_length=40,
                                widget=forms.TextInput(attrs={"list": "procedure-codes"}))

    def clean_procedure(self):
        found = procedure_in_force(self.cleaned_data["procedure"].strip())
        if found is None:
            raise forms.ValidationError(_("No procedure in force has this code."))
        return found


class HeadForm(forms.Form):
    user = forms.ModelChoiceField(label=pgettext_lazy("village group", "Village head"), queryset=None)

    def __init__(self, *args, heads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = heads
