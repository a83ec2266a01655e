# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's API keys for the data-sharing API (views_keys)."""

from django.urls import path

from . import views_keys

urlpatterns = [
    path("provinces/<str:province_code>/api-keys/", views_keys.keys, name="keys"),
    path("provinces/<str:province_code>/api-keys/new/", views_keys.key_new, name="key_new"),
    path("provinces/<str:province_code>/api-keys/<int:key_id>/revoke/", views_keys.key_revoke, name="key_revoke"),
    path("provinces/<str:province_code>/api-keys/<int:key_id>/uses/", views_keys.key_uses, name="key_uses"),
]
