# SPDX-License-Identifier: AGPL-3.0-or-later
"""Scoping, once: every query of commune-owned data is limited to what the current user may see.

A commune official sees their own commune, a province official the communes of their province, a
system administrator everything; citizens and businesses see their own records and the public ones;
anonymous visitors see the public ones. Every one of them also sees what is public.

How it is enforced (after pretix's django-scopes, see docs/decisions/0003-scoping.md):

* Models owned by a commune inherit ``CommuneOwned``; their default manager refuses to build a query
  when no scope is active, so forgetting to scope is an error, not a leak.
* ``ScopeMiddleware`` opens the scope of the request's user for the whole request. The scope is
  read from ``request.user`` when a query runs, so Django REST framework's token authentication
  (which sets the user after the middleware ran) is scoped the same way.
* Commands, tasks and migrations say ``with unscoped():`` (or ``with acting_as(user):``) so that a
  deliberate cross-commune read is visible to grep.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import models
from django.db.models import Q


class ScopeError(RuntimeError):
    """A commune-owned model was queried with no scope active."""


@dataclass(frozen=True)
class Scope:
    kind: str  # "system" | "province" | "commune" | "person" | "anonymous"
    province_id: str | None = None
    commune_id: str | None = None
    user_id: int | None = None

    @property
    def is_staff_scope(self) -> bool:
        return self.kind in ("system", "province", "commune")


ANONYMOUS = Scope("anonymous")
SYSTEM = Scope("system")

# Either a fixed Scope (commands, tasks, tests) or the HttpRequest whose user decides it.
_active: contextvars.ContextVar[Scope | object | None] = contextvars.ContextVar("xaso_scope", default=None)


def scope_for(user) -> Scope:
    """The scope of one user. An official who has not passed the second factor is anonymous.

    django-otp's middleware gives every browser-session user an ``is_verified()``; a user without it
    was authenticated otherwise (an API token, a command, a task) and is taken as they are.
    """
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    is_verified = getattr(user, "is_verified", None)
    if user.needs_second_factor and is_verified is not None and not is_verified():
        return ANONYMOUS
    return user.scope()


def scope_of_request(request) -> Scope:
    return scope_for(getattr(request, "user", None))


def current() -> Scope:
    value = _active.get()
    if value is None:
        raise ScopeError(
            "No scope is active: open one with tenancy.acting_as(user) or, deliberately, tenancy.unscoped()."
        )
    if isinstance(value, Scope):
        return value
    return scope_of_request(value)


def current_request():
    """The HttpRequest being served, if any (the audit trail reads 'from where' off it)."""
    value = _active.get()
    return None if value is None or isinstance(value, Scope) else value


@contextmanager
def activate(value: Scope | object) -> Iterator[None]:
    token = _active.set(value)
    try:
        yield
    finally:
        _active.reset(token)


def acting_as(user):
    return activate(scope_for(user))


def unscoped():
    """A deliberate read or write across every commune (commands, tasks, migrations, tests' setup)."""
    return activate(SYSTEM)


class ScopeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with activate(request):
            return self.get_response(request)


NOTHING = Q(pk__in=[])


class ScopedManager(models.Manager):
    def get_queryset(self):
        return self.model.scope_filter(super().get_queryset(), current())


class CommuneOwned(models.Model):
    """Base of every model that belongs to one commune.

    ``commune_path`` is the lookup from the model to its commune; ``public_q`` and ``owner_q`` say what
    people outside the commune's staff may see (nothing, unless a model says otherwise).
    """

    commune_path = "commune"

    objects = ScopedManager()

    class Meta:
        abstract = True

    @classmethod
    def public_q(cls) -> Q:
        return NOTHING

    @classmethod
    def owner_q(cls, user_id: int) -> Q:
        return NOTHING

    @classmethod
    def scope_filter(cls, queryset, scope: Scope):
        path = cls.commune_path
        if scope.kind == "system":
            return queryset
        if scope.kind == "province":
            return queryset.filter(Q(**{f"{path}__province": scope.province_id}) | cls.public_q())
        if scope.kind == "commune":
            return queryset.filter(Q(**{path: scope.commune_id}) | cls.public_q())
        if scope.kind == "person":
            return queryset.filter(cls.owner_q(scope.user_id) | cls.public_q())
        return queryset.filter(cls.public_q())
