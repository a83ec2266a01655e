# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from xaso.core.ui.placeholder import placeholder

app_name = "catalogue"
urlpatterns = [
    path("components/", placeholder, name="components"),
    path("components/<str:component_key>/", placeholder, name="component"),
    path("communes/<str:commune_code>/roadmap/", placeholder, name="roadmap"),
    path("communes/<str:commune_code>/roadmap/<str:component_key>/", placeholder, name="adoption"),
    path("matrix/", placeholder, name="matrix"),
]
