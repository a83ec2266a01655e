# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views_offline

RETURN = "communes/<str:commune_code>/returns/<str:dataset_code>/<str:period>/"
urlpatterns = [
    path(RETURN + "offline/", views_offline.offline_page, name="offline"),
    path(RETURN + "sync/", views_offline.offline_sync, name="offline_sync"),
    # The service worker is served from here, not from /static/, because a worker's scope can only cover
    # paths under its own: from /data/ it may keep the offline pages of /data/communes/… for use offline.
    path("offline-sw.js", views_offline.service_worker, name="offline_sw"),
]
