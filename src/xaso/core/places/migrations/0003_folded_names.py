# SPDX-License-Identifier: AGPL-3.0-or-later
"""Search and duplicate keys: the folded commune name and the village name key (filled by 0004)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0002_load_places"),
    ]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="folded_name",
            field=models.CharField(db_index=True, default="", editable=False, max_length=100),
        ),
        migrations.AddField(
            model_name="village",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
    ]
