# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from xaso.core.ui.placeholder import placeholder

app_name = "accounts"
urlpatterns = [
    path("login/", placeholder, name="login"),
    path("logout/", placeholder, name="logout"),
    path("otp/", placeholder, name="otp"),
    path("otp/setup/", placeholder, name="otp_setup"),
]
