# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("otp/", views.otp, name="otp"),
    path("otp/setup/", views.otp_setup, name="otp_setup"),
]
