# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the petition pages: filing (online, or at the counter by an official), the officials' steps, the
petitioner's consent, and a deadline rule kept by the province."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.files.services import file_check

from .models import Channel, DeadlineRule, Kind, Topic
from .services import MAX_ATTACHMENTS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesField(forms.FileField):
    """Several files in one field (Django's documented pattern for ``multiple``), each checked by core.files."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if len(files) > MAX_ATTACHMENTS:
            raise forms.ValidationError(_("At most %(n)d files.") % {"n": MAX_ATTACHMENTS})
        cleaned = [super(FilesField, self).clean(f, initial) for f in files]
        for f in cleaned:
            file_check(f)
        return cleaned


PHONE = {"regex": r"^(0|\+84)\d{9,10}$", "error_messages": {"invalid": _("Enter a Vietnamese phone number.")}}


class PetitionForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=[(Kind.GENERAL, Kind.GENERAL.label),
                                                       (Kind.REGULATION, Kind.REGULATION.label)])
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Your petition"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = FilesField(label=_("Files (up to 3)"), required=False)
    name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    phone = forms.RegexField(label=_("Phone"), required=False, **PHONE)
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    consent_to_publish = forms.BooleanField(
        label=_("The commune may publish the answer, without my name or contact details"), required=False,
        help_text=_("You can change this until the answer is published."))

    def __init__(self, *args, channels: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if channels:  # an official records a petition received another way
            self.fields["channel"] = forms.ChoiceField(
                label=_("Received"), choices=[c for c in Channel.choices if c[0] != Channel.ONLINE])
            self.fields["consent_to_publish"].label = _("The petitioner agrees to publish the answer")
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class EmptyForm(forms.Form):
    pass


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Official who answers"), queryset=None)
    note = forms.CharField(label=_("Instructions"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, assignees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Answer to the petitioner"), max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(label=_("File with the answer (optional)"), required=False)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            file_check(upload)
        return upload


class ForwardForm(forms.Form):
    to = forms.CharField(label=_("Competent body"), max_length=300)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why it is a complaint or denunciation, and where to take it"),
                             max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class ConsentForm(forms.Form):
    # An explicit choice, never an absent checkbox: a stray POST must not withdraw a consent.
    consent = forms.ChoiceField(label=_("May the commune publish the answer, without your name?"),
                                choices=[("yes", _("Yes")), ("no", _("No"))], widget=forms.RadioSelect)


class LookupForm(forms.Form):
    token = forms.CharField(label=_("Follow-up code"), max_length=40)


class RuleForm(forms.ModelForm):
    class Meta:
        model = DeadlineRule
        fields = ["kind", "stage", "days", "counting", "effective_from", "effective_to", "legal_basis",
                  "certainty", "note"]
        widgets = {"effective_from": forms.DateInput(attrs={"type": "date"}),
                   "effective_to": forms.DateInput(attrs={"type": "date"}),
                   "note": forms.Textarea(attrs={"rows": 2})}

