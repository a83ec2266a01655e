# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatasetsConfig(AppConfig):
    name = "xaso.modules.datasets"
    label = "datasets"
    verbose_name = _("Commune data")
    # The province's data catalogue, dictionary and quality control (DL6, DL7); communes update the
    # province's datasets by its digital forms (DL11) under the six principles (DL12); the sample area
    # datasets are definitions a province adapts (DL18, DL23, DL28: "other data as needed").
    xaso_components = ("DL6", "DL7", "DL11", "DL12", "DL18", "DL23", "DL28")
    xaso_demo = "xaso.modules.datasets.demo.seed"
