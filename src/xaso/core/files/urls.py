# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from xaso.core.ui.placeholder import placeholder

app_name = "files"
urlpatterns = [path("<int:file_id>/", placeholder, name="download")]
