# SPDX-License-Identifier: AGPL-3.0-or-later
"""Password sign-in, for officials and administrators only."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone

from .roles import OFFICIALS


def is_dormant(user) -> bool:
    """Level 3: an account unused for XASO_INACTIVE_DAYS days is disabled (TCVN 14423:2026).

    Unused since the last sign-in, or since it was created or enabled again if that is later.
    """
    last = max(t for t in (user.last_login, user.date_joined, user.reactivated_at) if t is not None)
    return last < timezone.now() - timedelta(days=settings.XASO_INACTIVE_DAYS)


class OfficialBackend(ModelBackend):
    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        # Citizens and businesses have no password sign-in: they come through OpenID Connect.
        return user.role in OFFICIALS or user.is_superuser
