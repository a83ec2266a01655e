# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "xaso.modules.surveys"
    label = "surveys"
    verbose_name = _("Satisfaction surveys")
    # ĐLHQ9: surveys of people's satisfaction with the commune's services.
    xaso_components = ("DLHQ9",)
    xaso_demo = "xaso.modules.surveys.demo.seed"
