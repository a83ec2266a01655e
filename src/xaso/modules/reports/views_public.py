# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public's pages: filing a report from a phone, the commune's map and list, one report, the verdict.

Nothing personal leaves through them: a report shows its category, place, description, status, dates
and the commune's answer, never who filed it.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import FloatField
from django.db.models.functions import Cast, TruncDate
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from . import selectors, services
from .forms import RatingForm, ReportForm
from .models import Report, Status

MAP_LIMIT = 2000  # markers in one answer: a viewport wider than that is zoomed in on first


def _map_settings() -> dict:
    return {"tiles": settings.XASO_MAP_TILES_URL, "attribution": settings.XASO_MAP_TILES_ATTRIBUTION}


# Ten an hour from one address, and ten from one signed-in person wherever they post from.
@ratelimit(key="ip", rate="10/h", method="POST", block=False)
@ratelimit(group="reports.new.person", key="user_or_ip", rate="10/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def new(request, commune_code):
    commune = selectors.commune(commune_code)
    posted = request.method == "POST"  # an empty POST is still a POST: the form says what is missing
    form = ReportForm(request.POST if posted else None, request.FILES if posted else None, commune=commune)
    nearby = []
    if request.method == "POST" and getattr(request, "limited", False):
        form.is_valid()  # errors can only be added to a form that was checked
        form.add_error(None, _("Too many reports from your address; please try again later."))
    elif request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        if c["latitude"] is not None and c["longitude"] is not None and not c["confirmed"]:
            nearby = services.nearby(category=c["category"], latitude=c["latitude"], longitude=c["longitude"])
        if nearby:
            # FixMyStreet's question: is it one of these? The form comes back, confirmed for a second send.
            form = ReportForm({**request.POST.dict(), "confirmed": "on"}, request.FILES, commune=commune)
            form.is_valid()
        else:
            try:
                report = services.report_file(
                    actor=request.user, commune=commune, category=c["category"], description=c["description"],
                    place=services.Place(latitude=c["latitude"], longitude=c["longitude"], village=c["village"],
                                         address=c["address"]),
                    reporter=services.Reporter(name=c["name"], email=c["email"], phone=c["phone"],
                                               hide_identity=c["hide_identity"]),
                    photos=c["photos"], idempotency_key=c["idempotency_key"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Thank you: your report %(code)s was received.") % {"code": report.code})
                return redirect("reports:report", report.code)
    return render(request, "reports/new.html", {"commune": commune, "form": form, "nearby": nearby,
                                                "map": _map_settings()}, status=400 if form.errors else 200)


@login_required
@require_safe
def mine(request):
    """The reports one filed while signed in, newest first, with where each stands."""
    reports = Report.objects.filter(reporter=request.user).select_related("category", "commune")
    return render(request, "reports/mine.html", {"reports": reports[:200]})


@require_safe
def index(request, commune_code):
    commune = selectors.commune(commune_code)
    category, status = request.GET.get("category", "")[:40], request.GET.get("status", "")
    reports = selectors.public_reports(commune=commune, category=category, status=status)
    return render(request, "reports/index.html", {
        "commune": commune, "reports": reports[:100], "category": category, "status": status,
        "categories": commune.report_categories.filter(active=True), "map": _map_settings()})


def _bbox(value: str):
    try:
        west, south, east, north = (Decimal(v) for v in value.split(","))
    except (ValueError, InvalidOperation):
        return None
    return (west, south, east, north) if west <= east and south <= north else None


@require_safe
def geojson(request, commune_code):
    """The public reports in a viewport (``?bbox=west,south,east,north``) as GeoJSON, for the map."""
    commune = selectors.commune(commune_code)
    bbox = _bbox(request.GET.get("bbox", ""))
    reports = selectors.public_reports(commune=commune, category=request.GET.get("category", "")[:40],
                                       status=request.GET.get("status", ""), bbox=bbox)
    labels = {value: str(label) for value, label in Status.choices}  # translated once, not once a marker
    # Plain rows, not model instances, and the database's own floats and local dates: a viewport may hold
    # thousands of markers, and per-row Decimal and time-zone work in Python was most of the time
    # (bench/report_map.py).
    rows = reports.exclude(latitude=None).values_list(
        "code", Cast("latitude", FloatField()), Cast("longitude", FloatField()), "status", "category__name",
        TruncDate("created_at", tzinfo=timezone.get_current_timezone()))[:MAP_LIMIT]
    features = [{
        "type": "Feature", "id": code,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"code": code, "category": category, "status": status, "status_label": labels[status],
                       "reported": day.isoformat()},
    } for code, lat, lon, status, category, day in rows]
    # Vietnamese as UTF-8 and no spaces: a third smaller than escaped ASCII, and quicker to write.
    return JsonResponse({"type": "FeatureCollection", "features": features},
                        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


@require_safe
def photo(request, code, photo_id):
    """A public report's photo (its location data was stripped when it was filed), or its thumbnail."""
    found = selectors.public_report(code)
    picture = found.photos.filter(pk=photo_id).select_related("file", "thumbnail").first()
    if picture is None:
        raise Http404
    stored = picture.thumbnail if request.GET.get("size") == "thumbnail" and picture.thumbnail else picture.file
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type)
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_http_methods(["GET", "POST"])
def report(request, code):
    found = selectors.public_report(code)
    mine = request.user.is_authenticated and found.reporter_id == request.user.pk
    form = RatingForm(request.POST or None) if mine and found.status == Status.RESOLVED else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            services.report_rate(actor=request.user, report=found, rating=form.cleaned_data["rating"],
                                 comment=form.cleaned_data["comment"])
            messages.success(request, _("Thank you for your rating."))
            return redirect("reports:report", found.code)
    return render(request, "reports/report.html", {"report": found, "mine": mine, "rating_form": form,
                                                   "map": _map_settings(),
                                                   "steps": found.steps.exclude(transition="file")})
