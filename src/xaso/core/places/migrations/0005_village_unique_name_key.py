# SPDX-License-Identifier: AGPL-3.0-or-later
"""One active village per name key in a commune ("Thôn 1" and "thôn 1" are the same village)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("places", "0004_fill_folded_names"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="village",
            name="village_unique_active_name",
        ),
        migrations.AddConstraint(
            model_name="village",
            constraint=models.UniqueConstraint(
                condition=models.Q(("merged_into__isnull", True)),
                fields=("commune", "name_key"),
                name="village_unique_active_name_key",
            ),
        ),
    ]
