# SPDX-License-Identifier: AGPL-3.0-or-later
"""Routes of views_dashboard."""

from django.urls import path

from . import views_dashboard

urlpatterns = [
    path("communes/<str:commune_code>/", views_dashboard.commune_dashboard, name="commune_dashboard"),
    path("communes/<str:commune_code>/progress/", views_dashboard.commune_progress, name="progress"),
    path("provinces/<str:province_code>/", views_dashboard.province_dashboard, name="province_dashboard"),
]
