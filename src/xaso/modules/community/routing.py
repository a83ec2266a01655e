# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from .consumers import GroupConsumer

websocket_urlpatterns = [
    path("ws/community/groups/<int:group_id>/", GroupConsumer.as_asgi()),
]
