# SPDX-License-Identifier: AGPL-3.0-or-later
"""Pages for the public and for applicants: look-up by code, filing online, one's own dossiers and papers."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core.accounts.roles import PEOPLE
from xaso.core.places.models import Commune

from . import selectors, services
from .forms import DocumentsForm, IntakeForm, LookupForm, NoteForm, RatingForm
from .models import Channel, Paper, Status
from .views import _docs, _fields_form, _json_ready, step_label
from .workflow import DOSSIER


def people_only(view):
    """Pages of one's own dossiers: citizens and businesses, signed in."""

    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.role not in PEOPLE:
            raise Http404
        return view(request, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# Guessing codes and digits is what a look-up invites: a few tries per minute from one address.
@ratelimit(key="ip", rate="10/m", method="GET", block=False)
@require_safe
def lookup(request):
    """Public look-up: the dossier code and the last 4 digits of the phone or identification number."""
    form = LookupForm(request.GET if "secret" in request.GET else None, initial={"code": request.GET.get("code", "")})
    dossier = None
    if form.is_bound:
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many look-ups from this address. Please wait a minute and try again."))
        elif form.is_valid():
            dossier = selectors.dossier_lookup(code=form.cleaned_data["code"], secret=form.cleaned_data["secret"])
            if dossier is None:
                form.add_error(None, _("No dossier matches this code and these digits."))
    status = 429 if getattr(request, "limited", False) and form.is_bound else 200
    return render(request, "dossiers/lookup.html", {"form": form, "dossier": dossier,
                                                    "steps": _public_steps(dossier) if dossier else []},
                  status=status)


def _public_steps(dossier):
    """The timeline in plain words, without the officials' notes about other people."""
    return [{"at": s.at, "label": step_label(s.transition), "state": Status(s.to_state).label}
            for s in dossier.steps.all()]


@people_only
@require_http_methods(["GET", "POST"])
def apply(request, commune_code, procedure_code):
    """Filing online from one's own account: the procedure's fields and the files it needs."""
    from xaso.modules.procedures.selectors import enabled_procedures

    commune = get_object_or_404(Commune, pk=commune_code)
    procedure = next((p for p in enabled_procedures(commune) if p.code == procedure_code), None)
    if procedure is None or procedure.online_level == "none":
        raise Http404
    papers = selectors.reusable_papers(commune=commune, owner=request.user)
    form = IntakeForm(request.POST or None, request.FILES or None, procedure=procedure, papers=papers,
                      counter=False, initial={"applicant_name": request.user.full_name,
                                              "applicant_email": request.user.email})
    fields = _fields_form(procedure, request)
    if request.method == "POST" and form.is_valid() and fields.is_valid():
        try:
            dossier = services.dossier_receive(
                actor=request.user, commune=commune, procedure=procedure, applicant=form.applicant(),
                channel=Channel.ONLINE, uploads=form.uploads(), reuse=form.reuse(),
                form_data=_json_ready(fields.cleaned_data), idempotency_key=form.cleaned_data["idempotency_key"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your dossier %(code)s has been submitted.") % {"code": dossier.code})
            return redirect("dossiers:my_dossier", dossier.code)
    return render(request, "dossiers/apply.html", {"commune": commune, "procedure": procedure, "form": form,
                                                   "fields": fields})


@people_only
@require_safe
def mine(request):
    return render(request, "dossiers/mine.html", {"dossiers": selectors.dossiers_of_applicant(user=request.user)})


@people_only
@require_http_methods(["GET", "POST"])
def my_dossier(request, dossier_code):
    dossier = selectors.dossier_for_applicant(user=request.user, code=dossier_code)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            _applicant_acts(request, dossier, action)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied:
            messages.error(request, _("You may not do this on this dossier."))
        else:
            return redirect("dossiers:my_dossier", dossier.code)
    return render(request, "dossiers/my_dossier.html", {
        "dossier": dossier, "steps": _public_steps(dossier), "notes": _notes_for_applicant(dossier),
        "results": dossier.papers.filter(kind=Paper.Kind.RESULT),
        "can_withdraw": DOSSIER.may(request.user, dossier, "withdraw"),
        "can_send_documents": DOSSIER.may(request.user, dossier, "documents_received")
        or DOSSIER.may(request.user, dossier, "complete"),
        "can_rate": dossier.status in (Status.RETURNED, Status.CLOSED) and not hasattr(dossier, "rating"),
        "documents_form": DocumentsForm(), "withdraw_form": NoteForm(), "rating_form": RatingForm()})


def _notes_for_applicant(dossier):
    """What the center asked of the applicant or told them (missing papers, reasons)."""
    told = ("request_completion", "request_documents", "refuse", "stop", "extend")
    return [s for s in dossier.steps.all() if s.transition in told]


def _applicant_acts(request, dossier, action):
    if action == "withdraw":
        services.dossier_withdraw(actor=request.user, dossier=dossier, reason=request.POST.get("note", "")[:2000])
        messages.success(request, _("Your dossier has been withdrawn."))
    elif action == "documents":
        form = DocumentsForm(request.POST, request.FILES)
        if not form.is_valid() or not form.cleaned_data.get("documents"):
            raise ValidationError(_("Choose the file of the documents asked for."))
        name = "complete" if dossier.status == Status.INCOMPLETE else "documents_received"
        service = services.dossier_complete if name == "complete" else services.dossier_documents_received
        service(actor=request.user, dossier=dossier, uploads=_docs(form))
        messages.success(request, _("Your documents have been sent."))
    elif action == "rate":
        form = RatingForm(request.POST)
        if not form.is_valid():
            raise ValidationError(_("Choose a score from 1 to 5."))
        services.dossier_rate(actor=request.user, dossier=dossier, channel=Channel.ONLINE, **form.cleaned_data)
        messages.success(request, _("Thank you: the rating has been recorded."))
    else:
        raise Http404


@people_only
@require_safe
def papers(request):
    """The person's e-data store: their digitised papers and the results of their dossiers."""
    return render(request, "dossiers/papers.html", {"papers": selectors.papers_of(user=request.user)})


@people_only
@require_safe
def paper_download(request, paper_id):
    paper = selectors.papers_of(user=request.user).filter(pk=paper_id).first()
    if paper is None:
        raise Http404
    response = FileResponse(paper.file.file.open("rb"), content_type=paper.file.content_type, as_attachment=True,
                            filename=paper.file.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response

