# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's pages on its communes' returns (views_province)."""

from django.urls import path

from . import views_province as views

_DATASET = "provinces/<str:province_code>/returns/<str:dataset_code>/"
urlpatterns = [
    path("provinces/<str:province_code>/returns/", views.returns, name="province_returns"),
    path(_DATASET, views.dataset_returns, name="province_dataset"),
    path(_DATASET + "aggregate/", views.aggregate, name="province_aggregate"),
    path(_DATASET + "aggregate/communes/", views.aggregate_communes, name="province_aggregate_communes"),
    path(_DATASET + "aggregate/communes/<str:commune_code>/", views.aggregate_villages,
         name="province_aggregate_villages"),
    path(_DATASET + "quality/", views.dataset_quality, name="province_quality"),
]
