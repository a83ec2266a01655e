# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views, views_verify

app_name = "documents"
urlpatterns = [
    # Anyone: is this signed PDF what its signers signed?
    path("verify/", views_verify.verify, name="verify"),
    # Officials of the commune.
    path("communes/<str:commune_code>/", views.registers, name="registers"),
    path("communes/<str:commune_code>/incoming/new/", views.incoming_new, name="incoming_new"),
    path("communes/<str:commune_code>/incoming/import/", views.incoming_import, name="incoming_import"),
    path("communes/<str:commune_code>/incoming/<int:pk>/", views.incoming, name="incoming"),
    path("communes/<str:commune_code>/outgoing/new/", views.outgoing_new, name="outgoing_new"),
    path("communes/<str:commune_code>/outgoing/<int:pk>/", views.outgoing, name="outgoing"),
    path("communes/<str:commune_code>/outgoing/<int:pk>/draft.<str:fmt>", views.outgoing_draft, name="draft"),
    path("communes/<str:commune_code>/outgoing/<int:pk>/package.edxml", views.outgoing_package, name="package"),
    path("communes/<str:commune_code>/work-files/", views.work_files, name="work_files"),
    path("communes/<str:commune_code>/work-files/<int:pk>/", views.work_file, name="work_file"),
    path("communes/<str:commune_code>/issuer/", views.issuer, name="issuer"),
]
