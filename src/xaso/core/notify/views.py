# SPDX-License-Identifier: AGPL-3.0-or-later
"""A person's notifications in the application: their own, whoever they are."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from xaso.core import tenancy

from . import selectors, services

PAGE_SIZE = 50


def signed_in(view):
    """An official who has not passed the second factor is not signed in yet (tenancy.scope_for)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if tenancy.scope_of_request(request) == tenancy.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@signed_in
def inbox(request):
    page = Paginator(selectors.inbox(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    unread = selectors.unread_count(user=request.user)
    return render(request, "notify/inbox.html", {"page": page, "unread": unread})


@require_POST
@signed_in
def mark_read(request):
    services.messages_mark_read(actor=request.user)
    return redirect("notify:inbox")
