# SPDX-License-Identifier: AGPL-3.0-or-later
"""Every way signing, verifying or adding a key can fail: one code, one message people can act on."""

from functools import partial

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    # The PDF.
    "not_pdf": _("This file is not a PDF."),
    "encrypted": _("This PDF is protected by a password; remove the protection and try again."),
    "broken": _("This PDF is damaged or incomplete and cannot be read."),
    "unsigned": _("This PDF carries no digital signature."),
    "field": _("The PDF has no empty field “%(name)s” to fill or sign."),
    "locked": _("The document was locked by its last signature; nothing can be added to it."),
    # The key.
    "pkcs12": _("This file is not a PKCS#12 (.p12 or .pfx) signing key."),
    "unencrypted": _("A signing key file must be protected by a passphrase; this one is not."),
    "passphrase": _("The passphrase or PIN is wrong."),
    "token": _("The token or the key on it was not found."),
    "mismatch": _("The private key does not belong to the certificate that came with it."),
    "inactive": _("This signing key has been withdrawn."),
    "owner": _("A personal key belongs to an official of the commune; the organisation's key belongs to nobody."),
    "image": _("The image must be a PNG file of at most 2 MB."),
    # The certificate.
    "expired": _("The certificate has expired."),
    "not_yet_valid": _("The certificate is not valid yet."),
    "revoked": _("The certificate has been revoked by its authority."),
    "revocation_unknown": _("Whether the certificate has been revoked could not be checked; try again later."),
    "untrusted": _("The certificate was not issued by a certification authority this system trusts."),
    "unsuitable": _("This certificate may not be used for signing documents."),
    "not_certificate": _("This file is not an X.509 certificate (PEM or DER)."),
    "not_ca": _("This certificate is not a certification authority's certificate."),
    # Services it talks to.
    "timestamp": _("The time-stamping service could not be reached; try again later."),
}


class SigningError(ValidationError):
    """A refusal with a code from MESSAGES; nothing was written or returned."""

    def __init__(self, code: str, **params):
        super().__init__(MESSAGES[code], code=code, params=params or None)

    def __reduce__(self):
        # Rebuilt from its code (a task queue pickles exceptions; ValidationError's args are not ours).
        return partial(SigningError, self.code, **(self.params or {})), ()
