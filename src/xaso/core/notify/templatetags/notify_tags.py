# SPDX-License-Identifier: AGPL-3.0-or-later
"""The unread count for the page header: ``{% load notify_tags %}{% unread_notifications as n %}``, or
``{% include "notify/_header_link.html" %}`` for the ready-made link."""

from django import template

from xaso.core import tenancy

from .. import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    """0 for anyone not signed in (including an official before the second factor)."""
    request = context.get("request")
    if request is None or tenancy.scope_of_request(request) == tenancy.ANONYMOUS:
        return 0
    return selectors.unread_count(user=request.user)
