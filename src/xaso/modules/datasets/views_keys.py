# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's API keys (DL6 "data sharing"): the list, making a key (its secret shown once), revoking
one, and each key's log of use. For province officials (``datasets.apikey.manage``)."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from xaso.core import exports
from xaso.core.catalogue.views import officials_only
from xaso.core.places.models import Commune
from xaso.core.ui.forms import service_errors

from . import apikeys
from .models import Dataset

PAGE_SIZE = 50
KEY_COLUMNS = [("name", gettext_lazy("Name")), ("prefix", gettext_lazy("Prefix")),
               ("datasets", gettext_lazy("Datasets")), ("communes", gettext_lazy("Communes")),
               ("created_at", gettext_lazy("Created")), ("created_by", gettext_lazy("Created by")),
               ("expires_at", gettext_lazy("Expires")), ("last_used_at", gettext_lazy("Last used")),
               ("revoked_at", gettext_lazy("Revoked"))]
USE_COLUMNS = [("at", gettext_lazy("Time")), ("method", gettext_lazy("Method")), ("path", gettext_lazy("Path")),
               ("ip", gettext_lazy("IP address")), ("status", gettext_lazy("Status")),
               ("rows", gettext_lazy("Rows returned"))]


class KeyForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Who will use it"), max_length=200,
                           help_text=gettext_lazy("The system or agency, e.g. “Department of Agriculture – "
                                                  "dashboard”."))
    datasets = forms.ModelMultipleChoiceField(label=gettext_lazy("Datasets it may read"),
                                              queryset=Dataset.objects.none(), widget=forms.CheckboxSelectMultiple)
    all_communes = forms.BooleanField(label=gettext_lazy("Every commune of the province"), required=False)
    communes = forms.ModelMultipleChoiceField(label=gettext_lazy("Communes it may read"), required=False,
                                              queryset=Commune.objects.none(),
                                              widget=forms.SelectMultiple(attrs={"size": 10}),
                                              help_text=gettext_lazy("Not needed when it may read every commune."))
    expires_on = forms.DateField(label=gettext_lazy("Valid until (included)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text=gettext_lazy("Leave empty for a key that does not expire."))

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["datasets"].queryset = Dataset.objects.filter(province=province).order_by("code")
        self.fields["communes"].queryset = Commune.objects.filter(province=province).order_by("name")

    def expires_at(self):
        """The end of the day chosen (the key works through it), in the site's time zone."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min))


def _scope_label(key) -> tuple[str, str]:
    datasets = ", ".join(d.code for d in key.datasets.all())
    communes = _("every commune") if key.all_communes else ", ".join(c.name for c in key.communes.all())
    return datasets, communes


def _key_row(key) -> dict:
    datasets, communes = _scope_label(key)
    return {"name": key.name, "prefix": key.prefix, "datasets": datasets, "communes": communes,
            "created_at": key.created_at, "created_by": str(key.created_by or ""), "expires_at": key.expires_at,
            "last_used_at": key.last_used_at, "revoked_at": key.revoked_at, "key": key,
            "is_live": apikeys.is_live(key)}


@officials_only
@require_safe
def keys(request, province_code):
    province = apikeys.province_for_keys(user=request.user, province_code=province_code)
    rows = [_key_row(k) for k in apikeys.keys_of(province)]
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-api-keys-{province.code}", columns=KEY_COLUMNS, rows=rows)
    return render(request, "datasets/keys/list.html", {"province": province, "rows": rows})


@officials_only
@never_cache  # the answer to a successful POST holds the secret: no cache may keep it
@require_http_methods(["GET", "POST"])
def key_new(request, province_code):
    province = apikeys.province_for_keys(user=request.user, province_code=province_code)
    form = KeyForm(request.POST if request.method == "POST" else None, province=province)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            key, presented = apikeys.apikey_create(actor=request.user, province=province, name=c["name"],
                                                   datasets=c["datasets"], communes=c["communes"],
                                                   all_communes=c["all_communes"], expires_at=form.expires_at())
        except ValidationError as error:
            if hasattr(error, "error_dict") and "expires_at" in error.error_dict:
                error.error_dict["expires_on"] = error.error_dict.pop("expires_at")
            service_errors(form, error)
        else:
            return render(request, "datasets/keys/created.html",
                          {"province": province, "key": key, "presented": presented, "row": _key_row(key)})
    return render(request, "datasets/keys/new.html", {"province": province, "form": form},
                  status=400 if form.errors else 200)


@officials_only
@require_POST
def key_revoke(request, province_code, key_id):
    province = apikeys.province_for_keys(user=request.user, province_code=province_code)
    key = apikeys.key_of(province, key_id)
    was_live = key.revoked_at is None
    apikeys.apikey_revoke(actor=request.user, key=key)
    if was_live:
        messages.success(request, _("The key %(prefix)s is revoked: its next request will be refused.")
                         % {"prefix": key.prefix})
    return redirect("datasets:keys", province.code)


@officials_only
@require_safe
def key_uses(request, province_code, key_id):
    province = apikeys.province_for_keys(user=request.user, province_code=province_code)
    key = apikeys.key_of(province, key_id)
    uses = apikeys.uses_of(key)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-api-key-{key.prefix}-uses", columns=USE_COLUMNS,
                               rows=uses.values(*(k for k, _label in USE_COLUMNS)))
    page = Paginator(uses, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "datasets/keys/uses.html", {"province": province, "key": key, "page": page,
                                                       "row": _key_row(key)})
