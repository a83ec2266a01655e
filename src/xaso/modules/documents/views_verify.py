# SPDX-License-Identifier: AGPL-3.0-or-later
"""Anyone may check a signed PDF: who signed it, when, whether it changed since, whether the certificate
is trusted. Nothing is stored; the upload is read in memory and forgotten."""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from xaso.core.signing.verify import verify_pdf

from .forms import VerifyForm


@ratelimit(key="ip", rate="20/m", method="POST", block=False)
@require_http_methods(["GET", "POST"])
def verify(request):
    form = VerifyForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            form.add_error(None, _("Too many checks from your address; wait a minute and try again."))
            status = 429
        elif form.is_valid():
            try:
                report = verify_pdf(form.cleaned_data["file"].read())
            except ValidationError as error:
                form.add_error("file", error)
    if form.errors and status == 200:
        status = 400
    return render(request, "documents/verify.html", {"form": form, "report": report}, status=status)
