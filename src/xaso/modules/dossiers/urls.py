# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views, views_public

app_name = "dossiers"
urlpatterns = [
    # The public and applicants.
    path("lookup/", views_public.lookup, name="lookup"),
    path("apply/<str:commune_code>/<str:procedure_code>/", views_public.apply, name="apply"),
    path("mine/", views_public.mine, name="mine"),
    path("mine/<str:dossier_code>/", views_public.my_dossier, name="my_dossier"),
    path("papers/", views_public.papers, name="papers"),
    path("papers/<int:paper_id>/", views_public.paper_download, name="paper_download"),
    # Officials of the commune.
    path("communes/<str:commune_code>/", views.inbox, name="inbox"),
    path("communes/<str:commune_code>/intake/", views.intake, name="intake"),
    path("communes/<str:commune_code>/today/", views.today, name="today"),
    path("communes/<str:commune_code>/overview/", views.overview, name="overview"),
    path("communes/<str:commune_code>/report/", views.report, name="report"),
    path("communes/<str:commune_code>/register.pdf", views.register_pdf, name="register"),
    path("communes/<str:commune_code>/dossiers/<str:dossier_code>/", views.detail, name="detail"),
    path("communes/<str:commune_code>/dossiers/<str:dossier_code>/forms/<str:form>.pdf", views.form_pdf,
         name="form"),
    path("communes/<str:commune_code>/dossiers/<str:dossier_code>/rate/", views.rate_at_counter, name="rate"),
]
