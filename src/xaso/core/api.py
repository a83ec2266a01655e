# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every API view shares: bilingual error messages."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_handler

from xaso.core.tenancy import ScopeError


def exception_handler(exc, context):
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("You do not have permission to do this."))
    if isinstance(exc, ScopeError):  # a programming error: never reveal data, never a 500 with a trace
        raise exc
    return drf_handler(exc, context)
