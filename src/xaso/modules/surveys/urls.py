# SPDX-License-Identifier: AGPL-3.0-or-later
"""Satisfaction surveys' pages: the officials' (by commune) and the public form (by link token)."""

from django.urls import path

from . import views, views_public

app_name = "surveys"
C = "communes/<str:commune_code>/"
S = C + "<int:survey_id>/"
L = S + "links/<int:link_id>/"
urlpatterns = [
    # Officials of the commune (and of its province, to read).
    path(C, views.survey_list, name="list"),
    path(C + "new/", views.survey_new, name="new"),
    path(C + "satisfaction/", views.satisfaction_page, name="satisfaction"),
    path(S, views.survey_page, name="survey"),
    path(S + "questions/<int:question_id>/", views.question_page, name="question"),
    path(S + "results/", views.results_page, name="results"),
    path(L + "qr.<str:image_format>", views.link_qr, name="link_qr"),
    path(L + "print/", views.link_print, name="link_print"),
    # Whoever holds a link.
    path("s/<str:link_token>/", views_public.answer, name="answer"),
    path("s/<str:link_token>/thanks/", views_public.thanks, name="thanks"),
]
