# SPDX-License-Identifier: AGPL-3.0-or-later
"""Load the model's 12 layers and 170 components from data/model.yaml."""

from django.db import migrations

from xaso.core.catalogue import seed


def load(apps, schema_editor):
    seed.load(apps.get_model("catalogue", "Layer"), apps.get_model("catalogue", "Component"))


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
