# SPDX-License-Identifier: AGPL-3.0-or-later
"""Measurement's pages: each part keeps its own list of routes, all in the one "measurement" namespace."""

from . import urls_dashboard, urls_index, urls_report

app_name = "measurement"
urlpatterns = [*urls_dashboard.urlpatterns, *urls_index.urlpatterns, *urls_report.urlpatterns]
