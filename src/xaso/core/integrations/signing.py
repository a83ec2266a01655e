# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing what xaso sends to another system: HMAC-SHA256 of the exact body with a secret per system."""

import hashlib
import hmac
import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

HEADER = "X-Xaso-Signature"
DEVELOPMENT_SECRET = "xaso-development-only"  # noqa: S105 (refused in production below)


def secret_for(system: str) -> str:
    name = f"XASO_{system.upper()}_SECRET"
    value = os.environ.get(name, "")
    if not value:
        if settings.PRODUCTION:
            raise ImproperlyConfigured(f"{name} is not set: xaso signs everything it sends to {system}.")
        value = DEVELOPMENT_SECRET
    return value


def sign(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, secret: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature or "")
