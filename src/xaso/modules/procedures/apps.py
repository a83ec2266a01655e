# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "xaso.modules.procedures"
    label = "procedures"
    verbose_name = _("Procedures")
    xaso_components = ()
    xaso_demo = "xaso.modules.procedures.seed.demo"
