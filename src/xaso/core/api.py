# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every API view shares: bilingual error messages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_handler

from xaso.core.tenancy import ScopeError


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    if isinstance(exc, DjangoValidationError):  # a service refused: its message, as a 400
        exc = exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, ScopeError):  # a programming error: never reveal data, never a 500 with a trace
        raise exc
    return drf_handler(exc, context)
