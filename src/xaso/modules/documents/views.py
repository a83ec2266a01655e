# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officials' pages: the registers with search, one incoming document, drafting and issuing one outgoing
document, work files and the issuing body's settings."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only

from . import drafts, exchange, issuing, selectors, services
from .drafting.templates import TEMPLATES
from .drafting.types import DOCUMENT_TYPES
from .forms import (
    AssignForm,
    DraftForm,
    IncomingForm,
    IssueForm,
    IssuerForm,
    NoteForm,
    PackageForm,
    SignForm,
    WorkFileForm,
)
from .models import IncomingStatus, OutgoingStatus, WorkFile
from .workflow import ASSIGN, DRAFT, INCOMING, OUTGOING, REGISTER

PAGE = 50


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def filters(params) -> dict:
    """A register's search from the query string (the page and the API): words, year, status."""
    year = params.get("year", "")
    return {"q": params.get("q", "")[:200], "status": params.get("status", "")[:20],
            "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None}


# --- Registers ------------------------------------------------------------------------------------------

INCOMING_COLUMNS = [
    ("arrival_number", gettext_lazy("Arrival number")), ("received_at", gettext_lazy("Received at")),
    ("sender", gettext_lazy("Sender")), ("number_symbol", gettext_lazy("Their number and symbol")),
    ("document_date", gettext_lazy("Date of the document")), ("type", gettext_lazy("Type")),
    ("summary", gettext_lazy("Summary")), ("urgency", gettext_lazy("Urgency")), ("handler", gettext_lazy("Handler")),
    ("deadline", gettext_lazy("Deadline")), ("status", gettext_lazy("Status"))]
OUTGOING_COLUMNS = [
    ("number_symbol", gettext_lazy("Number and symbol")), ("issued_on", gettext_lazy("Issued on")),
    ("type", gettext_lazy("Type")), ("summary", gettext_lazy("Summary")), ("signer", gettext_lazy("Signer")),
    ("recipients", gettext_lazy("Recipients")), ("status", gettext_lazy("Status"))]


def _incoming_row(d) -> dict:
    return {"arrival_number": f"{d.arrival_number:02d}/{d.year}", "received_at": d.received_at, "sender": d.sender,
            "number_symbol": d.number_symbol, "document_date": d.document_date, "type": _type_name(d.type_code),
            "summary": d.summary, "urgency": d.get_urgency_display() if d.urgency else "",
            "handler": str(d.handler or ""), "deadline": d.deadline, "status": d.get_status_display()}


def _outgoing_row(d) -> dict:
    return {"number_symbol": d.number_symbol, "issued_on": d.issued_on, "type": _type_name(d.type_code),
            "summary": d.summary, "signer": str(d.signer), "recipients": "; ".join(d.recipients),
            "status": d.get_status_display()}


def _type_name(code: str) -> str:
    kind = DOCUMENT_TYPES.get(code)
    return kind.name if kind else code


@officials_only
@require_safe
def registers(request, commune_code):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    direction = "outgoing" if request.GET.get("direction") == "outgoing" else "incoming"
    search = filters(request.GET)
    if direction == "incoming":
        qs = selectors.incoming(user=request.user, commune=commune, **search)
        columns, row = INCOMING_COLUMNS, _incoming_row
    else:
        qs = selectors.outgoing(user=request.user, commune=commune, **search)
        columns, row = OUTGOING_COLUMNS, _outgoing_row
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-{direction}-{commune.code}", columns=columns,
                               rows=(row(d) for d in qs))
    return render(request, "documents/registers.html", {
        "commune": commune, "direction": direction, "documents": qs[:PAGE], "count": qs.count(), "q": search["q"],
        "year": search["year"] or "", "status": search["status"], "page_size": PAGE,
        "statuses": IncomingStatus.choices if direction == "incoming" else OutgoingStatus.choices,
        "can_register": can(request.user, REGISTER, commune), "can_draft": can(request.user, DRAFT, commune),
        "today": timezone.localdate()})


# --- Incoming -------------------------------------------------------------------------------------------

@officials_only
@require_http_methods(["GET", "POST"])
def incoming_new(request, commune_code):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb=REGISTER)
    form = IncomingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            document = services.incoming_register(
                actor=request.user, commune=commune, upload=c["file"], arrival_number=c["arrival_number"],
                idempotency_key=c["idempotency_key"] or None,
                received=services.Received(sender=c["sender"], type_code=c["type_code"], summary=c["summary"],
                                            number_symbol=c["number_symbol"], document_date=c["document_date"],
                                            urgency=c["urgency"], confidentiality=c["confidentiality"]))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Registered as incoming document %(n)02d/%(y)s.")
                             % {"n": document.arrival_number, "y": document.year})
            return redirect("documents:incoming", commune.code, document.pk)
    return render(request, "documents/incoming_new.html", {"commune": commune, "form": form,
                                                           "package_form": PackageForm()})


@officials_only
@require_http_methods(["POST"])
def incoming_import(request, commune_code):
    """An edXML package file received by e-mail or on a disk, registered as the axis would."""
    commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb=REGISTER)
    form = PackageForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = exchange.incoming_import(actor=request.user, commune=commune,
                                                data=form.cleaned_data["package"].read())
        except ValidationError as error:
            form.add_error("package", error)
        else:
            messages.success(request, _("Registered as incoming document %(n)02d/%(y)s.")
                             % {"n": document.arrival_number, "y": document.year})
            return redirect("documents:incoming", commune.code, document.pk)
    return render(request, "documents/incoming_new.html", {
        "commune": commune, "form": IncomingForm(), "package_form": form}, status=400)


@officials_only
@require_safe
def outgoing_package(request, commune_code, pk):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    document = selectors.outgoing_document(user=request.user, commune=commune, pk=pk)
    try:
        data = exchange.package_file(document)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("documents:outgoing", commune.code, document.pk)
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{drafts.filename(document)}.edxml"'
    return response


def _incoming_form(name, document, user=None, data=None):
    if name == "assign":
        return AssignForm(data, handlers=selectors.officials(document.commune), prefix=name,
                          initial={"handler": document.handler_id})
    return NoteForm(data, prefix=name)


def _incoming_act(request, document, name, form, version):
    if name == "assign":
        c = form.cleaned_data
        return services.incoming_assign(actor=request.user, document=document, handler=c["handler"],
                                        working_days=c["working_days"], note=c["note"], version=version)
    return services.incoming_step(actor=request.user, document=document, name=name, note=form.cleaned_data["note"],
                                  version=version)


@officials_only
@require_http_methods(["GET", "POST"])
def incoming(request, commune_code, pk):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    document = selectors.incoming_document(user=request.user, commune=commune, pk=pk)
    done, actions = _steps(request, document, INCOMING, _incoming_form, _incoming_act, "documents:incoming")
    if done is not None:
        return done
    return render(request, "documents/incoming.html", {
        "commune": commune, "document": document, "actions": actions, "steps": document.steps.all(),
        "type_name": _type_name(document.type_code), "replies": document.replies.all(),
        "can_draft": can(request.user, DRAFT, commune), "work_files": selectors.work_files(commune),
        "can_file": can(request.user, DRAFT, commune) or can(request.user, ASSIGN, commune)})


def _steps(request, document, workflow, form_for, act, view_name):
    """A document's page, once for both kinds: a POST fires one step (or files the document into a work
    file) and answers a redirect; otherwise the actions open to the user, each with its form."""
    failed = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name == "file":
            return _file_into(request, document, view_name), None
        if name not in workflow.transitions:
            raise Http404
        form = form_for(name, document, request.user, request.POST)
        if form is None or form.is_valid():
            if _attempt(request, lambda: act(request, document, name, form, _version(request)),
                        workflow.transitions[name].label):
                return redirect(view_name, document.commune_id, document.pk), None
        else:
            failed = (name, form)
    return None, [{"name": t.name, "label": t.label,
                   "form": failed[1] if failed and failed[0] == t.name else form_for(t.name, document, request.user)}
                  for t in workflow.available(request.user, document)]


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


def _attempt(request, act, label) -> bool:
    try:
        act()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    except PermissionDenied:
        messages.error(request, _("You may not do this on this document."))
    else:
        messages.success(request, _("Done: %(action)s.") % {"action": label})
        return True
    return False


def _file_into(request, document, view_name):
    work_file = WorkFile.objects.filter(commune=document.commune, pk=request.POST.get("work_file") or 0).first()
    if work_file is None:
        messages.error(request, _("Choose a work file."))
    else:
        _attempt(request, lambda: services.work_file_attach(actor=request.user, work_file=work_file,
                                                            document=document), _("File into a work file"))
    return redirect(view_name, document.commune_id, document.pk)


# --- Outgoing -------------------------------------------------------------------------------------------

def _draft_form(commune, data=None, initial=None):
    return DraftForm(data, initial=initial, signers=selectors.signers(commune),
                     work_files=selectors.work_files(commune), agencies=selectors.agencies(commune=commune))


@officials_only
@require_http_methods(["GET", "POST"])
def outgoing_new(request, commune_code):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb=DRAFT)
    reply_to = None
    if (reply := request.GET.get("reply_to", "")).isdigit():
        reply_to = selectors.incoming_document(user=request.user, commune=commune, pk=int(reply))
    template = TEMPLATES.get(request.GET.get("template", ""))
    if template is None and request.method == "GET":
        return render(request, "documents/outgoing_choose.html", {
            "commune": commune, "templates": TEMPLATES.items(), "reply_to": reply_to})
    form = _draft_form(commune, request.POST or None,
                       initial=drafts.initial(template, commune=commune, reply_to=reply_to) if template else None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.outgoing_create(actor=request.user, commune=commune, reply_to=reply_to,
                                                idempotency_key=form.cleaned_data["idempotency_key"] or None,
                                                **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("documents:outgoing", commune.code, document.pk)
    return render(request, "documents/outgoing_new.html", {"commune": commune, "form": form, "reply_to": reply_to})


def _outgoing_form(name, document, user, data=None):
    if name == "edit":
        return _draft_form(document.commune, data, initial={f: getattr(document, f) for f in services.DRAFT_FIELDS})
    if name == "sign":
        return SignForm(data, keys=issuing.keys_for_signer(user, document), prefix=name)
    if name == "issue":
        return IssueForm(data, keys=issuing.keys_for_seal(document), prefix=name)
    if name == "send":
        return None
    return NoteForm(data, prefix=name)


def _outgoing_act(request, document, name, form, version):
    user = request.user
    if name == "edit":
        return services.outgoing_edit(actor=user, document=document, version=version, **form.values())
    if name == "sign":
        c = form.cleaned_data
        return issuing.outgoing_sign(actor=user, document=document, key=c["key"], secret=c["secret"],
                                     version=version)
    if name == "issue":
        c = form.cleaned_data
        return issuing.outgoing_issue(actor=user, document=document, key=c["key"], secret=c["secret"],
                                      number=c["number"], version=version)
    if name == "send":
        return exchange.outgoing_send(actor=user, document=document, version=version)
    return services.outgoing_step(actor=user, document=document, name=name, note=form.cleaned_data["note"],
                                  version=version)


@officials_only
@require_http_methods(["GET", "POST"])
def outgoing(request, commune_code, pk):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    document = selectors.outgoing_document(user=request.user, commune=commune, pk=pk)
    done, actions = _steps(request, document, OUTGOING, _outgoing_form, _outgoing_act, "documents:outgoing")
    if done is not None:
        return done
    return render(request, "documents/outgoing.html", {
        "commune": commune, "document": document, "actions": actions, "steps": document.steps.all(),
        "type_name": _type_name(document.type_code), "signatures": document.signatures.all(),
        "work_files": selectors.work_files(commune),
        "can_file": can(request.user, DRAFT, commune) or can(request.user, ASSIGN, commune)})


@officials_only
@require_safe
def outgoing_draft(request, commune_code, pk, fmt):
    """The draft as DOCX (to edit in Word or LibreOffice) or PDF (to read as it will be printed)."""
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    return draft_response(selectors.outgoing_document(user=request.user, commune=commune, pk=pk), fmt)


def draft_response(document, fmt: str) -> HttpResponse:
    if fmt not in ("docx", "pdf"):
        raise Http404
    if fmt == "docx":
        body, content_type = drafts.docx(document), drafts.DOCX
    else:
        body, content_type = drafts.pdf(document).data, "application/pdf"
    response = HttpResponse(body, content_type=content_type)
    disposition = "attachment" if fmt == "docx" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{drafts.filename(document)}.{fmt}"'
    return response


# --- Work files and settings ----------------------------------------------------------------------------

@officials_only
@require_http_methods(["GET", "POST"])
def work_files(request, commune_code):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    form = WorkFileForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            work_file = services.work_file_open(actor=request.user, commune=commune, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else _("You may not do this."))
        else:
            return redirect("documents:work_file", commune.code, work_file.pk)
    files = WorkFile.objects.filter(commune=commune).select_related("owner")
    return render(request, "documents/work_files.html", {
        "commune": commune, "files": files, "form": form, "can_open": can(request.user, DRAFT, commune)})


@officials_only
@require_safe
def work_file(request, commune_code, pk):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code)
    work_file = WorkFile.objects.filter(commune=commune, pk=pk).first()
    if work_file is None:
        raise Http404
    return render(request, "documents/work_file.html", {
        "commune": commune, "work_file": work_file, "incoming": work_file.incoming.all(),
        "outgoing": work_file.outgoing.all()})


@officials_only
@require_http_methods(["GET", "POST"])
def issuer(request, commune_code):
    commune = selectors.commune_for(user=request.user, commune_code=commune_code, verb="documents.issuer.manage")
    current = services.issuer_for(commune)
    form = IssuerForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.issuer_change(actor=request.user, issuer=current, **form.cleaned_data)
        messages.success(request, _("Saved."))
        return redirect("documents:issuer", commune.code)
    return render(request, "documents/issuer.html", {"commune": commune, "form": form})
