# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views_import

urlpatterns = [
    path("provinces/<str:province_code>/datasets/<str:dataset_code>/import/", views_import.values_import,
         name="values_import"),
]
