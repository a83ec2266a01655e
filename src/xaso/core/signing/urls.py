# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("communes/<str:commune_code>/keys/", views.keys, name="keys"),
    path("trust/", views.trust, name="trust"),
]
