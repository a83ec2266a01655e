# SPDX-License-Identifier: AGPL-3.0-or-later
"""Only the places API, mounted where the project mounts it: its schema is checked on its own, so a
warning from another app cannot hide one of ours or fail our test."""

from django.urls import include, path

urlpatterns = [path("api/v1/places/", include("xaso.core.places.api"))]
