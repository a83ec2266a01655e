# SPDX-License-Identifier: AGPL-3.0-or-later
"""Citizens and businesses sign in through OpenID Connect (VNeID in production).

Their account is keyed by the provider's `sub`, never by a password; an official's account can never
be reached this way (officials use password + TOTP). Beyond what mozilla-django-oidc checks (signature,
expiry, nonce), the ID token must be meant for us (`aud`) and come from the configured issuer (`iss`),
and the user-info answer must be about the same subject. Any failure of the provider — an error
status, a bad token — is a refused sign-in with a message, never a server error.
"""

import hashlib
import logging

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.shortcuts import resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from xaso.core.audit.services import record

from .roles import PEOPLE, Role

logger = logging.getLogger(__name__)


def username_for_claims(email, claims=None) -> str:
    """OIDC_USERNAME_ALGO. Stable and opaque: the subject may derive from a personal identification
    number (personal data, Law 91/2025), so the username shows nothing of it."""
    sub = (claims or {}).get("sub", "")
    return "oidc-" + hashlib.sha256(sub.encode()).hexdigest()[:24]


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        try:
            user = super().authenticate(request, **kwargs)
        except (requests.RequestException, SuspiciousOperation, jwt.PyJWTError, ValueError, KeyError) as exc:
            logger.warning("OpenID Connect sign-in refused: %s", exc)
            return None
        if user is None or not user.is_active or user.role not in PEOPLE:
            return None
        return user

    def verify_token(self, token, **kwargs):
        payload = super().verify_token(token, **kwargs)
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        issuer = settings.XASO_OIDC_ISSUER
        if issuer and payload.get("iss") != issuer:
            raise SuspiciousOperation("The ID token comes from an unexpected issuer.")
        return payload

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about another subject than the ID token.")
        return claims

    def filter_users_by_claims(self, claims):
        sub = claims.get("sub")
        if not sub:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(oidc_subject=sub, role__in=PEOPLE)

    def verify_claims(self, claims):
        return bool(claims.get("sub"))

    def create_user(self, claims):
        role = Role.BUSINESS if claims.get("xaso_account_type") == "business" else Role.CITIZEN
        return self.UserModel.objects.create_user(
            username=self.get_username(claims),
            oidc_subject=claims["sub"],
            full_name=claims.get("name", "")[:150],
            email=claims.get("email", ""),
            role=role,
        )

    def update_user(self, user, claims):
        name = claims.get("name", "")[:150]
        if name and name != user.full_name:
            user.full_name = name
            user.save(update_fields=["full_name"])
        return user


class CitizenCallbackView(OIDCAuthenticationCallbackView):
    """OIDC_CALLBACK_CLASS: the provider sends the person back here."""

    @property
    def failure_url(self):
        return resolve_url(self.get_settings("LOGIN_REDIRECT_URL_FAILURE", "/"))

    def login_failure(self):
        messages.error(self.request, _("Sign-in with VNeID did not succeed. Please try again."))
        return super().login_failure()

    def login_success(self):
        response = super().login_success()
        record(actor=self.user, action="xaso.accounts.user.signed_in", obj=self.user, after={"method": "oidc"})
        return response
