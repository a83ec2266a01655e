# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public form: whoever holds a survey link answers it, from a phone, a counter tablet or a computer.

No sign-in unless the survey takes one response per person; no JavaScript needed. A once-per-device survey
gives the browser a signed, long-lived cookie holding a random device id (only its digest is stored). At a
counter (the link's channel, or ``?counter=1``) the thank-you page returns to a fresh form by itself, so the
tablet is ready for the next person.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.decorators import ratelimit

from xaso.core import tenancy
from xaso.core.ui.forms import service_errors

from . import services
from .forms import ResponseForm
from .models import Channel, OncePer

DEVICE_COOKIE = "xaso_survey_device"
DEVICE_SALT = "xaso.surveys.device"
DEVICE_MAX_AGE = 5 * 365 * 24 * 3600  # long-lived: the rule is one response per device for the survey's life
SUBMIT_RATE = "30/m"  # per address: tokens are long and random, but guessing them costs a request each
RETURN_AFTER = 5  # seconds the counter's thank-you page shows before a fresh form
UNKNOWN = "link"  # the refusal of an unknown token: the page answers 404, revealing nothing
# Refusals about the link or the person, not the answers: the form gives way to the message.
REFUSALS_OF_THE_LINK = frozenset({UNKNOWN, "link_used", "answered", "not_open", "submission", "sign_in"})


def _device_id(request) -> str | None:
    return request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=DEVICE_SALT) or None


def _with_device(request, response, link):
    """Give a once-per-device survey's browser its random id, once."""
    if link is not None and link.survey.once_per == OncePer.DEVICE and not _device_id(request):
        response.set_signed_cookie(DEVICE_COOKIE, secrets.token_urlsafe(24), salt=DEVICE_SALT,
                                   max_age=DEVICE_MAX_AGE, httponly=True, samesite="Lax", secure=request.is_secure())
    return response


def _counter(request, link) -> bool:
    return link.channel == Channel.COUNTER or request.GET.get("counter") == "1"


def _unavailable(request, link, error: ValidationError):
    """The page saying why this link takes no response; a survey for signed-in people sends a visitor to
    sign in first."""
    if error.code == "sign_in" and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    status = {UNKNOWN: 404, "link_used": 410, "answered": 409}.get(error.code, 403)
    return render(request, "surveys/public/unavailable.html", {
        "survey": link.survey if link is not None and error.code != UNKNOWN else None,
        "message": error.messages[0]}, status=status)


def _questions(link):
    with tenancy.unscoped():  # the token is the permission: the survey's questions are public to its holder
        return list(link.survey.questions.all())


@ratelimit(key="ip", rate=SUBMIT_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def answer(request, link_token):
    link = services.link_by_token(link_token)
    today = timezone.localdate()
    device_id = _device_id(request)
    try:
        services.check_link(link, today=today, user=request.user, device_id=device_id)
    except ValidationError as error:
        return _with_device(request, _unavailable(request, link, error), link)
    form = ResponseForm(request.POST if request.method == "POST" else None, questions=_questions(link))
    counter = _counter(request, link)
    status = 200
    if request.method == "POST":
        form.is_valid()  # errors can only be added to a form that was checked
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many answers from your address; please wait a minute and try again."))
            status = 429
        else:
            try:
                services.response_submit(link_token=link.token, answers=form.answers(), device_id=device_id,
                                         user=request.user, submission=form.cleaned_data.get("submission"),
                                         today=today)
            except ValidationError as error:
                if getattr(error, "code", None) in REFUSALS_OF_THE_LINK:
                    return _unavailable(request, link, error)
                service_errors(form, error)
                status = 400
            else:
                thanks = reverse("surveys:thanks", args=[link.token])
                return redirect(thanks + ("?counter=1" if counter else ""))
    response = render(request, "surveys/public/form.html", {
        "link": link, "survey": link.survey, "form": form, "counter": counter}, status=status)
    return _with_device(request, response, link)


@require_safe
def thanks(request, link_token):
    link = services.link_by_token(link_token)
    if link is None:
        raise Http404
    # A one-time link has nothing to go back to; any other counter link serves the next person.
    again = _counter(request, link) and not link.single_use and link.revoked_at is None
    fresh = reverse("surveys:answer", args=[link.token]) + ("?counter=1" if again else "")
    return render(request, "surveys/public/thanks.html", {
        "survey": link.survey, "again": again, "fresh": fresh, "seconds": RETURN_AFTER})
