# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso integrations deliver [--loop]` sends what is due; `xaso integrations status` counts what waits."""

import time

from django.core.management.base import BaseCommand
from django.db.models import Count

from xaso.core.integrations.models import Delivery
from xaso.core.integrations.services import deliver_due


class Command(BaseCommand):
    help = "Deliveries to other systems: send those due (deliver, --loop to keep going) or count them (status)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["deliver", "status"])
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=int, default=30)

    def handle(self, *args, action, loop, every, **options):
        if action == "status":
            for row in Delivery.objects.values("system", "status").annotate(n=Count("id")).order_by("system"):
                self.stdout.write(f"{row['system']}\t{row['status']}\t{row['n']}")
            return
        while True:
            self.stdout.write(f"{deliver_due()} delivery(ies) sent.")
            if not loop:
                return
            time.sleep(every)
