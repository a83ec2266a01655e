# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso petitions escalate`: tell the chairperson and the assignee about petitions past their date.

Run it daily (cron, a systemd timer). Each petition is escalated once, so running it twice is harmless.
"""

from django.core.management.base import BaseCommand

from xaso.core import tenancy
from xaso.modules.petitions.services import petitions_escalate_overdue


class Command(BaseCommand):
    help = "Petition housekeeping: escalate overdue petitions to the chairperson and the assignee."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["escalate"])

    def handle(self, *args, action, **options):
        with tenancy.unscoped():
            count = petitions_escalate_overdue()
        self.stdout.write(f"{count} overdue petition(s) escalated.")
