# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso notify deliver [--loop]` sends the messages whose time has come (a cron job or systemd timer, or a
service with --loop); `xaso notify status` counts the messages by channel and status."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.db.models import Count

from xaso.core.notify.models import Message
from xaso.core.notify.services import deliver_due


class Command(BaseCommand):
    help = "Notifications: send pending e-mail and SMS whose time has come (deliver, --loop to keep going), " \
           "or count messages by channel and status (status)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["deliver", "status"])
        parser.add_argument("--loop", action="store_true", help="keep delivering, one round every --every seconds")
        parser.add_argument("--every", type=int, default=30, help="seconds between rounds with --loop")

    def handle(self, *args, action, loop, every, **options):
        if action == "status":
            rows = Message.objects.values("channel", "status").annotate(n=Count("id")).order_by("channel", "status")
            for row in rows:
                self.stdout.write(f"{row['channel']}\t{row['status']}\t{row['n']}")
            return
        while True:
            self.stdout.write(f"{deliver_due()} message(s) sent.")
            if not loop:
                return
            # A process that runs for days must not keep a connection the database has dropped.
            close_old_connections()
            time.sleep(every)
