# SPDX-License-Identifier: AGPL-3.0-or-later
"""A person's notifications in the application."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from . import services
from .models import Message


@login_required
@require_safe
def inbox(request):
    messages = Message.objects.filter(recipient=request.user, channel=Message.Channel.INAPP)[:100]
    return render(request, "notify/inbox.html", {"notifications": messages})


@login_required
@require_POST
def mark_read(request):
    services.messages_mark_read(actor=request.user)
    return redirect("notify:inbox")
