# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's catalogue and data dictionary (officials), and its public catalogue (HTML, DCAT JSON-LD)."""

from django.urls import path

from . import views_catalogue as v

P = "provinces/<str:province_code>/"
urlpatterns = [
    path(P + "catalogue/", v.catalogue, name="catalogue"),
    path(P + "catalogue/new/", v.dataset_new, name="catalogue_new"),
    path(P + "catalogue/definitions.yaml", v.definitions_download, name="catalogue_yaml"),
    path(P + "catalogue/upload/", v.definitions_upload, name="catalogue_upload"),
    path(P + "catalogue/<str:dataset_code>/", v.dataset, name="catalogue_dataset"),
    path(P + "elements/", v.elements, name="catalogue_elements"),
    path(P + "elements/new/", v.element_new, name="catalogue_element_new"),
    path(P + "elements/<str:element_code>/", v.element, name="catalogue_element"),
    path(P + "catalog/", v.public_catalog, name="catalogue_public"),
    path(P + "catalog.jsonld", v.public_jsonld, name="catalogue_jsonld"),
]
