# SPDX-License-Identifier: AGPL-3.0-or-later
"""The kiosk, the ticket, the counter screen, the display board and the day's figures."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import Commune

from . import selectors, services
from .models import Counter, ServiceArea


def _commune(commune_code) -> Commune:
    return get_object_or_404(Commune, pk=commune_code)


@ratelimit(key="ip", rate="30/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def kiosk(request, commune_code):
    """The ticket kiosk: choose a service area, get a number (public, rate-limited per address)."""
    commune = _commune(commune_code)
    areas = selectors.areas(commune)
    if request.method == "POST":
        if getattr(request, "limited", False):
            messages.error(request, _("Too many tickets from this device. Please wait a minute."))
            return redirect("queue:kiosk", commune.code)
        area = next((a for a in areas if str(a.pk) == request.POST.get("area")), None)
        if area is None:
            raise Http404
        ticket = services.ticket_issue(commune=commune, area=area)
        return redirect("queue:ticket", commune.code, ticket.token)
    return render(request, "queue/kiosk.html", {"commune": commune, "areas": areas})


@require_safe
def ticket(request, commune_code, ticket_token):
    commune = _commune(commune_code)
    found, ahead = selectors.ticket_by_token(commune, ticket_token)
    return render(request, "queue/ticket.html", {"commune": commune, "ticket": found, "ahead": ahead})


@require_safe
def board(request, commune_code):
    commune = _commune(commune_code)
    return render(request, "queue/board.html", {"commune": commune,
                                                **selectors.board(commune, timezone.localdate())})


@require_safe
def board_json(request, commune_code):
    return JsonResponse(selectors.board(_commune(commune_code), timezone.localdate()))


ACTIONS = {
    "recall": services.ticket_recall, "start": services.ticket_start, "finish": services.ticket_finish,
    "skip": services.ticket_skip,
}


@officials_only
@require_http_methods(["GET", "POST"])
def counter(request, commune_code, counter_id):
    commune = _commune(commune_code)
    found = selectors.counter_for(user=request.user, commune=commune, counter_id=counter_id)
    current = selectors.ticket_for_counter(user=request.user, counter=found)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "call_next":
                services.ticket_call_next(actor=request.user, counter=found)
            elif action == "transfer" and current is not None:
                area = get_object_or_404(ServiceArea, commune=commune, pk=request.POST.get("area") or 0)
                services.ticket_transfer(actor=request.user, ticket=current, area=area)
            elif action in ACTIONS and current is not None:
                ACTIONS[action](actor=request.user, ticket=current)
            else:
                raise ValidationError(_("No ticket is being served at this counter."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            raise Http404 from None
        return redirect("queue:counter", commune.code, found.pk)
    return render(request, "queue/counter.html", {
        "commune": commune, "counter": found, "current": current, "board": selectors.board(commune,
                                                                                          timezone.localdate()),
        "areas": selectors.areas(commune)})


@officials_only
@require_safe
def figures(request, commune_code):
    commune = _commune(commune_code)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    data = selectors.figures(user=request.user, commune=commune, day=day)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-queue-{commune.code}-{day}", columns=[
            ("counter", _("Counter")), ("served", _("Served")), ("no_show", _("Did not come")),
            ("wait", _("Average wait (minutes)")), ("service", _("Average service (minutes)")),
            ("service_median", _("Median service (minutes)"))], rows=data["counters"])
    return render(request, "queue/figures.html", {"commune": commune, "day": day, **data,
                                                  "counters": data["counters"],
                                                  "my_counters": Counter.objects.filter(commune=commune)})


@officials_only
@require_http_methods(["GET", "POST"])
def setup(request, commune_code):
    """Service areas and counters of the center (its leaders and IT officer)."""
    commune = _commune(commune_code)
    if not can(request.user, "queue.setup.manage", commune):
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("what") == "area":
                services.area_add(actor=request.user, commune=commune, letter=request.POST.get("letter", ""),
                                  name=request.POST.get("name", ""))
            else:
                services.counter_add(actor=request.user, commune=commune, number=request.POST.get("number", ""),
                                     areas=request.POST.getlist("areas"))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("queue:setup", commune.code)
    return render(request, "queue/setup.html", {
        "commune": commune, "areas": ServiceArea.objects.filter(commune=commune),
        "counters": Counter.objects.filter(commune=commune).prefetch_related("areas")})
