# SPDX-License-Identifier: AGPL-3.0-or-later
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from xaso.core import tenancy
from xaso.core.places import loader, services
from xaso.core.places.models import Commune, Province


class Command(BaseCommand):
    help = ("Places tools. `xaso places sync` loads provinces and communes from the installed vietnam-provinces "
            "package: it adds new units and renames changed ones, never deletes one and never touches an area "
            "type a province official has set. Running it again changes nothing. `xaso places boundaries "
            "FILE.geojson` sets the boundaries of the communes in a GeoJSON FeatureCollection (WGS 84), each "
            "feature naming its commune's code in a property (code, commune_code or ma_xa; or --code-property): "
            "all or nothing; running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["sync", "boundaries"])
        parser.add_argument("file", nargs="?", type=Path, help="the GeoJSON file (boundaries)")
        parser.add_argument("--code-property", help="the feature property holding the commune code")

    def handle(self, *args, action, file, code_property, **options):
        with tenancy.unscoped():
            if action == "boundaries":
                self._boundaries(file, code_property)
                return
            with transaction.atomic():
                counts = loader.sync(Province, Commune)
        self.stdout.write(
            f"Provinces: {counts['provinces_created']} created, {counts['provinces_updated']} updated. "
            f"Communes: {counts['communes_created']} created, {counts['communes_updated']} updated. "
            f"Now {Province.objects.count()} provinces and {Commune.objects.count()} communes."
        )

    def _boundaries(self, file: Path | None, code_property: str | None) -> None:
        if file is None:
            raise CommandError("Give the GeoJSON file: xaso places boundaries FILE.geojson")
        try:
            changed = services.boundaries_import(collection=file.read_bytes(), code_property=code_property)
        except OSError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            raise CommandError("Nothing was changed:\n" + "\n".join(error.messages)) from None
        self.stdout.write(f"Boundaries: {changed} communes changed.")
