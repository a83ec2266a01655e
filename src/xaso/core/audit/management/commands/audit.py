# SPDX-License-Identifier: AGPL-3.0-or-later
from django.core.management.base import BaseCommand, CommandError

from xaso.core.audit.services import verify


class Command(BaseCommand):
    help = "Audit trail tools. `xaso audit verify` checks the hash chain and names the first broken link."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        verdict = verify()
        if verdict.ok:
            self.stdout.write(f"OK: {verdict.checked} events, chain intact.")
            return
        where = f"event {verdict.broken_id}" if verdict.broken_id else "the end of the chain"
        raise CommandError(f"BROKEN at {where}: {verdict.reason} ({verdict.checked} events verified before it).")
