# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClockConfig(AppConfig):
    name = "xaso.core.clock"
    label = "clock"
    verbose_name = _("Working-day calendar")
