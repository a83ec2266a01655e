# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso datasets …`: the province's definitions and values from the command line.

* ``samples --province 22`` loads the sample area datasets DL14–DL28 (unpublished, to adapt);
* ``load FILE.yaml --province 22`` loads definitions (all or nothing); ``dump --province 22`` prints them;
* ``import FILE.csv --province 22 --dataset CODE`` imports a long CSV of values (all or nothing).

Whoever runs the server runs these: they act as the system, and the audit trail says so.
"""

import sys

import yaml
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from xaso.core import tenancy
from xaso.core.places.models import Province
from xaso.modules.datasets import definitions_file, imports
from xaso.modules.datasets.models import Dataset


class Command(BaseCommand):
    help = "Commune data: load the sample or a file of definitions, dump them, import values."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["samples", "load", "dump", "import"])
        parser.add_argument("file", nargs="?")
        parser.add_argument("--province", required=True)
        parser.add_argument("--dataset")

    def handle(self, *args, action, file, province, dataset, **options):
        with tenancy.unscoped():
            try:
                self._run(action, file, Province.objects.get(pk=province), dataset)
            except Province.DoesNotExist:
                raise CommandError(f"No province has the code {province!r}.") from None
            except ValidationError as exc:
                raise CommandError("\n".join(exc.messages)) from None

    def _run(self, action, file, province, dataset_code):
        if action == "samples":
            loaded = definitions_file.samples_load(actor=None, province=province)
            self.stdout.write(f"{len(loaded)} sample dataset(s) loaded, unpublished.")
        elif action == "dump":
            datasets = Dataset.objects.filter(province=province)
            yaml.safe_dump(definitions_file.definitions_dump(datasets), sys.stdout, allow_unicode=True,
                           sort_keys=False)
        elif not file:
            raise CommandError(f"`{action}` needs a file.")
        elif action == "load":
            with open(file, encoding="utf-8") as f:
                data = definitions_file.definitions_parse(f.read())
            loaded = definitions_file.definitions_load(actor=None, province=province, data=data)
            self.stdout.write(f"{len(loaded)} dataset(s) loaded.")
        else:
            if not dataset_code:
                raise CommandError("`import` needs --dataset.")
            result = imports.import_file(file, dataset_code, province.code)
            self.stdout.write(f"{result.rows} row(s): {result.inserted} new, {result.updated} changed, "
                              f"{result.unchanged} unchanged; {result.returns_created} return(s) opened.")
