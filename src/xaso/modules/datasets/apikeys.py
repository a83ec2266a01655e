# SPDX-License-Identifier: AGPL-3.0-or-later
"""API keys for the data-sharing API (DL6 "data sharing", DL12 "shared"): another system reads the approved
figures of some datasets and some communes of one province, with a key the province made for it.

* A key is presented as ``Authorization: Api-Key <prefix>.<secret>``. The prefix names the key (it is shown
  in lists and logs); only the SHA-256 digest of the secret is kept, so a copy of the database gives no
  key away, and the secret is shown once, when the key is made.
* The holder of a key is an ``ApiClient``, not a user: it has no role and no commune, so the ordinary
  scoping gives it nothing. The API's views open the scope deliberately and ``approved_returns`` filters by
  the key's province, communes and datasets: that one function is the key's scope.
* Every request made with a key is appended to ``ApiKeyUse``, whether it was answered or refused.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import re
import secrets
import string

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import BasePermission

from xaso.core import tenancy
from xaso.core.accounts.permissions import can
from xaso.core.audit.services import client_ip, record
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Commune, Province

from .models import ApiKey, ApiKeyUse, Dataset, Return, Status, Value

MANAGE = "datasets.apikey.manage"
KEYWORD = "Api-Key"
PREFIX_LENGTH = 8
_PREFIX_ALPHABET = string.ascii_lowercase + string.digits
# What a presented key can look like: anything else is refused before the database is asked.
_PRESENTED = re.compile(r"^([a-z0-9]{8})\.([A-Za-z0-9_-]{20,100})$")
# Requests per key; django-ratelimit's syntax. A module constant so that a deployment (or a test) may change it.
RATE = "120/m"
# The attribute of the API request that carries the key a request named, once its prefix matched a key
# (even when the key was refused): the use is logged against it.
SEEN = "xaso_api_key"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


# --- Making and revoking keys -------------------------------------------------------------------------


def may_manage(user, province: Province) -> bool:
    """The verb, in this province: a province official of it, or an administrator."""
    if not can(user, MANAGE):
        return False
    scope = tenancy.scope_for(user)
    return scope.kind == "system" or scope.province_id == province.pk


def _require(user, province: Province) -> None:
    if not may_manage(user, province):
        raise PermissionDenied(MANAGE)


def _new_prefix() -> str:
    for _attempt in range(10):
        prefix = "".join(secrets.choice(_PREFIX_ALPHABET) for _i in range(PREFIX_LENGTH))
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix
    raise RuntimeError("could not find a free API key prefix")  # 36⁸ prefixes: never in practice


def _checked_scope(province, name, datasets, communes, all_communes, expires_at) -> tuple[str, list, list]:
    name = (name or "").strip()
    datasets, communes = list(datasets), [] if all_communes else list(communes)
    errors = {}
    if not name:
        errors["name"] = _("Say who will use this key.")
    elif len(name) > ApiKey._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long.")
    if not datasets:
        errors["datasets"] = _("Choose at least one dataset.")
    elif any(d.province_id != province.pk for d in datasets):
        errors["datasets"] = _("A key may only read datasets of its own province.")
    if not all_communes and not communes:
        errors["communes"] = _("Choose at least one commune, or every commune of the province.")
    elif any(c.province_id != province.pk for c in communes):
        errors["communes"] = _("A key may only read communes of its own province.")
    if expires_at is not None and expires_at <= timezone.now():
        errors["expires_at"] = _("The expiry must be in the future.")
    if errors:
        raise ValidationError(errors)
    return name, datasets, communes


def apikey_create(*, actor, province: Province, name: str, datasets, communes, all_communes: bool = False,
                  expires_at: datetime.datetime | None = None) -> tuple[ApiKey, str]:
    """A new key and the key as its holder presents it (``<prefix>.<secret>``): show it once, it is not kept."""
    _require(actor, province)
    name, datasets, communes = _checked_scope(province, name, datasets, communes, all_communes, expires_at)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        key = ApiKey.objects.create(province=province, name=name, prefix=_new_prefix(), digest=digest(secret),
                                    all_communes=all_communes, created_by=actor, expires_at=expires_at)
        key.datasets.set(datasets)
        key.communes.set(communes)
        record(actor=actor, action="xaso.datasets.apikey.created", obj=key, after={
            "name": name, "prefix": key.prefix, "datasets": sorted(d.code for d in datasets),
            "communes": sorted(c.pk for c in communes), "all_communes": all_communes,
            "expires_at": expires_at.isoformat() if expires_at else None})
    return key, f"{key.prefix}.{secret}"


def apikey_revoke(*, actor, key: ApiKey) -> ApiKey:
    """Revoke a key: its next request is refused. Revoking a revoked key changes (and records) nothing."""
    _require(actor, key.province)
    with transaction.atomic():
        locked = ApiKey.objects.select_for_update().get(pk=key.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
            record(actor=actor, action="xaso.datasets.apikey.revoked", obj=locked,
                   after={"prefix": locked.prefix, "revoked_at": locked.revoked_at.isoformat()})
    return locked


# --- Reads for the officials who manage keys ---------------------------------------------------------


def province_for_keys(*, user, province_code: str) -> Province:
    """The province whose keys the user manages: 404 for an unknown code and for anyone outside the province
    (they must not learn what it keeps); 403 for a colleague of the province without the verb."""
    province = Province.objects.filter(code=str(province_code).strip()[:2]).first()
    if province is None or not covers(user, province):
        raise Http404
    _require(user, province)
    return province


def keys_of(province: Province) -> QuerySet[ApiKey]:
    return (ApiKey.objects.filter(province=province).select_related("created_by")
            .prefetch_related("datasets", "communes").order_by("-created_at", "-pk"))


def key_of(province: Province, key_id: int) -> ApiKey:
    return get_object_or_404(ApiKey, province=province, pk=key_id)


def uses_of(key: ApiKey) -> QuerySet[ApiKeyUse]:
    return ApiKeyUse.objects.filter(key=key).order_by("-at", "-pk")


# --- What a key reads ---------------------------------------------------------------------------------


def is_live(key: ApiKey, now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return key.revoked_at is None and (key.expires_at is None or key.expires_at > now)


def key_datasets(key: ApiKey) -> QuerySet[Dataset]:
    """The published datasets of the key's province that the key names."""
    return Dataset.objects.filter(province_id=key.province_id, published_at__isnull=False,
                                  pk__in=key.datasets.values("pk")).order_by("code")


def key_communes(key: ApiKey) -> QuerySet[Commune]:
    communes = Commune.objects.filter(province_id=key.province_id)
    if not key.all_communes:
        communes = communes.filter(pk__in=key.communes.values("pk"))
    return communes.order_by("code")


def approved_returns(key: ApiKey) -> QuerySet[Return]:
    """Every return a key may read: the sharing API's scope, in this one function.

    The key's holder is not a user, so the ordinary scoping (``tenancy``) has nothing to go by: the API
    views open ``tenancy.unscoped()`` deliberately, and this function puts the limits back, explicitly:
    approved returns only (a draft, a submitted or a returned one is the commune's work in progress), of the
    datasets the key names, of the key's province, of the communes the key names (or all of the province's
    when ``all_communes``) — and nothing at all once the key is revoked or expired. Every read of the API
    starts here; keep it that way.
    """
    if not is_live(key):
        return Return.objects.none()
    return Return.objects.filter(status=Status.APPROVED, dataset__in=key_datasets(key),
                                 dataset__province_id=key.province_id, commune__in=key_communes(key),
                                 commune__province_id=key.province_id)


def approved_values(key: ApiKey, *, dataset: Dataset, commune: Commune | None = None, period: str | None = None,
                    element: str | None = None) -> QuerySet[Value]:
    returns = approved_returns(key).filter(dataset=dataset)
    if commune is not None:
        returns = returns.filter(commune=commune)
    if period:
        returns = returns.filter(period=period)
    values = Value.objects.filter(ret__in=returns)
    if element:
        values = values.filter(element__code=element)
    return (values.select_related("element", "village", "ret__commune")
            .order_by("ret__period_start", "ret__commune_id", "element__code", "slot", "pk"))


def dataset_for_key(key: ApiKey, code: str) -> Dataset:
    """A dataset the key reads; any other (another province's, one the key does not name, none at all) is
    404 alike, so that a key does not learn what else exists."""
    found = key_datasets(key).filter(code=code).first() if is_live(key) else None
    if found is None:
        raise Http404
    return found


def commune_for_key(key: ApiKey, code: str) -> Commune:
    found = key_communes(key).filter(pk=code).first() if re.fullmatch(r"\d{5}", code or "") else None
    if found is None:
        raise Http404
    return found


# --- Authentication, permission, logging -------------------------------------------------------------


class ApiClient:
    """Who calls with an API key: another system, not a person. Authenticated, with no role, no commune and
    the anonymous scope, so that nothing but the API's own selectors (``approved_returns``) gives it data."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = False
    is_superuser = False
    needs_second_factor = False
    role = None
    pk = id = None

    def __init__(self, key: ApiKey):
        self.key = key

    def scope(self):
        return tenancy.ANONYMOUS

    def __str__(self) -> str:
        return f"api-key:{self.key.prefix}"


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <prefix>.<secret>``: an unknown, revoked or expired key is refused (401).
    Another scheme (a session, ``Token …``) is not this class's business: it answers None."""

    def authenticate(self, request):
        words = get_authorization_header(request).split()
        if not words or words[0].lower() != KEYWORD.lower().encode():
            return None
        shape = _PRESENTED.match(words[1].decode("latin-1")) if len(words) == 2 else None
        key = ApiKey.objects.filter(prefix=shape.group(1)).select_related("province").first() if shape else None
        if key is None:
            raise AuthenticationFailed(_("This API key is not valid."))
        setattr(request, SEEN, key)  # a refused request with a real prefix is logged against its key
        if not hmac.compare_digest(key.digest, digest(shape.group(2))):
            raise AuthenticationFailed(_("This API key is not valid."))
        if key.revoked_at is not None:
            raise AuthenticationFailed(_("This API key has been revoked. Ask the province for a new one."))
        if key.expires_at is not None and key.expires_at <= timezone.now():
            raise AuthenticationFailed(_("This API key has expired. Ask the province for a new one."))
        return ApiClient(key), key

    def authenticate_header(self, request):
        return KEYWORD  # so that a request without a key is answered 401, not 403


class HasApiKey(BasePermission):
    message = gettext_lazy("An API key is required: send the header “Authorization: Api-Key <your key>”.")

    def has_permission(self, request, view):
        return isinstance(request.user, ApiClient)


def use_log(*, key: ApiKey, request, status: int, rows: int = 0) -> None:
    """Append one use of a key (answered or refused) and note when it was last used."""
    now = timezone.now()
    ApiKeyUse.objects.create(key=key, at=now, method=request.method[:8], path=request.get_full_path()[:500],
                             ip=client_ip(request), status=status, rows=rows)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """Describes the key in the OpenAPI schema, so that /api/docs/ offers it and clients generate it."""

    target_class = "xaso.modules.datasets.apikeys.ApiKeyAuthentication"
    name = "ApiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "Api-Key <prefix>.<secret>, as the province gave it (see docs/data-sharing-api.md)."}
