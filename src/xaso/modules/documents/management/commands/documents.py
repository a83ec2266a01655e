# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso documents receive`: register what the document-exchange axis holds for the communes (run it from
cron, every few minutes); sending needs no command, the integrations outbox does it."""

from django.core.management.base import BaseCommand

from xaso.modules.documents import exchange


class Command(BaseCommand):
    help = "Official documents: `receive` fetches and registers packages waiting on the exchange axis."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["receive"])

    def handle(self, *args, **options):
        count = exchange.receive_all()
        self.stdout.write(f"{count} package(s) taken from the document exchange axis.")
