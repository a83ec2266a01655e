# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso dossiers escalate`: tell each commune's chairperson about running dossiers past their date.

Run it daily (cron, a systemd timer). Each dossier is escalated once, so running it twice is harmless.
"""

from django.core.management.base import BaseCommand

from xaso.core import tenancy
from xaso.modules.dossiers.services import dossiers_escalate_overdue


class Command(BaseCommand):
    help = "Dossier housekeeping: escalate overdue dossiers to the chairperson."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args, action, **options):
        with tenancy.unscoped():
            count = dossiers_escalate_overdue()
        self.stdout.write(f"{count} overdue dossier(s) escalated.")
