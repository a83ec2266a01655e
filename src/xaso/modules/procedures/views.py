# SPDX-License-Identifier: AGPL-3.0-or-later
"""Public guide pages of the procedures, a commune's list, and the province's import."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.places.selectors import commune_get

from . import imports, selectors, services
from .forms import EnablementForm, ImportForm
from .models import Procedure

COLUMNS = [("code", _lazy("Code")), ("name", _lazy("Procedure")), ("sector", _lazy("Sector")),
           ("processing_days", _lazy("Processing time (working days)")), ("fee", _lazy("Fee (VND)")),
           ("online_level", _lazy("Online level")), ("sample", _lazy("Sample data"))]


def _rows(procedures):
    return [{"code": p.code, "name": p.name, "sector": p.sector.name, "processing_days": p.processing_days,
             "fee": p.fee, "online_level": p.get_online_level_display(), "sample": p.is_sample} for p in procedures]


@require_safe
def procedure_list(request):
    q = request.GET.get("q", "")[:100]
    sector = request.GET.get("sector", "")[:20]
    online = request.GET.get("online", "") if request.GET.get("online") in Procedure.OnlineLevel.values else ""
    found = selectors.procedures(q=q, sector=sector, online_level=online)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename="xaso-procedures", columns=COLUMNS, rows=_rows(found))
    return render(request, "procedures/list.html", {
        "procedures": found, "q": q, "sector": sector, "online": online, "sectors": selectors.sectors(),
        "online_levels": Procedure.OnlineLevel.choices, "any_sample": any(p.is_sample for p in found),
        "can_import": can(request.user, "procedures.procedure.manage")})


@require_safe
def guide(request, procedure_code):
    """What to bring, how long it takes, how much it costs."""
    procedure = selectors.procedure_guide(procedure_code)
    return render(request, "procedures/guide.html", {"procedure": procedure,
                                                     "communes": selectors.communes_handling(procedure.code)})


@require_http_methods(["GET", "POST"])
def commune(request, commune_code):
    """The procedures a commune's service center handles (public); its officials choose them here."""
    commune = commune_get(commune_code=commune_code)
    enabled = selectors.enabled_codes(commune)
    may_change = can(request.user, "procedures.enablement.change", commune)
    all_procedures = selectors.procedures()
    form = None
    if may_change:
        form = EnablementForm(request.POST if request.method == "POST" else None, procedures=all_procedures,
                              initial={"codes": sorted(enabled)})
        if request.method == "POST" and form.is_valid():
            # Codes not offered here (no version in force today) stay as they were.
            keep = enabled - {p.code for p in all_procedures}
            changed = services.enablement_set(actor=request.user, commune=commune,
                                              codes=[*form.cleaned_data["codes"], *keep])
            messages.success(request, _("Saved: %(added)s enabled, %(removed)s disabled.")
                             % {"added": len(changed["added"]), "removed": len(changed["removed"])})
            return redirect("procedures:commune", commune.code)
    elif request.method == "POST":
        raise Http404
    handled = [p for p in all_procedures if p.code in enabled]
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-procedures-{commune.code}", columns=COLUMNS, rows=_rows(handled))
    return render(request, "procedures/commune.html", {"commune": commune, "procedures": handled, "form": form,
                                                       "any_sample": any(p.is_sample for p in handled)})


@officials_only
@require_http_methods(["GET", "POST"])
def import_procedures(request):
    if not can(request.user, "procedures.procedure.manage"):
        raise Http404
    form = ImportForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    if request.method == "POST" and form.is_valid():
        try:
            counts = services.procedures_import(actor=request.user, rows=imports.read(form.cleaned_data["file"]))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("Imported: %(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                             % counts)
            return redirect("procedures:list")
    columns = [(c, c in imports.REQUIRED, imports.HELP[c]) for c in imports.COLUMNS]
    return render(request, "procedures/import.html", {"form": form, "columns": columns})


@require_safe
def template(request):
    """The blank import template, made from the column definition (imports.COLUMNS)."""
    response = HttpResponse(content_type=exports.FORMATS["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="xaso-procedure-template.xlsx"'
    imports.template().save(response)
    return response
