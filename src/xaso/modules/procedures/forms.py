# SPDX-License-Identifier: AGPL-3.0-or-later
"""The form an online applicant fills, built from the procedure's ``form_fields``."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Procedure

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "id_number", "phone")


def _field(spec: dict) -> forms.Field:
    kind, label, required = spec.get("type", "text"), spec.get("label") or spec["key"], bool(spec.get("required"))
    if kind == "textarea":
        return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea({"rows": 3}))
    if kind == "date":
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if kind == "number":
        return forms.DecimalField(label=label, required=required, max_digits=15, decimal_places=2)
    if kind == "choice":
        choices = [("", "—")] + [(c, c) for c in spec.get("choices", [])]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if kind == "id_number":
        return forms.RegexField(label=label, required=required, regex=r"^\d{12}$", error_messages={
            "invalid": _("The personal identification number must have exactly 12 digits.")})
    if kind == "phone":
        return forms.RegexField(label=label, required=required, regex=r"^(0|\+84)\d{9,10}$",
                                error_messages={"invalid": _("Enter a Vietnamese phone number.")})
    return forms.CharField(label=label, required=required, max_length=300)


def fields_form(procedure: Procedure, data=None, files=None, prefix: str | None = None) -> forms.Form:
    form = forms.Form(data, files, prefix=prefix)
    for spec in procedure.form_fields or ():
        form.fields[spec["key"]] = _field(spec)
    return form


class EnablementForm(forms.Form):
    codes = forms.MultipleChoiceField(label=_("Procedures this service center handles"), required=False,
                                      widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, procedures, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["codes"].choices = [(p.code, f"{p.code} · {p.name}") for p in procedures]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Procedure list (XLSX or CSV, see the template)"))
