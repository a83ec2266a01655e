# SPDX-License-Identifier: AGPL-3.0-or-later
"""xaso disable_dormant_accounts: level 3 disables officials' accounts unused for XASO_INACTIVE_DAYS days.

Run it daily (cron or a scheduled task); sign-in also refuses and disables a dormant account, so the
sweep only makes sure an account nobody tries is disabled on time too. Running it twice disables
nothing the second time.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.accounts import services
from xaso.core.accounts.backends import is_dormant
from xaso.core.accounts.models import User
from xaso.core.accounts.roles import OFFICIALS


class Command(BaseCommand):
    help = "Disable officials' accounts unused for XASO_INACTIVE_DAYS days."

    def handle(self, *args, **options):
        cutoff = timezone.now() - timedelta(days=settings.XASO_INACTIVE_DAYS)
        candidates = User.objects.filter(
            Q(role__in=OFFICIALS) | Q(is_superuser=True), is_active=True, date_joined__lt=cutoff).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True)).filter(
            Q(reactivated_at__lt=cutoff) | Q(reactivated_at__isnull=True))
        disabled = 0
        for user in candidates.iterator():
            if is_dormant(user):  # the one definition of dormant; the query only narrows the search
                services.user_disable(actor=None, user=user, reason="dormant")
                disabled += 1
        self.stdout.write(_("Disabled %(count)s dormant accounts.") % {"count": disabled})
