# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "xaso.core.catalogue"
    label = "catalogue"
    verbose_name = _("Digital-transformation model")
    # The province's monitoring of every commune's transformation (DLHQ5) and the commune's own (DLHQ10).
    xaso_components = ("DLHQ5", "DLHQ10")

    def ready(self):
        from . import checks  # noqa: F401  (registers the manifest check)
