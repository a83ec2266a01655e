# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sign-in forms. Django renders each error with an id and links it to its field (aria-describedby)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

FORM_ERRORS_ID = "form-errors"


class RefusableForm(forms.Form):
    def refuse(self, message) -> None:
        """A refusal that concerns the whole form (wrong password, locked account): announced once, and
        every field points at it, so a screen reader on any field hears why."""
        self.add_error(None, message)
        for field in self.fields.values():
            field.widget.attrs["aria-describedby"] = FORM_ERRORS_ID
            field.widget.attrs["aria-invalid"] = "true"


class SignInForm(RefusableForm):
    # A context of our own for "Username": Django's catalogue, which comes first, says "Tên người dùng".
    username = forms.CharField(label=pgettext_lazy("sign-in", "Username"), max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false", "autofocus": True}))
    password = forms.CharField(label=_("Password"), strip=False, max_length=4096, widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))


class CodeForm(RefusableForm):
    code = forms.CharField(
        label=_("Six-digit code"), max_length=12,
        help_text=_("The code your authenticator app shows now for xaso."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True, "size": 8}),
    )

    def clean_code(self) -> str:
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"\d{6}", code):
            raise forms.ValidationError(_("Enter the 6 digits your authenticator app shows."), code="format")
        return code
