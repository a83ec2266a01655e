# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public's pages: filing a petition, the published answers (searchable), one published answer, and the
petitioner's own pages (by account, or by the follow-up token given at filing).

Nothing personal leaves through the public ones: a published answer shows its topic, subject, dates and the
commune's answer, never who asked nor their own words.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core.places.views import signed_in
from xaso.core.ui.forms import service_errors

from . import selectors, services
from .forms import ConsentForm, LookupForm, PetitionForm
from .models import Channel, Topic


@ratelimit(key="ip", rate="5/h", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def new(request, commune_code):
    commune = selectors.commune(commune_code)
    posted = request.method == "POST"
    form = PetitionForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and getattr(request, "limited", False):
        form.is_valid()  # errors can only be added to a form that was checked
        form.add_error(None, _("Too many petitions from your address; please try again later."))
    elif posted and form.is_valid():
        c = form.cleaned_data
        try:
            petition = services.petition_file(
                actor=request.user, commune=commune, channel=Channel.ONLINE, kind=c["kind"], topic=c["topic"],
                subject=c["subject"], body=c["body"], consent_to_publish=c["consent_to_publish"],
                petitioner=services.Petitioner(name=c["name"], phone=c["phone"], email=c["email"],
                                               address=c["address"]),
                attachments=c["attachments"], idempotency_key=c["idempotency_key"])
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your petition %(code)s was received. Keep this page's address "
                                        "to follow it.") % {"code": petition.code})
            return redirect("petitions:follow", petition.token)
    return render(request, "petitions/new.html", {"commune": commune, "form": form},
                  status=400 if form.errors else 200)


@require_safe
def published(request, commune_code):
    commune = selectors.commune(commune_code)
    query = request.GET.get("q", "")[:200]
    rows = selectors.published(commune=commune, query=query)
    return render(request, "petitions/published.html", {"commune": commune, "petitions": rows[:100],
                                                        "query": query, "topics": dict(Topic.choices)})


@require_safe
def published_one(request, petition_code):
    return render(request, "petitions/published_one.html", {"petition": selectors.published_one(petition_code),
                                                            "topics": dict(Topic.choices)})


@ratelimit(key="ip", rate="30/m", method="GET", block=False)
@require_safe
def lookup(request):
    form = LookupForm(request.GET or None)
    if getattr(request, "limited", False):
        form.is_valid()
        form.add_error(None, _("Too many look-ups from your address; please try again later."))
    elif form.is_bound and form.is_valid():
        return redirect("petitions:follow", form.cleaned_data["token"].strip())
    return render(request, "petitions/lookup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def follow(request, petition_token):
    """The petitioner's page: where it stands, its dates, the answer, and their consent to publication."""
    petition = selectors.by_token(petition_token)
    form = ConsentForm(request.POST or None) if petition.consent_changeable else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.petition_set_consent(actor=request.user, petition=petition,
                                              consent=form.cleaned_data["consent"] == "yes")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Your choice was saved."))
            return redirect("petitions:follow", petition.token)
    return render(request, "petitions/follow.html", {
        "petition": petition, "consent_form": form, "topics": dict(Topic.choices),
        "attachments": selectors.attachments_for_holder(petition),
        "steps": petition.steps.exclude(transition__in=("file", "consent"))},
        status=400 if form is not None and form.errors else 200)


@require_safe
def follow_file(request, petition_token, attachment_id):
    """A file of the petition (the petitioner's own or the answer's), for whoever holds its token."""
    petition = selectors.by_token(petition_token)
    attachment = next((a for a in selectors.attachments_for_holder(petition) if a.pk == attachment_id), None)
    if attachment is None:
        raise Http404
    stored = attachment.file
    response = FileResponse(stored.file.open("rb"), as_attachment=True, filename=stored.original_name,
                            content_type=stored.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
@signed_in
def mine(request):
    return render(request, "petitions/mine.html", {"petitions": selectors.mine(user=request.user)})
