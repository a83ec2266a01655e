# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views_entry

RETURN = "communes/<str:commune_code>/returns/<str:dataset_code>/<str:period>/"
urlpatterns = [
    path("communes/<str:commune_code>/returns/", views_entry.commune_returns, name="commune_returns"),
    path(RETURN, views_entry.return_page, name="return"),
    path(RETURN + "template.<str:fmt>", views_entry.return_template, name="return_template"),
    path(RETURN + "history/", views_entry.return_history, name="return_history"),
]
