# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of places: the province's communes, one commune's public facts, and a commune's villages.

Order of checks on a village page: an anonymous visitor is sent to sign in; an outsider (someone who
may not see this commune's villages) gets 404; someone who may see but not manage gets 403 on a form.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from xaso.core import exports, tenancy
from xaso.core.accounts.permissions import can, require
from xaso.core.ui.forms import service_errors

from . import forms, imports, selectors, services
from .models import Village

VIEW = selectors.VIEW_VILLAGES
MANAGE = selectors.MANAGE_VILLAGES
PAGE_SIZE = 100


def signed_in(view):
    """Like login_required, but an official who has not passed the second factor counts as signed out."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if tenancy.scope_for(request.user).kind == "anonymous":
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper




# --- Communes --------------------------------------------------------------------------------------

def _commune_columns():
    return [("code", _("Code")), ("name", _("Name")), ("kind", _("Kind")), ("province_code", _("Province code")),
            ("province", _("Province")), ("area_type", _("Area type"))]


def _commune_row(commune) -> dict:
    return {"code": commune.code, "name": commune.name, "kind": commune.get_kind_display(),
            "province_code": commune.province_id, "province": commune.province.name,
            "area_type": commune.get_area_type_display()}


@require_GET
@signed_in
def communes(request):
    require(request.user, selectors.LIST_COMMUNES)
    every_province = tenancy.scope_for(request.user).kind == "system"
    form = forms.CommuneFilterForm(request.GET, provinces=selectors.provinces() if every_province else None)
    if not form.is_valid():
        return render(request, "places/communes.html", {"form": form, "page": None}, status=400)
    data = form.cleaned_data
    queryset = selectors.communes_for_user(user=request.user, province=data.get("province"), kind=data["kind"],
                                           area_type=data["area_type"], search=data["q"])
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename="communes", columns=_commune_columns(),
                               rows=(_commune_row(c) for c in queryset))
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "places/communes.html", {"form": form, "page": page})


@require_http_methods(["GET", "POST"])
def commune(request, commune_code):
    """Public facts of a commune; a province official also changes its area type and boundary here."""
    commune = selectors.commune_get(commune_code=commune_code)
    may_set = can(request.user, selectors.SET_AREA_TYPE, commune)
    may_draw = can(request.user, services.SET_BOUNDARY, commune)
    form = forms.AreaTypeForm(initial={"area_type": commune.area_type}) if may_set else None
    boundary_form = forms.BoundaryForm() if may_draw else None
    status = 200
    if request.method == "POST" and "boundary" in request.POST:
        require(request.user, services.SET_BOUNDARY, commune)
        boundary_form = forms.BoundaryForm(request.POST, request.FILES)
        if boundary_form.is_valid():
            upload = boundary_form.cleaned_data["file"]
            try:
                services.commune_set_boundary(actor=request.user, commune=commune,
                                              geometry=None if upload is None else upload.read())
            except ValidationError as error:
                service_errors(boundary_form, error)
            else:
                messages.success(request, _("The boundary is saved.") if upload else _("The boundary is removed."))
                return redirect("places:commune", commune.code)
        status = 400
    elif request.method == "POST":
        require(request.user, selectors.SET_AREA_TYPE, commune)
        form = forms.AreaTypeForm(request.POST)
        if form.is_valid():
            try:
                services.commune_set_area_type(actor=request.user, commune=commune,
                                               area_type=form.cleaned_data["area_type"])
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("The area type is saved."))
                return redirect("places:commune", commune.code)
        status = 400
    return render(request, "places/commune.html", {
        "commune": commune, "form": form, "boundary_form": boundary_form,
        "may_view_villages": can(request.user, VIEW, commune),
    }, status=status)


@require_safe
def boundary(request, commune_code):
    """The commune's area as a GeoJSON Feature (public, like the commune's other facts); 404 without one."""
    commune = selectors.commune_get(commune_code=commune_code)
    if not commune.boundary:
        raise Http404
    response = JsonResponse({"type": "Feature", "geometry": commune.boundary,
                             "properties": {"code": commune.code, "name": commune.name}},
                            content_type="application/geo+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


def _village_columns():
    return [("id", _("ID")), ("name", _("Name")), ("kind", _("Kind")), ("status", _("Status")),
            ("merged_into", _("Merged into"))]


def _village_row(village: Village) -> dict:
    return {"id": village.pk, "name": village.name, "kind": village.get_kind_display(),
            "status": _("Active") if village.is_active else _("Merged"),
            "merged_into": village.merged_into.name if village.merged_into_id else ""}


@require_http_methods(["GET", "POST"])
@signed_in
def villages(request, commune_code):
    commune = selectors.commune_for_villages(user=request.user, commune_code=commune_code)
    may_manage = can(request.user, MANAGE, commune)
    form, status = (forms.VillageForm() if may_manage else None), 200
    if request.method == "POST":
        require(request.user, MANAGE, commune)
        form = forms.VillageForm(request.POST)
        if form.is_valid():
            try:
                village = services.village_create(actor=request.user, commune=commune, **form.cleaned_data)
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("“%(name)s” is added.") % {"name": village.name})
                return redirect("places:villages", commune.code)
        status = 400
    rows = selectors.villages_of(user=request.user, commune=commune)
    if request.method == "GET" and (fmt := exports.requested(request)):
        return exports.respond(fmt, filename=f"villages-{commune.code}", columns=_village_columns(),
                               rows=(_village_row(v) for v in rows))
    return render(request, "places/villages.html", {
        "commune": commune, "villages": rows, "form": form, "may_manage": may_manage,
    }, status=status)


def _posted(request):
    """The posted data, or None on GET (an empty POST must still be checked, not shown as a blank form)."""
    return request.POST if request.method == "POST" else None


def _managed_village(request, commune_code, village_id):
    commune = selectors.commune_for_villages(user=request.user, commune_code=commune_code)
    village = selectors.village_get(user=request.user, commune=commune, village_id=village_id)
    require(request.user, MANAGE, commune)
    return commune, village


@require_http_methods(["GET", "POST"])
@signed_in
def village_rename(request, commune_code, village_id):
    commune, village = _managed_village(request, commune_code, village_id)
    form = forms.VillageRenameForm(_posted(request), initial={"name": village.name})
    if request.method == "POST" and form.is_valid():
        old_name = village.name
        try:
            village = services.village_rename(actor=request.user, village=village, name=form.cleaned_data["name"])
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("“%(old)s” is now called “%(new)s”.") % {"old": old_name, "new": village.name})
            return redirect("places:villages", commune.code)
    return render(request, "places/village_rename.html", {"commune": commune, "village": village, "form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@signed_in
def village_merge(request, commune_code, village_id):
    commune, village = _managed_village(request, commune_code, village_id)
    form = forms.VillageMergeForm(
        _posted(request),
        villages=selectors.villages_of(user=request.user, commune=commune),
        targets=selectors.active_villages(user=request.user, commune=commune, exclude=village),
    )
    if request.method == "POST" and form.is_valid():
        into = form.cleaned_data["into"]
        try:
            village = services.village_merge(actor=request.user, village=village, into=into)
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is merged into “%(target)s”.")
                             % {"name": village.name, "target": into.name})
            return redirect("places:villages", commune.code)
    return render(request, "places/village_merge.html", {"commune": commune, "village": village, "form": form},
                  status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@signed_in
def village_import(request, commune_code):
    commune = selectors.commune_for_villages(user=request.user, commune_code=commune_code)
    require(request.user, MANAGE, commune)
    form = forms.VillageImportForm(_posted(request), request.FILES if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = imports.read_villages(upload)
            result = services.villages_import(actor=request.user, commune=commune, rows=rows, source=upload.name)
        except ValidationError as error:
            form.add_error("file", error.messages)
        else:
            _report_import(request, result)
            return redirect("places:villages", commune.code)
    return render(request, "places/village_import.html", {
        "commune": commune, "form": form, "kinds": services.kind_list(), "max_rows": imports.MAX_ROWS,
    }, status=400 if form.errors else 200)


def _report_import(request, result: services.ImportResult) -> None:
    created = len(result.created)
    messages.success(request, ngettext("%(count)d village imported.", "%(count)d villages imported.", created)
                     % {"count": created})
    if result.already_present:
        listed = "; ".join(_("row %(row)d “%(name)s”") % {"row": r.row, "name": r.name} for r in result.already_present)
        messages.info(request, _("Already in the list, skipped: %(rows)s.") % {"rows": listed})
