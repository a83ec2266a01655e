# SPDX-License-Identifier: AGPL-3.0-or-later
import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
application = get_wsgi_application()
# What is loaded by now (Django, the apps, the translation catalogues) lives as long as the process. Frozen,
# it is no longer scanned by every full collection: those scans were a third of the reports map's time
# (bench/report_map.py); forked workers also share these pages longer (Python's gc.freeze documentation).
gc.freeze()
