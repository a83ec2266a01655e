# SPDX-License-Identifier: AGPL-3.0-or-later
"""Permission checks: may this user perform this verb, here?"""

from django.core.exceptions import PermissionDenied

from xaso.core.tenancy import scope_for

from .roles import PERMISSIONS


def can(user, verb: str, commune=None) -> bool:
    """True when the user's role holds the verb and the commune (if any) lies within their scope."""
    if verb not in PERMISSIONS:
        raise KeyError(f"unknown permission verb {verb!r}")
    scope = scope_for(user)
    if not scope.is_staff_scope or user.role not in PERMISSIONS[verb] and not user.is_superuser:
        return False
    if commune is None or scope.kind == "system":
        return True
    if scope.kind == "province":
        return commune.province_id == scope.province_id
    return commune.pk == scope.commune_id


def require(user, verb: str, commune=None) -> None:
    if not can(user, verb, commune):
        raise PermissionDenied(verb)
