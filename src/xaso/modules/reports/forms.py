# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the field-report pages: filing from a phone, and the officials' step forms."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from xaso.core.places.models import Village

from .models import Category


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos in one field (Django's documented pattern for ``multiple``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class ReportForm(forms.Form):
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    category = forms.ModelChoiceField(label=_("What is the problem?"), queryset=None, empty_label=None)
    description = forms.CharField(label=_("Describe it"), max_length=3000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    # Filled by tapping the map or by the phone's position (the page's small script); typed by hand too.
    latitude = forms.DecimalField(label=_("Latitude"), max_digits=9, decimal_places=6, required=False,
                                  widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    longitude = forms.DecimalField(label=_("Longitude"), max_digits=9, decimal_places=6, required=False,
                                   widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}))
    village = forms.ModelChoiceField(label=_("Village or residential group"), queryset=None, required=False)
    address = forms.CharField(label=_("Address or landmark"), max_length=300, required=False)
    photos = PhotosField(label=_("Photos (up to 5)"), required=False,
                         help_text=_("Their location data is removed before they are kept."))
    name = forms.CharField(label=_("Your name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Your e-mail, to hear of its progress"), required=False)
    phone = forms.RegexField(label=_("Your phone"), regex=r"^(0|\+84)\d{9,10}$", required=False,
                             error_messages={"invalid": _("Enter a Vietnamese phone number.")})
    hide_identity = forms.BooleanField(label=_("Hide my identity from the officials handling it"), required=False)
    # Set when the reporter saw the open reports nearby and still files a new one.
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(commune=commune, active=True)
        self.fields["village"].queryset = Village.objects.filter(commune=commune, merged_into__isnull=True)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None)
    note = forms.CharField(label=_("Instructions"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers


class AnswerForm(forms.Form):
    """The answer typed, or a prepared one picked (its text then fills the box, where the page's script
    lets the official adapt it; without the script the prepared text is sent as it is)."""

    template = forms.ModelChoiceField(label=_("Prepared answer"), queryset=None, required=False,
                                      empty_label=_("— write my own —"))
    answer = forms.CharField(label=_("Answer to the reporter"), max_length=3000, required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, responses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].queryset = responses
        if not responses.exists():
            del self.fields["template"]

    def clean(self):
        data = super().clean()
        if not (data.get("answer") or "").strip():
            if data.get("template") is None:
                raise forms.ValidationError(_("Write the answer to the reporter, or pick a prepared one."))
            data["answer"] = data["template"].text
        return data


class ResponseTemplateForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None, required=False,
                                      empty_label=_("Every category"))
    text = forms.CharField(label=_("Answer to the reporter"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    active = forms.BooleanField(label=_("Offered"), required=False, initial=True)

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = commune.report_categories.all()


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Are you satisfied with how it was fixed?"), coerce=int,
                                    choices=[(5, "5"), (4, "4"), (3, "3"), (2, "2"), (1, "1")],
                                    widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}))
