# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "procedures"
urlpatterns = [
    path("", views.procedure_list, name="list"),
    path("import/", views.import_procedures, name="import"),
    path("template.xlsx", views.template, name="template"),
    path("communes/<str:commune_code>/", views.commune, name="commune"),
    path("<str:procedure_code>/", views.guide, name="guide"),
]
