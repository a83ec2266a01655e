# SPDX-License-Identifier: AGPL-3.0-or-later
"""Make the audit table append-only in the database itself, on SQLite and on PostgreSQL."""

from django.db import migrations

from xaso.core.audit import triggers


def install(apps, schema_editor):
    triggers.run(schema_editor.connection, triggers.INSTALL)


def remove(apps, schema_editor):
    triggers.run(schema_editor.connection, triggers.REMOVE)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
