# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views, views_public

app_name = "reports"
urlpatterns = [
    # Anyone.
    path("communes/<str:commune_code>/", views_public.index, name="index"),
    path("communes/<str:commune_code>/new/", views_public.new, name="new"),
    path("communes/<str:commune_code>/map.geojson", views_public.geojson, name="geojson"),
    path("r/<str:code>/", views_public.report, name="report"),
    path("mine/", views_public.mine, name="mine"),
    path("r/<str:code>/photos/<int:photo_id>", views_public.photo, name="photo"),
    # Officials of the commune.
    path("communes/<str:commune_code>/work/", views.work, name="work"),
    path("communes/<str:commune_code>/work/<str:code>/", views.case, name="case"),
    path("communes/<str:commune_code>/figures/", views.stats, name="figures"),
    path("communes/<str:commune_code>/responses/", views.responses, name="responses"),
]
