# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "xaso.core.integrations"
    label = "integrations"
    verbose_name = _("Integrations")
