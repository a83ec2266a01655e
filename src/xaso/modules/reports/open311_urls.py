# SPDX-License-Identifier: AGPL-3.0-or-later
"""Open311 GeoReport v2, mounted at /open311/: the endpoint is /open311/v2, its discovery document is both
/open311/v2/discovery.{format} and /open311/discovery.{format} (docs/open311.md, "Left to the implementer" 9).
Each resource ends in its format; anything else under /open311/ is an Open311 404."""

from django.urls import path, re_path

from . import open311

app_name = "open311"
urlpatterns = [
    path("discovery.<str:format>", open311.discovery, name="discovery_root"),
    path("v2/discovery.<str:format>", open311.discovery, name="discovery"),
    path("v2/services.<str:format>", open311.service_list, name="services"),
    path("v2/services/<str:service_code>.<str:format>", open311.service_definition, name="service"),
    path("v2/requests.<str:format>", open311.request_list, name="requests"),
    path("v2/requests/<str:service_request_id>.<str:format>", open311.request_detail, name="request"),
    path("v2/tokens/<str:token>.<str:format>", open311.token_detail, name="token"),
    re_path(r"", open311.not_found, name="not_found"),
]
