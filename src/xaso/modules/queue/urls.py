# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path  # noqa: F401

app_name = "queue"
urlpatterns = []
