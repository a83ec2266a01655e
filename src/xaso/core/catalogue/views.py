# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages of the catalogue: the model's components, a commune's roadmap and records, the province matrix.

Each table page answers ``?export=csv|xlsx|json`` with the rows it shows (core/exports.py).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports, tenancy
from xaso.core.accounts.permissions import can
from xaso.core.ui.forms import service_errors

from . import registry, selectors, services
from .forms import AdoptionForm, ComponentFilterForm, MatrixFilterForm, RoadmapFilterForm
from .seed import area_name


def officials_only(view):
    """Pages about a commune's records: a visitor who is not signed in (or has not passed the second
    factor) is sent to sign in; a signed-in outsider gets 404 from the selectors."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if tenancy.scope_of_request(request) == tenancy.ANONYMOUS:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _valid(form, name: str) -> str:
    form.is_valid()
    return form.cleaned_data.get(name) or ""


# --- The model ----------------------------------------------------------------------------------


@require_safe
def components(request):
    form = ComponentFilterForm(request.GET, layers=selectors.layers())
    rows = selectors.components(**{name: _valid(form, name) for name in ("tier", "area", "layer", "provision")})
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename="xaso-components", columns=[
            ("code", _("Code")), ("key", _("Key")), ("layer", _("Layer")), ("layer_name", _("Layer name")),
            ("tier", _("Tier")), ("area", _("Area type")), ("name_vi", _("Name (Vietnamese)")),
            ("name_en", _("Name (English)")), ("provided_by", _("Provided by")),
            ("provided_by_label", _("Provision")),
        ], rows=[{
            "code": r.component.code, "key": r.component.key, "layer": r.component.layer_id,
            "layer_name": r.component.layer.name, "tier": r.component.tier, "area": r.component.area,
            "name_vi": r.component.name_vi, "name_en": r.component.name_en,
            "provided_by": r.provision.as_text, "provided_by_label": str(r.provision.label),
        } for r in rows])
    return render(request, "catalogue/components.html", {
        "form": form, "groups": selectors.by_layer(rows), "count": len(rows),
    })


@require_safe
def component(request, component_key: str):
    component = selectors.component_get(component_key=component_key)
    return render(request, "catalogue/component.html", {
        "component": component,
        "provision": registry.provision(component),
        "area_name": area_name(component.area) if component.area else "",
        "standing": selectors.component_standing(user=request.user, component=component),
    })


# --- One commune --------------------------------------------------------------------------------


@require_safe
@officials_only
def roadmap(request, commune_code: str):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    form = RoadmapFilterForm(request.GET)
    plan = selectors.roadmap(user=request.user, commune=commune, status=_valid(form, "status"))
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-roadmap-{commune.code}", columns=[
            ("layer", _("Layer")), ("code", _("Code")), ("key", _("Key")), ("name", _("Component")),
            ("tier", _("Tier")), ("status", _("Status")), ("status_label", _("Status (label)")),
            ("owner", _("Owner")), ("target_date", _("Target date")), ("overdue", _("Overdue")),
            ("provided_by", _("Provided by")),
        ], rows=[{
            "layer": item.component.layer_id, "code": item.component.code, "key": item.component.key,
            "name": item.component.name, "tier": item.component.tier, "status": item.status,
            "status_label": str(item.status_label), "owner": str(item.owner) if item.owner else "",
            "target_date": item.target_date, "overdue": item.overdue, "provided_by": item.provision.as_text,
        } for item in plan.items])
    return render(request, "catalogue/roadmap.html", {
        "commune": commune, "plan": plan, "form": form, "area_name": area_name(commune.area_type),
        "may_change": can(request.user, selectors.CHANGE, commune),
    })




@require_http_methods(["GET", "HEAD", "POST"])
@officials_only
def adoption(request, commune_code: str, component_key: str):
    user = request.user
    commune = selectors.commune_for(user=user, commune_code=commune_code)
    try:
        component, record = selectors.adoption_get(user=user, commune=commune, component_key=component_key)
    except selectors.NotApplicable as refusal:
        return render(request, "catalogue/not_applicable.html", {
            "commune": commune, "component": refusal.component,
            "message": services.not_applicable_message(refusal.component, commune),
        }, status=404)
    may_change = can(user, selectors.CHANGE, commune)
    officials = selectors.commune_officials(commune=commune)
    status = 200
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(selectors.CHANGE)
        form = AdoptionForm(request.POST, request.FILES, officials=officials)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():  # the record and its evidence file together, or neither
                    saved = services.adoption_update(
                        actor=user, commune=commune, component=component, status=data["status"],
                        owner=data["owner"], target_date=data["target_date"], notes=data["notes"])
                    if data["evidence_file"]:
                        services.adoption_add_evidence(actor=user, adoption=saved, upload=data["evidence_file"])
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("Saved."))
                return redirect(request.path)
        status = 400
    elif may_change:
        form = AdoptionForm(officials=officials, initial={
            "status": record.status, "owner": record.owner_id, "target_date": record.target_date,
            "notes": record.notes,
        } if record else {"status": "not_started"})
    else:
        form = None
    history = selectors.history_of(user=user, adoption=record) if record else []
    if request.method != "POST" and (fmt := exports.requested(request)):
        return exports.respond(fmt, filename=f"xaso-history-{commune.code}-{component.key}", columns=[
            ("at", _("When")), ("who", _("Who")), ("action", _("Action")), ("changes", _("Changes")),
        ], rows=[{
            "at": entry.event.at, "who": entry.event.actor_label, "action": entry.event.action,
            "changes": entry.file_name or "; ".join(f"{c.label}: {c.before} → {c.after}" for c in entry.changes),
        } for entry in history])
    return render(request, "catalogue/adoption.html", {
        "commune": commune, "component": component, "record": record, "form": form,
        "status_label": record.get_status_display() if record else _("Not started"),
        "provision": registry.provision(component),
        "evidence": selectors.evidence_of(user=user, adoption=record) if record else [],
        "history": history,
    }, status=status)


# --- The province -------------------------------------------------------------------------------


@require_safe
@officials_only
def matrix(request):
    province, provinces = selectors.matrix_province(user=request.user,
                                                    province_code=request.GET.get("province", "").strip())
    data = request.GET.copy()
    data["province"] = province.code  # the province shown, chosen or by default
    form = MatrixFilterForm(data, provinces=provinces)
    table = selectors.matrix(user=request.user, province=province, area_type=_valid(form, "area_type"))
    if fmt := exports.requested(request):
        columns = [("commune_code", _("Commune code")), ("commune", _("Commune")), ("area_type", _("Area type"))]
        for layer in table.layers:
            columns += [(f"{layer.key}_live", _("%(layer)s — live") % {"layer": layer.key}),
                        (f"{layer.key}_applicable", _("%(layer)s — applicable") % {"layer": layer.key})]
        columns += [("live", _("Live")), ("applicable", _("Applicable")), ("percent", _("Share live (%)"))]
        rows = []
        for row in table.rows:
            line = {"commune_code": row.commune.code, "commune": row.commune.name, "area_type": row.commune.area_type,
                    "live": row.total.live, "applicable": row.total.applicable, "percent": row.total.percent}
            for layer, cell in zip(table.layers, row.cells, strict=True):
                line[f"{layer.key}_live"] = cell.live
                line[f"{layer.key}_applicable"] = cell.applicable
            rows.append(line)
        return exports.respond(fmt, filename=f"xaso-matrix-{province.code}", columns=columns, rows=rows)
    return render(request, "catalogue/matrix.html", {
        "table": table, "form": form, "province": province, "choose_province": len(provinces) > 1,
    })
