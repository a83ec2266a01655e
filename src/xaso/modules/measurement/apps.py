# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasurementConfig(AppConfig):
    name = "xaso.modules.measurement"
    label = "measurement"
    verbose_name = _("Measurement")
    # ĐLHQ2: the framework of indicators; ĐLHQ8: the dashboards the province and the commune direct by.
    xaso_components = ("DLHQ2", "DLHQ8")
    xaso_demo = "xaso.modules.measurement.demo.seed"
