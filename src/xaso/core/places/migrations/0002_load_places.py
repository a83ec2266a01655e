# SPDX-License-Identifier: AGPL-3.0-or-later
"""Load the 34 provinces and 3,321 communes of the vietnam-provinces package (data of 2025-07)."""

from django.db import migrations

from xaso.core.places import loader


def load(apps, schema_editor):
    loader.sync(apps.get_model("places", "Province"), apps.get_model("places", "Commune"))


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
