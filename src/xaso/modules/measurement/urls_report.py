# SPDX-License-Identifier: AGPL-3.0-or-later
"""Routes of views_report."""

from django.urls import path

from . import views_report

urlpatterns = [
    path("communes/<str:commune_code>/report/<str:period>.pdf", views_report.commune_report, name="commune_report"),
    path("provinces/<str:province_code>/report/<str:period>.pdf", views_report.province_report,
         name="province_report"),
]
