# SPDX-License-Identifier: AGPL-3.0-or-later
"""xaso enable_account: enable again an account that was disabled (e.g. unused for 45 days).

    xaso enable_account --username lan.nt

The account then has XASO_INACTIVE_DAYS days to be used before it is dormant again. A lockout after
failed sign-ins is another matter: it ends by itself (or `xaso axes_reset_username USERNAME`).
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xaso.core.accounts import services
from xaso.core.accounts.models import User


class Command(BaseCommand):
    help = "Enable a disabled account again."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(_("There is no account %(username)s.") % {"username": options["username"]})
        if user.is_active:
            self.stdout.write(_("%(username)s is already enabled.") % {"username": user.username})
            return
        services.user_enable(actor=None, user=user)
        self.stdout.write(_("Enabled %(username)s again.") % {"username": user.username})
