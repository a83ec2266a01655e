# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso notify deliver [--loop]`: send the messages whose time has come (cron, or a service with --loop)."""

import time

from django.core.management.base import BaseCommand

from xaso.core.notify.services import deliver_due


class Command(BaseCommand):
    help = "Send pending notifications (e-mail, SMS) whose time has come; --loop keeps doing so."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["deliver"])
        parser.add_argument("--loop", action="store_true")
        parser.add_argument("--every", type=int, default=30, help="seconds between rounds with --loop")

    def handle(self, *args, loop, every, **options):
        while True:
            self.stdout.write(f"{deliver_due()} message(s) sent.")
            if not loop:
                return
            time.sleep(every)
