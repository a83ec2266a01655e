# SPDX-License-Identifier: AGPL-3.0-or-later
"""The `xaso` console script: Django's manage.py for this project."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 (read the settings now: a missing variable is one line, not a traceback)
    except ImproperlyConfigured as exc:
        sys.exit(f"xaso: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
