# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso procedures import FILE`: import a procedure list (XLSX or CSV, docs/procedure-import.md)."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from xaso.core import tenancy
from xaso.modules.procedures import imports, services


class Command(BaseCommand):
    help = "Import a procedure list from XLSX or CSV: all rows or none."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["import"])
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open("rb") as handle, tenancy.unscoped():
                counts = services.procedures_import(actor=None, rows=imports.read(File(handle, name=file.name)))
        except OSError as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("\n".join(error.messages)) from error
        self.stdout.write("{created} created, {updated} updated, {unchanged} unchanged.".format(**counts))
