# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "clock"
urlpatterns = [
    path("<str:province_code>/", views.province, name="province"),
]
