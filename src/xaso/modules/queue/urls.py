# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views

app_name = "queue"
urlpatterns = [
    path("communes/<str:commune_code>/kiosk/", views.kiosk, name="kiosk"),
    path("communes/<str:commune_code>/tickets/<str:ticket_token>/", views.ticket, name="ticket"),
    path("communes/<str:commune_code>/board/", views.board, name="board"),
    path("communes/<str:commune_code>/board.json", views.board_json, name="board_json"),
    path("communes/<str:commune_code>/counters/", views.counters, name="counters"),
    path("communes/<str:commune_code>/counters/<int:counter_id>/", views.counter, name="counter"),
    path("communes/<str:commune_code>/figures/", views.figures, name="figures"),
    path("communes/<str:commune_code>/setup/", views.setup, name="setup"),
    path("communes/<str:commune_code>/setup/areas/<int:area_id>/", views.setup_area, name="setup_area"),
    path("communes/<str:commune_code>/setup/counters/<int:counter_id>/", views.setup_counter, name="setup_counter"),
]
