# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "xaso.modules.dossiers"
    label = "dossiers"
    verbose_name = _("One-stop dossiers")
    xaso_components = ("NVCQS1", "DL10", "UDCQS19", "KTT24", "DLHQ9")
