# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officials' pages: the commune's work list of reports and one report with its steps."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can, require
from xaso.core.catalogue.views import officials_only
from xaso.core.ui.forms import service_errors

from . import figures, selectors, services
from .forms import AnswerForm, AssignForm, NoteForm, ResponseTemplateForm
from .models import ResponseTemplate
from .workflow import REPORT

VIEWS = {"open": gettext_lazy("Open"), "mine": gettext_lazy("Mine"), "all": gettext_lazy("All")}
COLUMNS = [("code", gettext_lazy("Code")), ("category", gettext_lazy("Category")),
           ("description", gettext_lazy("Description")), ("village", gettext_lazy("Village")),
           ("status", gettext_lazy("Status")), ("handler", gettext_lazy("Handler")),
           ("reported", gettext_lazy("Reported at")), ("due_date", gettext_lazy("To be resolved by")),
           ("latitude", gettext_lazy("Latitude")), ("longitude", gettext_lazy("Longitude"))]


def _row(r) -> dict:
    return {"code": r.code, "category": r.category.name, "description": r.description,
            "village": str(r.village or ""), "status": r.get_status_display(), "handler": str(r.handler or ""),
            "reported": r.created_at, "due_date": r.due_date, "latitude": r.latitude, "longitude": r.longitude}


@officials_only
@require_safe
def work(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "open"
    qs = selectors.work_list(user=request.user, commune=commune, view=view)
    if fmt := exports.requested(request, places=True):
        return exports.respond(fmt, filename=f"xaso-reports-{commune.code}-{view}", columns=COLUMNS,
                               rows=(_row(r) for r in qs))
    return render(request, "reports/work.html", {"commune": commune, "reports": qs[:100], "count": qs.count(),
                                                 "view": view, "views": VIEWS.items(),
                                                 "today": timezone.localdate()})


def _period(request) -> tuple[date, date]:
    """?start=YYYY-MM-DD&end=YYYY-MM-DD; by default the current month to today."""
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = today.replace(day=1)
    try:
        end = date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = today
    return (start, end) if start <= end else (end, start)


@officials_only
@require_safe
def stats(request, commune_code):
    """The period's figures, each table downloadable (?export=…&table=category|village|status)."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    start, end = _period(request)
    found = figures.figures(commune=commune, start=start, end=end)
    tables = {"category": (gettext_lazy("Category"), found.by_category),
              "village": (gettext_lazy("Village"), found.by_village),
              "status": (gettext_lazy("Status"), found.by_status)}
    if (fmt := exports.requested(request)) and request.GET.get("table") in tables:
        header, rows = tables[request.GET["table"]]
        return exports.respond(fmt, filename=f"xaso-reports-{commune.code}-{request.GET['table']}-{start}-{end}",
                               columns=[("key", header), ("count", gettext_lazy("Reports"))],
                               rows=({"key": k, "count": n} for k, n in rows))
    return render(request, "reports/stats.html", {"commune": commune, "start": start, "end": end, "f": found,
                                                  "tables": tables.items()})


def _form(name, report, data=None):
    if name == "assign":
        return AssignForm(data, handlers=selectors.handlers(report.commune), prefix=name,
                          initial={"handler": report.handler_id})
    if name == "resolve":
        return AnswerForm(data, prefix=name, responses=selectors.responses(commune=report.commune,
                                                                          category=report.category))
    if name in ("triage", "start", "ask_reporter", "reporter_answered"):
        return NoteForm(data, prefix=name)
    return None  # merge, reopen, close: not from this page


def _act(request, report, name, form, version):
    c = form.cleaned_data
    if name == "assign":
        return services.report_assign(actor=request.user, report=report, handler=c["handler"], note=c["note"],
                                      version=version)
    if name == "resolve":
        return services.report_resolve(actor=request.user, report=report, answer=c["answer"], version=version)
    return services.report_step(actor=request.user, report=report, name=name, note=c["note"], version=version)


@officials_only
@require_http_methods(["GET", "POST"])
def case(request, commune_code, code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    report = selectors.report_for_official(user=request.user, commune=commune, code=code)
    failed = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        form = _form(name, report, request.POST)
        if form is None:
            raise Http404
        if form.is_valid():
            version = request.POST.get("version", "")
            try:
                _act(request, report, name, form, int(version) if version.isdigit() else None)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except PermissionDenied:
                messages.error(request, _("You may not do this on this report."))
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": REPORT.transitions[name].label})
                return redirect("reports:case", commune.code, report.code)
        else:
            failed = (name, form)
    actions = [{"name": t.name, "label": t.label,
                "form": failed[1] if failed and failed[0] == t.name else _form(t.name, report)}
               for t in REPORT.available(request.user, report) if _form(t.name, report) is not None]
    return render(request, "reports/case.html", {
        "commune": commune, "report": report, "actions": actions, "steps": report.steps.all(),
        # The reporter asked to stay unknown to the officials handling it: these pages never show who.
        "show_reporter": not report.hide_identity, "today": timezone.localdate(),
        "response_texts": {t.pk: t.text for t in selectors.responses(commune=commune, category=report.category)}})


def _response_form(commune, template=None, data=None):
    # Each prepared answer is edited in its own form on the page, so its fields carry its own prefix.
    if template is None:
        return ResponseTemplateForm(data, commune=commune)
    return ResponseTemplateForm(data, commune=commune, prefix=f"t{template.pk}", initial={
        "title": template.title, "category": template.category_id, "text": template.text, "active": template.active})


@officials_only
@require_http_methods(["GET", "POST"])
def responses(request, commune_code):
    """The commune's prepared answers: everyone handling reports reads them, leaders and IT keep them. A POST
    with ``id`` changes that one, without it adds one."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    may_manage = can(request.user, services.MANAGE, commune)
    templates = list(ResponseTemplate.objects.filter(commune=commune).select_related("category"))
    forms = {t.pk: _response_form(commune, t) for t in templates} if may_manage else {}
    forms[None] = _response_form(commune) if may_manage else None
    status = 200
    if request.method == "POST":
        require(request.user, services.MANAGE, commune)
        key = int(request.POST["id"]) if request.POST.get("id", "").isdigit() else None
        if key is not None and key not in forms:
            raise Http404
        template = next((t for t in templates if t.pk == key), None)
        form = forms[key] = _response_form(commune, template, request.POST)
        if form.is_valid():
            try:
                services.response_template_save(actor=request.user, commune=commune, template=template,
                                                **form.cleaned_data)
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("The prepared answer is saved."))
                return redirect("reports:responses", commune.code)
        status = 400
    return render(request, "reports/responses.html", {
        "commune": commune, "rows": [(t, forms.get(t.pk)) for t in templates], "form": forms[None]},
        status=status)
