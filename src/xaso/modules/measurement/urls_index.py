# SPDX-License-Identifier: AGPL-3.0-or-later
"""Routes of views_index and views_rules."""

from django.urls import path

from . import views_index as views
from . import views_rules

urlpatterns = [
    path("communes/<str:commune_code>/index/", views.commune_index, name="commune_index"),
    path("communes/<str:commune_code>/index/<str:period>/", views.commune_index_month, name="commune_index_month"),
    path("communes/<str:commune_code>/index/<str:period>/<str:criterion>/", views.commune_index_lost,
         name="commune_index_lost"),
    path("communes/<str:commune_code>/entries/", views.commune_entries, name="commune_entries"),
    path("provinces/<str:province_code>/index/", views.province_index, name="province_index"),
    path("provinces/<str:province_code>/rules/", views_rules.rules_page, name="rules"),
]
