# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso reports escalate`: tell the chairperson and the handler about open field reports past their date.

Run it daily (cron, a systemd timer). Each report is escalated once, so running it twice is harmless.
"""

from django.core.management.base import BaseCommand

from xaso.core import tenancy
from xaso.modules.reports.services import reports_escalate_overdue


class Command(BaseCommand):
    help = "Field-report housekeeping: escalate overdue reports to the chairperson and the handler."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args, action, **options):
        with tenancy.unscoped():
            count = reports_escalate_overdue()
        self.stdout.write(f"{count} overdue field report(s) escalated.")
