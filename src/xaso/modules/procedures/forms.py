# SPDX-License-Identifier: AGPL-3.0-or-later
"""The form an online applicant fills, built from the procedure's ``form_fields``."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Procedure

FIELD_TYPES = ("text", "textarea", "date", "number", "choice", "id_number", "phone")


# A mobile number is 0 (or +84) and 9 digits starting 3, 5, 7, 8 or 9; a landline is 0 (or +84), 2 and 9 more.
PHONE = r"^(?:0|\+84)(?:[35789]\d{8}|2\d{9})$"


class DigitsField(forms.RegexField):
    """A number people write in groups ("0912 345 678", "091.234.5678"): the separators go before the check."""

    def to_python(self, value):
        return re.sub(r"[\s.\-]", "", super().to_python(value))


def _field(spec: dict) -> forms.Field:
    kind, label, required = spec.get("type", "text"), spec.get("label") or spec["key"], bool(spec.get("required"))
    if kind == "textarea":
        return forms.CharField(label=label, required=required, max_length=2000, widget=forms.Textarea({"rows": 3}))
    if kind == "date":
        # The browser's date picker sends yyyy-mm-dd; a person typing writes dd/mm/yyyy.
        return forms.DateField(label=label, required=required, input_formats=["%Y-%m-%d", "%d/%m/%Y"],
                               widget=forms.DateInput(attrs={"type": "date"}))
    if kind == "number":
        return forms.DecimalField(label=label, required=required, max_digits=15, decimal_places=2)
    if kind == "choice":
        choices = [("", "—")] + [(c, c) for c in spec.get("choices", [])]
        return forms.ChoiceField(label=label, required=required, choices=choices)
    if kind == "id_number":
        return DigitsField(label=label, required=required, regex=r"^\d{12}$", error_messages={
            "invalid": _("The personal identification number must have exactly 12 digits.")})
    if kind == "phone":
        return DigitsField(label=label, required=required, regex=PHONE, widget=forms.TextInput({"type": "tel"}),
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
