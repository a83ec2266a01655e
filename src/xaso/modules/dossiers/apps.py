# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "xaso.modules.dossiers"
    label = "dossiers"
    verbose_name = _("One-stop dossiers")
    # Online procedures and the service center's work (NVCQS1), digitised dossiers and results (DL10),
    # assisted public service (UDCQS19, KTT24), satisfaction with the service (DLHQ9).
    xaso_components = ("NVCQS1", "DL10", "UDCQS19", "KTT24", "DLHQ9")
    xaso_demo = "xaso.modules.dossiers.demo.seed"
