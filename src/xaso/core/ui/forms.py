# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every page with a form shares."""

from django.core.exceptions import ValidationError


def service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form that called it: on its field when the form has that field,
    else on top of the form, so that the person sees each reason where it belongs."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)
