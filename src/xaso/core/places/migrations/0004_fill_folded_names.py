# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fill the keys added by 0003. A migration of its own: PostgreSQL refuses to alter a table in the same
transaction that updated its rows (pending trigger events), so data and schema changes are kept apart."""

from django.db import migrations

from xaso.core.places.models import clean_village_name, village_name_key
from xaso.core.text import fold


def fill(apps, schema_editor):
    Commune = apps.get_model("places", "Commune")
    Village = apps.get_model("places", "Village")
    communes = list(Commune.objects.all())
    for commune in communes:
        commune.folded_name = fold(commune.name)
    Commune.objects.bulk_update(communes, ["folded_name"], batch_size=500)
    # Historical models have plain managers, so this reads every commune's villages (no scope needed).
    villages = list(Village.objects.all())
    for village in villages:
        village.name = clean_village_name(village.name)
        village.name_key = village_name_key(village.name)
    Village.objects.bulk_update(villages, ["name", "name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("places", "0003_folded_names")]
    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
