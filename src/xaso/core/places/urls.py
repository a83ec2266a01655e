# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "places"
urlpatterns = [
    path("communes/", views.communes, name="communes"),
    path("communes/<str:commune_code>/", views.commune, name="commune"),
    path("communes/<str:commune_code>/boundary.geojson", views.boundary, name="boundary"),
    path("communes/<str:commune_code>/villages/", views.villages, name="villages"),
    path("communes/<str:commune_code>/villages/import/", views.village_import, name="village_import"),
    path("communes/<str:commune_code>/villages/<int:village_id>/rename/", views.village_rename, name="village_rename"),
    path("communes/<str:commune_code>/villages/<int:village_id>/merge/", views.village_merge, name="village_merge"),
]
