# SPDX-License-Identifier: AGPL-3.0-or-later
"""Commune data's pages: each part keeps its own list of routes, all in the one "datasets" namespace."""

from . import urls_catalogue, urls_entry, urls_import, urls_keys, urls_offline, urls_province

app_name = "datasets"
urlpatterns = [*urls_catalogue.urlpatterns, *urls_entry.urlpatterns, *urls_offline.urlpatterns,
               *urls_province.urlpatterns, *urls_import.urlpatterns, *urls_keys.urlpatterns]
