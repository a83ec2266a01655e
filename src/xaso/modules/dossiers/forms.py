# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the dossier pages: intake (counter, assisted, online) and the step forms."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from xaso.core.files.services import file_check

from .models import Channel, Rating, id_number_validator
from .services import Applicant


class IntakeForm(forms.Form):
    """The applicant and their papers. One file field per dossier component of the procedure, and for
    each a choice of the applicant's valid papers already digitised (reuse instead of a new upload)."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=80)
    applicant_name = forms.CharField(label=_("Applicant's full name"), max_length=150)
    applicant_id_number = forms.CharField(label=_("Personal identification number"), max_length=12,
                                          validators=[id_number_validator],
                                          widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    applicant_phone = forms.RegexField(label=_("Phone"), regex=r"^(0|\+84)\d{9,10}$", required=False,
                                       error_messages={"invalid": _("Enter a Vietnamese phone number.")})
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    organisation = forms.CharField(label=_("Organisation (for a business)"), max_length=200, required=False)

    def __init__(self, *args, procedure, papers=(), counter: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.counter = counter
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)
        if counter:
            self.fields["channel"] = forms.ChoiceField(label=_("Channel"), choices=Channel.choices,
                                                       initial=Channel.IN_PERSON)
            self.fields["assisted"] = forms.BooleanField(
                label=_("Assisted: I file online on the applicant's behalf"), required=False)
            self.fields["accept"] = forms.BooleanField(
                label=_("The papers are complete: accept now and print the receipt"), required=False, initial=True)
        choices = [("", _("— upload a new file —"))] + [
            (str(p.pk), f"{p.title}{' · ' + p.number if p.number else ''} ({p.created_at:%d/%m/%Y})") for p in papers]
        self.components = []
        for i, component in enumerate(procedure.components.all()):
            file_name, reuse_name = f"component_{i}", f"reuse_{i}"
            self.fields[file_name] = forms.FileField(label=component.name, required=False)
            if len(choices) > 1:
                self.fields[reuse_name] = forms.ChoiceField(label=_("or reuse a digitised paper"), choices=choices,
                                                            required=False)
            self.components.append((component, file_name, reuse_name))

    def clean(self):
        data = super().clean()
        missing = []
        for component, file_name, reuse_name in self.components:
            upload = data.get(file_name)
            if upload:
                try:
                    file_check(upload)
                except ValidationError as error:
                    self.add_error(file_name, error)
            elif component.required and not data.get(reuse_name):
                missing.append(component.name)
                self.add_error(file_name, _("This component is required."))
        return data

    def applicant(self) -> Applicant:
        d = self.cleaned_data
        return Applicant(name=d["applicant_name"], id_number=d["applicant_id_number"], phone=d["applicant_phone"],
                         email=d["applicant_email"], address=d["applicant_address"], organisation=d["organisation"])

    def uploads(self) -> dict:
        return {c.name: self.cleaned_data[f] for c, f, _r in self.components if self.cleaned_data.get(f)}

    def reuse(self) -> dict:
        return {c.name: int(self.cleaned_data[r]) for c, f, r in self.components
                if not self.cleaned_data.get(f) and self.cleaned_data.get(r)}


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Reason / documents needed"), widget=forms.Textarea(attrs={"rows": 3}),
                           max_length=2000)


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label=_("Specialist"), queryset=None)

    def __init__(self, *args, officials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officials


class ResultForm(forms.Form):
    result = forms.FileField(label=_("Result (scanned or signed file)"))
    title = forms.CharField(label=_("Paper"), max_length=200)
    number = forms.CharField(label=_("Number"), max_length=60, required=False)
    issuer = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))

    def clean_result(self):
        upload = self.cleaned_data["result"]
        file_check(upload)
        return upload


class ExtendForm(forms.Form):
    new_date = forms.DateField(label=_("New appointment date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ForwardForm(forms.Form):
    agency = forms.CharField(label=_("Agency that resolves the dossier"), max_length=200)


class DocumentsForm(forms.Form):
    documents = forms.FileField(label=_("Documents received (scan)"), required=False)

    def clean_documents(self):
        upload = self.cleaned_data.get("documents")
        if upload:
            file_check(upload)
        return upload


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(label=_("How satisfied are you?"), coerce=int,
                                   choices=[(i, str(i)) for i in range(5, 0, -1)], widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(label=_("Why?"), choices=Rating.Reason.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                              max_length=2000)


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Dossier code"), max_length=60)
    secret = forms.RegexField(label=_("Last 4 digits of your phone or identification number"), regex=r"^\d{4}$",
                              error_messages={"invalid": _("Enter 4 digits.")},
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
