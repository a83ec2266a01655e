# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "files"
urlpatterns = [path("<int:file_id>/", views.download, name="download")]
