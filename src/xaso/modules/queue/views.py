# SPDX-License-Identifier: AGPL-3.0-or-later
"""The kiosk, the ticket, the counter screen, the display board, the day's figures and the setup.

The kiosk, a ticket (by its random token) and the board are public: they show ticket labels, area names
and counter numbers, never a person. The rest is for the commune's officials.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import Commune

from . import selectors, services
from .forms import AreaChangeForm, AreaForm, CounterForm

KIOSK_RATE = "30/m"  # a kiosk serves a queue of people, not a script: 30 numbers a minute per address


def _commune(commune_code) -> Commune:
    return get_object_or_404(Commune, pk=commune_code)


@ratelimit(key="ip", rate=KIOSK_RATE, method="POST", block=False)
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
            messages.error(request, _("Service area: choose one of the buttons."))
            return redirect("queue:kiosk", commune.code)
        ticket = services.ticket_issue(commune=commune, area=area)
        return redirect("queue:ticket", commune.code, ticket.token)
    return render(request, "queue/kiosk.html", {"commune": commune, "areas": areas})


@require_safe
def ticket(request, commune_code, ticket_token):
    """The printed ticket: label, area and place in the line (the token in the address is the permission)."""
    commune = _commune(commune_code)
    return render(request, "queue/ticket.html", {"commune": commune,
                                                 **selectors.ticket_by_token(commune, ticket_token)})


@require_safe
def board(request, commune_code):
    commune = _commune(commune_code)
    return render(request, "queue/board.html", {"commune": commune,
                                                **selectors.board(commune, timezone.localdate())})


@never_cache
@require_safe
def board_json(request, commune_code):
    """What board.js polls every two seconds."""
    return JsonResponse(selectors.board(_commune(commune_code), timezone.localdate()))


@officials_only
@require_safe
def counters(request, commune_code):
    commune = _commune(commune_code)
    return render(request, "queue/counters.html", {
        "commune": commune, "counters": selectors.counters(user=request.user, commune=commune),
        "board": selectors.board(commune, timezone.localdate()),
        "can_setup": can(request.user, "queue.setup.manage", commune)})


MOVES = {
    "recall": (services.ticket_recall, gettext_lazy("Ticket %(label)s called again.")),
    "start": (services.ticket_start, gettext_lazy("Serving ticket %(label)s.")),
    "finish": (services.ticket_finish, gettext_lazy("Ticket %(label)s finished.")),
    "skip": (services.ticket_skip, gettext_lazy("Ticket %(label)s closed: the person did not come.")),
}


@officials_only
@require_http_methods(["GET", "POST"])
def counter(request, commune_code, counter_id):
    """The counter screen: call the next number, call again, start, finish, skip, transfer."""
    commune = _commune(commune_code)
    found = selectors.counter_for(user=request.user, commune=commune, counter_id=counter_id)
    current = selectors.ticket_for_counter(user=request.user, counter=found)
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "call_next":
                called = services.ticket_call_next(actor=request.user, counter=found)
                messages.success(request, _("Ticket %(label)s called.") % {"label": called.label})
            elif current is None:
                raise ValidationError(_("No ticket is being served at this counter."))
            elif action == "transfer":
                area = next((a for a in selectors.areas(commune) if str(a.pk) == request.POST.get("area")), None)
                if area is None:
                    raise ValidationError(_("Transfer to: choose a service area."))
                new = services.ticket_transfer(actor=request.user, ticket=current, area=area)
                messages.success(request, _("Ticket %(label)s transferred: now %(new)s in %(area)s.")
                                 % {"label": current.label, "new": new.label, "area": area.name})
            elif action in MOVES:
                move, done = MOVES[action]
                moved = move(actor=request.user, ticket=current)
                messages.success(request, str(done) % {"label": moved.label})
            else:
                raise ValidationError(_("Unknown action."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return redirect("queue:counter", commune.code, found.pk)
    return render(request, "queue/counter.html", {
        "commune": commune, "counter": found, "current": current,
        "board": selectors.board(commune, timezone.localdate()),
        "transfer_areas": [a for a in selectors.areas(commune) if current is None or a.pk != current.area_id]})


FIGURE_COLUMNS = [
    ("group", gettext_lazy("Counter or service area")), ("issued", gettext_lazy("Tickets")),
    ("served", gettext_lazy("Served")), ("no_show", gettext_lazy("Did not come")),
    ("transferred", gettext_lazy("Transferred")), ("waiting", gettext_lazy("Still waiting")),
    ("wait_average", gettext_lazy("Average wait (minutes)")), ("wait_median", gettext_lazy("Median wait (minutes)")),
    ("service_average", gettext_lazy("Average service (minutes)")),
    ("service_median", gettext_lazy("Median service (minutes)")),
]


@officials_only
@require_safe
def figures(request, commune_code):
    """The day's figures per counter and per service area, exportable as one table."""
    commune = _commune(commune_code)
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    data = selectors.figures(user=request.user, commune=commune, day=day)
    rows = [data["total"], *data["counters"], *data["areas"]]
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-queue-{commune.code}-{day}", columns=FIGURE_COLUMNS, rows=rows)
    return render(request, "queue/figures.html", {
        "commune": commune, "day": day, "total": data["total"], "columns": FIGURE_COLUMNS,
        "tables": [(_("Per counter"), data["counters"]), (_("Per service area"), data["areas"])],
        "can_operate": can(request.user, "queue.counter.operate", commune)})


@officials_only
@require_http_methods(["GET", "POST"])
def setup(request, commune_code):
    """Service areas and counters of the center (its leaders and IT officer)."""
    commune = _commune(commune_code)
    all_areas, all_counters = selectors.setup(user=request.user, commune=commune)
    what = request.POST.get("what") if request.method == "POST" else None
    area_form = AreaForm(request.POST if what == "area" else None, prefix="area")
    counter_form = CounterForm(request.POST if what == "counter" else None, areas=all_areas, prefix="counter")
    form = {"area": area_form, "counter": counter_form}.get(what)
    if form is not None and form.is_valid():
        try:
            if what == "area":
                made = services.area_add(actor=request.user, commune=commune, **form.cleaned_data)
            else:
                made = services.counter_add(actor=request.user, commune=commune, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(what)s added.") % {"what": made})
            return redirect("queue:setup", commune.code)
    return render(request, "queue/setup.html", {
        "commune": commune, "areas": all_areas, "area_form": area_form, "counter_form": counter_form,
        "counters": all_counters})


@officials_only
@require_http_methods(["GET", "POST"])
def setup_area(request, commune_code, area_id):
    commune = _commune(commune_code)
    area = selectors.setup_area(user=request.user, commune=commune, area_id=area_id)
    form = AreaChangeForm(request.POST or None, initial={"name": area.name, "order": area.order,
                                                         "active": area.active})
    if request.method == "POST" and form.is_valid():
        try:
            services.area_update(actor=request.user, area=area, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(what)s saved.") % {"what": area.letter})
            return redirect("queue:setup", commune.code)
    return render(request, "queue/setup_edit.html", {"commune": commune, "form": form, "title": str(area)})


@officials_only
@require_http_methods(["GET", "POST"])
def setup_counter(request, commune_code, counter_id):
    commune = _commune(commune_code)
    found = selectors.setup_counter(user=request.user, commune=commune, counter_id=counter_id)
    all_areas, _counters = selectors.setup(user=request.user, commune=commune)
    form = CounterForm(request.POST or None, areas=all_areas, change=True,
                       initial={"name": found.name, "active": found.active,
                                "areas": [str(a.pk) for a in found.areas.all()]})
    if request.method == "POST" and form.is_valid():
        try:
            services.counter_update(actor=request.user, counter=found, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(what)s saved.") % {"what": found})
            return redirect("queue:setup", commune.code)
    return render(request, "queue/setup_edit.html", {"commune": commune, "form": form, "title": str(found)})
