# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "community"
urlpatterns = [
    # Signed-in people: their groups, joining with a code.
    path("", views.mine, name="mine"),
    # Members of a group and the commune's officials.
    path("groups/<int:group_id>/", views.group, name="group"),
    path("groups/<int:group_id>/messages/<int:message_id>/", views.message, name="message"),
    path("groups/<int:group_id>/members/", views.members, name="members"),
    path("groups/<int:group_id>/leave/", views.leave, name="leave"),
    # Officials of the commune.
    path("communes/<str:commune_code>/", views.commune, name="commune"),
    path("communes/<str:commune_code>/moderation/", views.moderation, name="moderation"),
]
