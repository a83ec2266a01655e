# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officials' pages: intake at the counter, the work list, one dossier with its actions, the day, reports."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import Commune

from . import selectors, services
from .forms import AssignForm, DocumentsForm, ExtendForm, ForwardForm, IntakeForm, NoteForm, RatingForm, ResultForm
from .models import CLOCK_RUNNING, Dossier, Rating, Status
from .workflow import DOSSIER, PROCESS


def _commune(request, commune_code, verb="dossiers.dossier.view") -> Commune:
    commune = get_object_or_404(Commune, pk=commune_code)
    if not can(request.user, verb, commune):
        raise Http404
    return commune


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- Intake at the counter -------------------------------------------------------------------------------

@officials_only
@require_http_methods(["GET", "POST"])
def intake(request, commune_code):
    """Step 1: choose the procedure (and see the ticket being served); step 2: the applicant and papers."""
    from xaso.modules.procedures.selectors import enabled_procedures
    from xaso.modules.queue.models import Ticket

    commune = _commune(request, commune_code, "dossiers.dossier.receive")
    ticket = None
    if ticket_id := request.GET.get("ticket", ""):
        ticket = Ticket.objects.filter(commune=commune, pk=ticket_id if ticket_id.isdigit() else 0).first()
    procedures = enabled_procedures(commune)
    procedure = next((p for p in procedures if p.code == request.GET.get("procedure")), None)
    if procedure is None:
        return render(request, "dossiers/intake_choose.html", {"commune": commune, "procedures": procedures,
                                                               "ticket": ticket})
    id_number = request.POST.get("applicant_id_number") or request.GET.get("id_number", "")
    papers = selectors.reusable_papers(commune=commune, id_number=id_number.strip()) if id_number else []
    form = IntakeForm(request.POST or None, request.FILES or None, procedure=procedure, papers=papers, counter=True,
                      initial={"applicant_id_number": id_number})
    fields = _fields_form(procedure, request)
    if request.method == "POST" and form.is_valid() and fields.is_valid():
        assisted = form.cleaned_data["assisted"]
        try:
            dossier = services.dossier_receive(
                actor=request.user, commune=commune, procedure=procedure, applicant=form.applicant(),
                channel="2" if assisted else form.cleaned_data["channel"], uploads=form.uploads(),
                reuse=form.reuse(), form_data=_json_ready(fields.cleaned_data), ticket=ticket, assisted=assisted,
                idempotency_key=form.cleaned_data["idempotency_key"], accept=form.cleaned_data["accept"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Dossier %(code)s received.") % {"code": dossier.code})
            return redirect("dossiers:detail", commune.code, dossier.code)
    return render(request, "dossiers/intake.html", {
        "commune": commune, "procedure": procedure, "form": form, "fields": fields, "ticket": ticket,
        "papers": papers})


def _fields_form(procedure, request):
    from xaso.modules.procedures.forms import fields_form

    return fields_form(procedure, data=request.POST or None, prefix="field")


def _json_ready(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, date) else (str(v) if v is not None else None)
            for k, v in data.items()}


# --- Work lists ------------------------------------------------------------------------------------------

VIEWS = {"open": _("Open"), "mine": _("Mine"), "due_soon": _("Due soon"), "overdue": _("Overdue"), "all": _("All")}
PAGE = 50


@officials_only
@require_safe
def inbox(request, commune_code):
    commune = _commune(request, commune_code)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "open"
    today = timezone.localdate()
    qs = selectors.inbox(user=request.user, commune=commune, view=view, today=today)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-dossiers-{commune.code}-{view}", columns=_COLUMNS,
                               rows=(_row(d, today) for d in qs))
    rows = [_row(d, today) for d in qs[:PAGE]]
    return render(request, "dossiers/inbox.html", {
        "commune": commune, "rows": rows, "view": view, "views": VIEWS.items(), "count": qs.count(),
        "page_size": PAGE, "can_receive": can(request.user, "dossiers.dossier.receive", commune)})


_COLUMNS = [("code", _("Dossier code")), ("procedure", _("Procedure")), ("applicant", _("Applicant")),
            ("status", _("Status")), ("received_at", _("Received at")), ("due_date", _("Appointment date")),
            ("assignee", _("Handled by")), ("overdue", _("Overdue"))]


def _row(d: Dossier, today: date) -> dict:
    return {"code": d.code, "procedure": d.procedure.name, "applicant": d.applicant_name,
            "status": d.get_status_display(), "status_value": d.status, "received_at": d.received_at,
            "due_date": d.due_date, "assignee": str(d.assignee or ""),
            "overdue": d.status in CLOCK_RUNNING and d.due_date is not None and d.due_date < today}


@officials_only
@require_safe
def today(request, commune_code):
    """The center's intake today: every dossier received today, by channel."""
    commune = _commune(request, commune_code)
    day = timezone.localdate()
    qs = (Dossier.objects.filter(commune=commune, received_at__date=day)
          .select_related("procedure", "assignee").order_by("received_at"))
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-intake-{commune.code}-{day}", columns=_COLUMNS + [
            ("channel", _("Channel"))], rows=({**_row(d, day), "channel": d.get_channel_display()} for d in qs))
    dossiers = list(qs)
    by_channel = {}
    for d in dossiers:
        by_channel[d.get_channel_display()] = by_channel.get(d.get_channel_display(), 0) + 1
    return render(request, "dossiers/today.html", {"commune": commune, "day": day, "dossiers": dossiers,
                                                   "by_channel": sorted(by_channel.items())})


@officials_only
@require_safe
def overview(request, commune_code):
    commune = _commune(request, commune_code)
    data = selectors.overview(user=request.user, commune=commune)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-overview-{commune.code}", columns=[
            ("assignee", _("Handled by")), ("open", _("Open")), ("overdue", _("Overdue"))], rows=[
            {"assignee": r["assignee__full_name"] or r["assignee__username"], "open": r["open"],
             "overdue": r["overdue"]} for r in data["by_assignee"]])
    return render(request, "dossiers/overview.html", {"commune": commune, **data})


def _month(request) -> tuple[int, int]:
    value = request.GET.get("month", "")
    try:
        year, month = (int(x) for x in value.split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


@officials_only
@require_safe
def report(request, commune_code):
    """The monthly report per procedure: received, resolved on time and late, pending, online share."""
    commune = _commune(request, commune_code, "dossiers.report.view")
    year, month = _month(request)
    rows = selectors.monthly_report(user=request.user, commune=commune, year=year, month=month)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-report-{commune.code}-{year}-{month:02d}", columns=[
            ("procedure", _("Procedure code")), ("name", _("Procedure")), ("received", _("Received")),
            ("resolved_on_time", _("Resolved on time")), ("resolved_late", _("Resolved late")),
            ("pending", _("Pending")), ("overdue", _("Overdue")), ("online_share", _("Online share (%)"))], rows=rows)
    totals = {k: sum(r[k] for r in rows) for k in ("received", "resolved_on_time", "resolved_late", "pending",
                                                   "overdue")}
    return render(request, "dossiers/report.html", {"commune": commune, "rows": rows, "totals": totals,
                                                    "month": f"{year}-{month:02d}"})


@officials_only
@require_safe
def register_pdf(request, commune_code):
    """Form 07: the dossier register of a month, as PDF."""
    from . import pdf

    commune = _commune(request, commune_code, "dossiers.report.view")
    year, month = _month(request)
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    dossiers = (Dossier.objects.filter(commune=commune, received_at__date__gte=start, received_at__date__lt=end)
                .select_related("procedure").order_by("received_at"))
    body = pdf.render_register(services.service_center_for(commune), dossiers, start=start, end=end)
    return _pdf(body, f"so-theo-doi-ho-so-{commune.code}-{year}-{month:02d}.pdf")


def _pdf(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- One dossier -----------------------------------------------------------------------------------------

# Which form each action needs, and which service carries it out.
ACTIONS = {
    "accept": (None, lambda r, d, f, v: services.dossier_accept(actor=r.user, dossier=d, version=v)),
    "request_completion": (NoteForm, lambda r, d, f, v: services.dossier_request_completion(
        actor=r.user, dossier=d, missing=f.cleaned_data["note"], version=v)),
    "complete": (DocumentsForm, lambda r, d, f, v: services.dossier_complete(
        actor=r.user, dossier=d, uploads=_docs(f), version=v)),
    "refuse": (NoteForm, lambda r, d, f, v: services.dossier_refuse(
        actor=r.user, dossier=d, reason=f.cleaned_data["note"], version=v)),
    "assign": (AssignForm, lambda r, d, f, v: services.dossier_assign(
        actor=r.user, dossier=d, assignee=f.cleaned_data["assignee"], version=v)),
    "start": (None, lambda r, d, f, v: services.dossier_start(actor=r.user, dossier=d, version=v)),
    "request_documents": (NoteForm, lambda r, d, f, v: services.dossier_request_documents(
        actor=r.user, dossier=d, missing=f.cleaned_data["note"], version=v)),
    "documents_received": (DocumentsForm, lambda r, d, f, v: services.dossier_documents_received(
        actor=r.user, dossier=d, uploads=_docs(f), version=v)),
    "submit": (None, lambda r, d, f, v: services.dossier_submit(actor=r.user, dossier=d, version=v)),
    "send_back": (NoteForm, lambda r, d, f, v: services.dossier_send_back(
        actor=r.user, dossier=d, reason=f.cleaned_data["note"], version=v)),
    "approve": (None, lambda r, d, f, v: services.dossier_approve(actor=r.user, dossier=d, version=v)),
    "result_ready": (ResultForm, lambda r, d, f, v: services.dossier_result_ready(
        actor=r.user, dossier=d, upload=f.cleaned_data["result"], info=_info(f), version=v)),
    "forward": (ForwardForm, lambda r, d, f, v: services.dossier_forward(
        actor=r.user, dossier=d, agency=f.cleaned_data["agency"], version=v)),
    "result_received": (ResultForm, lambda r, d, f, v: services.dossier_result_received(
        actor=r.user, dossier=d, upload=f.cleaned_data["result"], info=_info(f), version=v)),
    "return_result": (None, lambda r, d, f, v: services.dossier_return(actor=r.user, dossier=d, version=v)),
    "close": (None, lambda r, d, f, v: services.dossier_close(actor=r.user, dossier=d, version=v)),
    "withdraw": (NoteForm, lambda r, d, f, v: services.dossier_withdraw(
        actor=r.user, dossier=d, reason=f.cleaned_data["note"], version=v)),
    "stop": (NoteForm, lambda r, d, f, v: services.dossier_stop(
        actor=r.user, dossier=d, reason=f.cleaned_data["note"], version=v)),
    "extend": (ExtendForm, lambda r, d, f, v: services.dossier_extend(
        actor=r.user, dossier=d, new_date=f.cleaned_data["new_date"], reason=f.cleaned_data["note"], version=v)),
}


def _docs(form) -> dict:
    upload = form.cleaned_data.get("documents")
    return {_("Additional documents"): upload} if upload else {}


def _info(form) -> services.PaperInfo:
    c = form.cleaned_data
    return services.PaperInfo(title=c["title"], number=c["number"], issuer=c["issuer"],
                              valid_until=c["valid_until"], issued_on=timezone.localdate())


def _form_for(name, dossier, data=None, files=None):
    form_class = ACTIONS[name][0]
    if form_class is None:
        return None
    if form_class is AssignForm:
        officials = User.objects.filter(commune=dossier.commune, is_active=True).order_by("full_name", "username")
        officials = User.objects.filter(pk__in=[u.pk for u in officials if can(u, PROCESS, dossier.commune)])
        return AssignForm(data, files, officials=officials, prefix=name)
    return form_class(data, files, prefix=name)


@officials_only
@require_http_methods(["GET", "POST"])
def detail(request, commune_code, dossier_code):
    commune = _commune(request, commune_code)
    dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
    failed = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in ACTIONS:
            raise Http404
        form = _form_for(name, dossier, request.POST, request.FILES)
        if form is None or form.is_valid():
            try:
                version = int(request.POST.get("version", ""))
            except ValueError:
                version = None
            try:
                ACTIONS[name][1](request, dossier, form, version)
            except ValidationError as error:
                messages.error(request, _error_text(error))
            except PermissionDenied:
                messages.error(request, _("You may not do this on this dossier."))
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": DOSSIER.transitions[name].label})
                return redirect("dossiers:detail", commune.code, dossier.code)
        else:
            failed = (name, form)
    actions = []
    for t in DOSSIER.available(request.user, dossier):
        form = failed[1] if failed and failed[0] == t.name else _form_for(t.name, dossier)
        actions.append({"name": t.name, "label": t.label, "form": form})
    steps = list(dossier.steps.select_related("actor", "holder"))
    for step in steps:  # the sheet speaks the officials' language, not the workflow's names
        step.label = step_label(step.transition)
        step.state_label = Status(step.to_state).label
    rating = Rating.objects.filter(dossier=dossier).first()
    return render(request, "dossiers/detail.html", {
        "commune": commune, "dossier": dossier, "actions": actions, "steps": steps,
        "answers": answers(dossier),
        "components": dossier.components.select_related("paper__file"),
        "results": dossier.papers.filter(kind="result").select_related("file"),
        "forms": _printable(dossier, steps), "today": timezone.localdate(),
        "rating": rating, "rating_form": RatingForm(),
        "can_rate": dossier.status in (Status.RETURNED, Status.CLOSED) and rating is None
        and can(request.user, "dossiers.dossier.receive", commune)})


def answers(dossier) -> list[tuple[str, str]]:
    """The applicant's answers to the procedure's own fields, under the labels they were asked with."""
    labels = {f["key"]: f.get("label") or f["key"] for f in dossier.procedure.form_fields or ()}
    return [(labels.get(key, key), value) for key, value in dossier.form_data.items()]


def step_label(transition: str) -> str:
    return DOSSIER.transitions[transition].label if transition in DOSSIER.transitions else _("Received")


# The step each printable form belongs to.
FORM_STEPS = {"01": "accept", "02": ("request_completion", "request_documents"), "03": "refuse", "04": "extend",
              "05": "stop"}


def _printable(dossier, steps) -> list[tuple[str, str]]:
    fired = {s.transition for s in steps}
    found = []
    for number, names in FORM_STEPS.items():
        names = (names,) if isinstance(names, str) else names
        if fired & set(names):
            found.append(number)
    return found + ["06"]


@officials_only
@require_safe
def form_pdf(request, commune_code, dossier_code, form):
    from . import pdf

    commune = _commune(request, commune_code)
    dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
    if form not in ("01", "02", "03", "04", "05", "06"):
        raise Http404
    step = None
    if form in FORM_STEPS:
        names = FORM_STEPS[form]
        names = (names,) if isinstance(names, str) else names
        step = dossier.steps.filter(transition__in=names).order_by("-at", "-id").first()
        if step is None:
            raise Http404
    lookup = request.build_absolute_uri(reverse("dossiers:lookup")) + f"?code={dossier.code}"
    return _pdf(pdf.render(form, dossier, step=step, lookup_url=lookup), f"mau-{form}-{dossier.code}.pdf")


@officials_only
@require_http_methods(["POST"])
def rate_at_counter(request, commune_code, dossier_code):
    """The applicant rates at the counter (on the officer's tablet or a printed slip typed in)."""
    commune = _commune(request, commune_code, "dossiers.dossier.receive")
    dossier = selectors.dossier_for_official(user=request.user, commune=commune, code=dossier_code)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.dossier_rate(actor=request.user, dossier=dossier, channel="1", **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, _("Thank you: the rating has been recorded."))
    else:
        messages.error(request, _("Choose a score from 1 to 5."))
    return redirect("dossiers:detail", commune.code, dossier.code)
