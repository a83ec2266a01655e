# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the document pages: registering what arrives, drafting, and the step forms."""

import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.files.services import file_check

from .drafting.types import DOCUMENT_TYPES
from .models import Confidentiality, Issuer, Urgency


def _type_choices():
    return [(code, t.name) for code, t in DOCUMENT_TYPES.items()]


def _lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class LinesField(forms.CharField):
    """One entry per line (recipients, addressees): kept as a list."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        return _lines(super().to_python(value))


class Idempotent(forms.Form):
    """A key drawn when the form is shown: the same form sent twice (a double click, a retry after a lost
    answer) makes one record."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class IncomingForm(Idempotent):
    sender = forms.CharField(label=_("Sender"), max_length=300)
    number_symbol = forms.CharField(label=_("Their number and symbol"), max_length=60, required=False)
    document_date = forms.DateField(label=_("Date of the document"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    type_code = forms.ChoiceField(label=_("Type"), choices=_type_choices)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices, required=False)
    arrival_number = forms.IntegerField(label=_("Arrival number"), required=False, min_value=1,
                                        help_text=_("Leave empty for the register's next number."))
    file = forms.FileField(label=_("The document (PDF or scan)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            file_check(upload)
        return upload


class PackageForm(forms.Form):
    package = forms.FileField(label=_("An edXML package file"))

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > settings.XASO_MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is too large."), code="too_big")
        return upload


class DraftForm(Idempotent):
    type_code = forms.ChoiceField(label=_("Type"), choices=_type_choices)
    title = forms.CharField(label=_("Title"), max_length=500, required=False,
                            help_text=_("Printed under the type name (not used for an official letter)."))
    summary = forms.CharField(label=_("Summary"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    addressees = LinesField(label=_("Addressed to (one per line)"), required=False)
    body = forms.CharField(label=_("Body"), widget=forms.Textarea(attrs={"rows": 16}), max_length=100_000)
    recipients = LinesField(label=_("Recipients (one per line)"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, required=False)
    confidentiality = forms.ChoiceField(label=_("Confidentiality"), choices=Confidentiality.choices, required=False)
    signer = forms.ModelChoiceField(label=_("Signer"), queryset=None)
    signer_competence = forms.CharField(label=_("Signing on behalf of"), max_length=100, required=False,
                                        help_text=_("For example “TM. ỦY BAN NHÂN DÂN” or “KT. CHỦ TỊCH”."))
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100)
    cosigner_position = forms.CharField(label=_("Second signer's position"), max_length=100, required=False,
                                        help_text=_("Printed on the left, as the secretary on minutes."))
    cosigner_name = forms.CharField(label=_("Second signer's name"), max_length=150, required=False)
    work_file = forms.ModelChoiceField(label=_("Work file"), queryset=None, required=False)
    exchange_to = forms.MultipleChoiceField(label=_("Send through the exchange axis to"), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 4}))

    def __init__(self, *args, signers, work_files, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].queryset = signers
        self.fields["work_file"].queryset = work_files
        self.fields["exchange_to"].choices = [(a.organ_id, f"{a.name} ({a.organ_id})") for a in agencies]

    def values(self) -> dict:
        """The draft's fields (what ``outgoing_create`` and ``outgoing_edit`` take)."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "idempotency_key"}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=2000)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=None)
    working_days = forms.IntegerField(label=_("Deadline in working days"), min_value=1, max_value=60, initial=5)
    note = forms.CharField(label=_("Instructions"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
                           max_length=2000)

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = handlers


class SignForm(forms.Form):
    key = forms.ModelChoiceField(label=_("Signing key"), queryset=None, empty_label=None)
    secret = forms.CharField(label=_("Passphrase or PIN"), widget=forms.PasswordInput, max_length=200,
                             strip=False)

    def __init__(self, *args, keys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key"].queryset = keys


class IssueForm(SignForm):
    number = forms.IntegerField(label=_("Number"), required=False, min_value=1,
                                help_text=_("Leave empty for the register's next number."))


class WorkFileForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class IssuerForm(forms.ModelForm):
    class Meta:
        model = Issuer
        fields = ["name", "parent", "abbreviation", "place", "organ_id"]


class VerifyForm(forms.Form):
    file = forms.FileField(label=_("A signed PDF"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise ValidationError(_("This file is not a PDF."), code="not_pdf")
        return upload
