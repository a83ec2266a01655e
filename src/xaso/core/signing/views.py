# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune's signing keys (added and withdrawn by its IT officer or a leader; each official sees their
own) and the certification authorities the province trusts."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xaso.core.accounts.models import User
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import Commune

from . import services
from .forms import ORGANISATION, KeyForm, TrustForm
from .models import SigningKey, TrustAnchor
from .services import MANAGE_KEYS, MANAGE_TRUST


def _commune(request, commune_code) -> Commune:
    commune = get_object_or_404(Commune, pk=commune_code)
    if not (can(request.user, MANAGE_KEYS, commune) or request.user.commune_id == commune.pk):
        raise Http404
    return commune


def _owners(commune) -> list[tuple[str, str]]:
    officials = User.objects.filter(commune=commune, is_active=True).order_by("full_name", "username")
    return [(ORGANISATION, _("The commune's People's Committee (the seal)"))] + [
        (str(u.pk), str(u)) for u in officials]


@officials_only
@require_http_methods(["GET", "POST"])
def keys(request, commune_code):
    commune = _commune(request, commune_code)
    manager = can(request.user, MANAGE_KEYS, commune)
    form = KeyForm(request.POST or None, request.FILES or None, owners=_owners(commune)) if manager else None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        if "withdraw" in request.POST:
            key = get_object_or_404(SigningKey, commune=commune, pk=request.POST.get("withdraw") or 0)
            services.signing_key_withdraw(actor=request.user, key=key)
            messages.success(request, _("The key was withdrawn: it signs nothing more."))
            return redirect("signing:keys", commune.code)
        if form.is_valid() and _add(request, commune, form):
            messages.success(request, _("The signing key was added."))
            return redirect("signing:keys", commune.code)
    listed = SigningKey.objects.filter(commune=commune).select_related("owner").order_by("-active", "-created_at")
    if not manager:
        listed = listed.filter(owner=request.user)
    return render(request, "signing/keys.html", {"commune": commune, "keys": listed, "form": form,
                                                 "manager": manager})


def _add(request, commune, form) -> bool:
    c = form.cleaned_data
    owner = None if c["owner"] == ORGANISATION else User.objects.filter(commune=commune, pk=c["owner"]).first()
    kind = "organisation" if owner is None else "personal"
    image = c["image"].read() if c["image"] else None
    try:
        if c["backend"] == "pkcs11":
            services.signing_key_add_pkcs11(actor=request.user, commune=commune, owner=owner, kind=kind,
                                            token_label=c["token_label"], key_label=c["key_label"], pin=c["secret"],
                                            label=c["label"], image=image)
        else:
            services.signing_key_add_pkcs12(actor=request.user, commune=commune, owner=owner, kind=kind,
                                            data=c["file"].read(), passphrase=c["secret"], label=c["label"],
                                            image=image)
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@officials_only
@require_http_methods(["GET", "POST"])
def trust(request):
    if not can(request.user, MANAGE_TRUST):
        raise Http404
    form = TrustForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if "withdraw" in request.POST:
            anchor = get_object_or_404(TrustAnchor, pk=request.POST.get("withdraw") or 0)
            services.trust_anchor_withdraw(actor=request.user, anchor=anchor)
            return redirect("signing:trust")
        if form.is_valid():
            try:
                services.trust_anchor_add(actor=request.user, pem_or_der=form.cleaned_data["certificate"].read(),
                                          name=form.cleaned_data["name"])
            except ValidationError as error:
                form.add_error("certificate", error)
            else:
                messages.success(request, _("The certification authority is now trusted."))
                return redirect("signing:trust")
    return render(request, "signing/trust.html", {"anchors": TrustAnchor.objects.order_by("-active", "name"),
                                                  "form": form})
