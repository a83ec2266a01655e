# SPDX-License-Identifier: AGPL-3.0-or-later
from django.core.management.base import BaseCommand
from django.db import transaction

from xaso.core import tenancy
from xaso.core.places import loader
from xaso.core.places.models import Commune, Province


class Command(BaseCommand):
    help = ("Places tools. `xaso places sync` loads provinces and communes from the installed vietnam-provinces "
            "package: it adds new units and renames changed ones, never deletes one and never touches an area "
            "type a province official has set. Running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync"])

    def handle(self, *args, **options):
        with tenancy.unscoped(), transaction.atomic():
            counts = loader.sync(Province, Commune)
        self.stdout.write(
            f"Provinces: {counts['provinces_created']} created, {counts['provinces_updated']} updated. "
            f"Communes: {counts['communes_created']} created, {counts['communes_updated']} updated. "
            f"Now {Province.objects.count()} provinces and {Commune.objects.count()} communes."
        )
