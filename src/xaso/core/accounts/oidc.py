# SPDX-License-Identifier: AGPL-3.0-or-later
"""Citizens and businesses sign in through OpenID Connect (VNeID in production).

Their account is keyed by the provider's `sub`, never by a password; an official's account can never
be reached this way (officials use password + TOTP).
"""

import hashlib

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .roles import PEOPLE, Role


def username_for_claims(sub: str) -> str:
    # Stable and opaque: the subject may be a personal identification number (personal data).
    return "oidc-" + hashlib.sha256(sub.encode()).hexdigest()[:24]


class CitizenOIDCBackend(OIDCAuthenticationBackend):
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
            username=username_for_claims(claims["sub"]),
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
