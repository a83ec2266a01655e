# SPDX-License-Identifier: AGPL-3.0-or-later
"""A local stand-in for VNeID: an OpenID Connect provider for development, tests and the demo.

Mounted at /fake-idp/ only when settings.XASO_FAKE_IDP (never in production: settings refuse it).
It speaks the authorization-code flow for one client (OIDC_RP_CLIENT_ID / OIDC_RP_CLIENT_SECRET):

* ``.well-known/openid-configuration`` — discovery;
* ``authorize/`` — a form asking a name, a 12-digit personal identification number and whether the
  person signs in as a citizen or for a business; it sends a one-time code back to a redirect URI on
  this same host;
* ``token/`` — exchanges the code (once, with the client's secret) for an RS256 ID token and an
  access token;
* ``userinfo/`` — the claims, for a Bearer access token;
* ``jwks/`` — the public key.

The subject is an HMAC of the account type and the personal identification number under a random
salt, so no token carries the number itself (it is personal data). The RSA key and the salt are made
on first use and kept in settings.VAR_DIR/fake-idp/.
"""

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

CODE_SECONDS = 120
TOKEN_SECONDS = 600
ID_TOKEN_SECONDS = 300
ACCOUNT_TYPES = ("citizen", "business")

# --- Keys, made on first use --------------------------------------------------------------------------

_lock = threading.Lock()
_loaded: dict[Path, bytes] = {}


def _read_or_create(path: Path, make) -> bytes:
    """The file's content, creating it first if absent. Written to a temporary file then linked into
    place, so a second process never reads half a key and two processes never make two keys."""
    with _lock:
        if path in _loaded:
            return _loaded[path]
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(make())
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process was first: use its file
            finally:
                tmp.unlink()
        _loaded[path] = path.read_bytes()
        return _loaded[path]


def _key_dir() -> Path:
    return Path(settings.VAR_DIR) / "fake-idp"


_keys: dict[bytes, rsa.RSAPrivateKey] = {}


def signing_key() -> rsa.RSAPrivateKey:
    pem = _read_or_create(_key_dir() / "signing-key.pem", lambda: rsa.generate_private_key(
        public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    if pem not in _keys:  # loading checks the key, which takes a while: once per process
        _keys[pem] = serialization.load_pem_private_key(pem, password=None)
    return _keys[pem]


def public_jwk() -> dict:
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(signing_key().public_key(), as_dict=True)
    jwk.update(use="sig", alg="RS256", kid=_kid(jwk))
    return jwk


def _kid(jwk: dict) -> str:
    # RFC 7638 thumbprint: the hash of the required members, in order, without spaces.
    canonical = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def subject_for(account_type: str, personal_id: str) -> str:
    salt = _read_or_create(_key_dir() / "subject-salt", lambda: secrets.token_hex(32).encode())
    return hmac.new(salt, f"{account_type}:{personal_id}".encode(), hashlib.sha256).hexdigest()


def issuer(request) -> str:
    return request.build_absolute_uri(reverse("fake_idp:discovery")).removesuffix(
        "/.well-known/openid-configuration")


# --- Forms ----------------------------------------------------------------------------------------------


class AuthorizationRequest(forms.Form):
    """The query of an authorization request, carried through the form as hidden fields."""

    response_type = forms.CharField(widget=forms.HiddenInput)
    client_id = forms.CharField(widget=forms.HiddenInput)
    redirect_uri = forms.CharField(widget=forms.HiddenInput, max_length=2000)
    scope = forms.CharField(widget=forms.HiddenInput)
    state = forms.CharField(widget=forms.HiddenInput, max_length=500)
    nonce = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)
    code_challenge = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)
    code_challenge_method = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data, *, host: str):
        super().__init__(data)
        self.host = host

    def clean_response_type(self):
        if self.cleaned_data["response_type"] != "code":
            raise forms.ValidationError(_("Only the authorization-code flow is supported."))
        return "code"

    def clean_client_id(self):
        if not constant_time_compare(self.cleaned_data["client_id"], settings.OIDC_RP_CLIENT_ID):
            raise forms.ValidationError(_("Unknown client."))
        return self.cleaned_data["client_id"]

    def clean_redirect_uri(self):
        uri = self.cleaned_data["redirect_uri"]
        parts = urlsplit(uri)
        # Codes go back only to this same host: the fake provider serves the site it is part of.
        if parts.scheme not in ("http", "https") or parts.netloc != self.host or parts.fragment:
            raise forms.ValidationError(_("The redirect address is not on this site."))
        return uri

    def clean_scope(self):
        if "openid" not in self.cleaned_data["scope"].split():
            raise forms.ValidationError(_("The scope must include openid."))
        return self.cleaned_data["scope"]

    def clean_code_challenge_method(self):
        method = self.cleaned_data["code_challenge_method"]
        if self.cleaned_data.get("code_challenge") and method != "S256":
            raise forms.ValidationError(_("Only the S256 code challenge is supported."))
        return method


class IdentityForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name", "autofocus": True}))
    personal_id = forms.CharField(
        label=_("Personal identification number"), max_length=20,
        help_text=_("12 digits, as on the chip-based citizen identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    account_type = forms.ChoiceField(
        label=_("Sign in as"), initial="citizen", widget=forms.RadioSelect,
        choices=[("citizen", _("A citizen")), ("business", _("The representative of a business"))],
    )

    def clean_personal_id(self):
        value = re.sub(r"\s", "", self.cleaned_data["personal_id"])
        if not re.fullmatch(r"\d{12}", value):
            raise forms.ValidationError(_("The personal identification number must have exactly 12 digits."),
                                        code="format")
        return value


# --- Views ----------------------------------------------------------------------------------------------


@require_GET
def discovery(request):
    base = issuer(request)
    return JsonResponse({
        "issuer": base,
        "authorization_endpoint": request.build_absolute_uri(reverse("fake_idp:authorize")),
        "token_endpoint": request.build_absolute_uri(reverse("fake_idp:token")),
        "userinfo_endpoint": request.build_absolute_uri(reverse("fake_idp:userinfo")),
        "jwks_uri": request.build_absolute_uri(reverse("fake_idp:jwks")),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
        "claims_supported": ["sub", "name", "xaso_account_type"],
        "code_challenge_methods_supported": ["S256"],
    })


@never_cache
@require_http_methods(["GET", "POST"])
def authorize(request):
    params = AuthorizationRequest(request.GET if request.method == "GET" else request.POST,
                                  host=request.get_host())
    if not params.is_valid():
        # Never redirect a refused request: the redirect address itself may be what is wrong.
        return render(request, "accounts/fake_idp/error.html", {"errors": params.errors}, status=400)
    form = IdentityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request_data = params.cleaned_data
        identity = form.cleaned_data
        code = secrets.token_urlsafe(32)
        cache.set(f"fake-idp:code:{code}", {
            "client_id": request_data["client_id"],
            "redirect_uri": request_data["redirect_uri"],
            "nonce": request_data["nonce"],
            "code_challenge": request_data["code_challenge"],
            "claims": {
                "sub": subject_for(identity["account_type"], identity["personal_id"]),
                "name": identity["full_name"],
                "xaso_account_type": identity["account_type"],
            },
        }, CODE_SECONDS)
        separator = "&" if urlsplit(request_data["redirect_uri"]).query else "?"
        return redirect(request_data["redirect_uri"] + separator + urlencode(
            {"code": code, "state": request_data["state"]}))
    return render(request, "accounts/fake_idp/authorize.html", {"params": params, "form": form})


def _token_error(error: str, status: int = 400) -> JsonResponse:
    response = JsonResponse({"error": error}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="fake-idp"'
    return response


def _client_credentials(request) -> tuple[str, str]:
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        try:
            client_id, _sep, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return "", ""
        return client_id, secret
    return request.POST.get("client_id", ""), request.POST.get("client_secret", "")


def _pkce_matches(challenge: str, verifier: str) -> bool:
    if not challenge:
        return True
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return constant_time_compare(digest, challenge)


@csrf_exempt  # called server to server by the client, authenticated by its secret
@require_POST
def token(request):
    client_id, secret = _client_credentials(request)
    if not (constant_time_compare(client_id, settings.OIDC_RP_CLIENT_ID)
            and settings.OIDC_RP_CLIENT_SECRET
            and constant_time_compare(secret, settings.OIDC_RP_CLIENT_SECRET)):
        return _token_error("invalid_client", 401)
    if request.POST.get("grant_type") != "authorization_code":
        return _token_error("unsupported_grant_type")
    key = f"fake-idp:code:{request.POST.get('code', '')}"
    grant = cache.get(key)
    # One use only: of two requests racing with the same code, only the one that deletes it wins.
    if grant is None or not cache.delete(key):
        return _token_error("invalid_grant")
    if (grant["client_id"] != client_id or grant["redirect_uri"] != request.POST.get("redirect_uri")
            or not _pkce_matches(grant["code_challenge"], request.POST.get("code_verifier", ""))):
        return _token_error("invalid_grant")
    now = int(time.time())
    claims = grant["claims"]
    id_claims = {"iss": issuer(request), "sub": claims["sub"], "aud": client_id, "iat": now, "auth_time": now,
                 "exp": now + ID_TOKEN_SECONDS, **{k: v for k, v in claims.items() if k != "sub"}}
    if grant["nonce"]:
        id_claims["nonce"] = grant["nonce"]
    access_token = secrets.token_urlsafe(32)
    cache.set(f"fake-idp:access:{access_token}", claims, TOKEN_SECONDS)
    response = JsonResponse({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": TOKEN_SECONDS,
        "id_token": jwt.encode(id_claims, signing_key(), algorithm="RS256", headers={"kid": public_jwk()["kid"]}),
    })
    response["Cache-Control"] = "no-store"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def userinfo(request):
    header = request.headers.get("Authorization", "")
    claims = cache.get(f"fake-idp:access:{header[7:]}") if header.startswith("Bearer ") else None
    if claims is None:
        response = JsonResponse({"error": "invalid_token"}, status=401)
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    return JsonResponse(claims)


@require_GET
def jwks(request):
    return JsonResponse({"keys": [public_jwk()]})


app_name = "fake_idp"
urlpatterns = [
    path(".well-known/openid-configuration", discovery, name="discovery"),
    path("authorize/", authorize, name="authorize"),
    path("token/", token, name="token"),
    path("userinfo/", userinfo, name="userinfo"),
    path("jwks/", jwks, name="jwks"),
]
