# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the signing pages: adding a key (PKCS#12 file or a key on the server's PKCS#11 token) and a
trusted certification authority."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

MAX_KEY_FILE = 64 * 1024  # a PKCS#12 file with its chain is a few kilobytes
MAX_CERTIFICATE_FILE = 64 * 1024

ORGANISATION = "organisation"


class KeyForm(forms.Form):
    owner = forms.ChoiceField(label=_("Whose key"))
    backend = forms.ChoiceField(label=_("Where the key is"), choices=[
        ("pkcs12", _("A PKCS#12 file (.p12 or .pfx)")), ("pkcs11", _("A token on this server (PKCS#11)"))])
    file = forms.FileField(label=_("PKCS#12 file"), required=False)
    token_label = forms.CharField(label=_("Token label"), max_length=100, required=False)
    key_label = forms.CharField(label=_("Key label on the token"), max_length=100, required=False)
    secret = forms.CharField(label=_("Passphrase or PIN"), widget=forms.PasswordInput, max_length=200, strip=False,
                             help_text=_("Checked now and never stored: it is asked again at each signature."))
    label = forms.CharField(label=_("Name of the key"), max_length=200, required=False)
    image = forms.FileField(label=_("Signature or seal image (PNG)"), required=False,
                            help_text=_("The handwritten signature in blue, or the red seal at real size."))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owners
        if not settings.XASO_PKCS11_MODULE:
            self.fields["backend"].choices = self.fields["backend"].choices[:1]

    def clean(self):
        data = super().clean()
        if data.get("backend") == "pkcs12":
            upload = data.get("file")
            if not upload:
                self.add_error("file", _("Choose the PKCS#12 file."))
            elif upload.size > MAX_KEY_FILE:
                self.add_error("file", _("This file is too large to be a signing key."))
        elif data.get("backend") == "pkcs11" and not (data.get("token_label") and data.get("key_label")):
            self.add_error("token_label", _("Give the token's label and the key's label."))
        return data


class TrustForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    certificate = forms.FileField(label=_("The authority's root certificate (PEM or DER)"))

    def clean_certificate(self):
        upload = self.cleaned_data["certificate"]
        if upload.size > MAX_CERTIFICATE_FILE:
            raise forms.ValidationError(_("This file is too large to be a certificate."))
        return upload
