# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from xaso.core.ui.placeholder import placeholder

app_name = "places"
urlpatterns = [
    path("communes/", placeholder, name="communes"),
    path("communes/<str:commune_code>/", placeholder, name="commune"),
    path("communes/<str:commune_code>/villages/", placeholder, name="villages"),
]
