# SPDX-License-Identifier: AGPL-3.0-or-later
from django.urls import path

from . import views, views_public

app_name = "petitions"
urlpatterns = [
    # Anyone.
    path("communes/<str:commune_code>/", views_public.published, name="published"),
    path("communes/<str:commune_code>/new/", views_public.new, name="new"),
    path("p/<str:petition_code>/", views_public.published_one, name="published_one"),
    path("lookup/", views_public.lookup, name="lookup"),
    path("t/<str:petition_token>/", views_public.follow, name="follow"),
    path("t/<str:petition_token>/files/<int:attachment_id>/", views_public.follow_file, name="follow_file"),
    path("rules/<str:province_code>/", views.rules, name="rules"),
    # The petitioner signed in.
    path("mine/", views_public.mine, name="mine"),
    # Officials of the commune.
    path("communes/<str:commune_code>/work/", views.work, name="work"),
    path("communes/<str:commune_code>/work/new/", views.intake, name="intake"),
    path("communes/<str:commune_code>/work/<str:petition_code>/", views.case, name="case"),
    path("communes/<str:commune_code>/monthly/", views.monthly, name="monthly"),
]
