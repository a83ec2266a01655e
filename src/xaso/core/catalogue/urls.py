# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "catalogue"
urlpatterns = [
    path("components/", views.components, name="components"),
    path("components/<str:component_key>/", views.component, name="component"),
    path("communes/<str:commune_code>/roadmap/", views.roadmap, name="roadmap"),
    path("communes/<str:commune_code>/roadmap/<str:component_key>/", views.adoption, name="adoption"),
    path("matrix/", views.matrix, name="matrix"),
]
