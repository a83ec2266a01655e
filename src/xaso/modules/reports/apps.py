# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "xaso.modules.reports"
    label = "reports"
    verbose_name = _("Field reports")
    # Receiving feedback and petitions (KTT10), the field-report app and its data (UDCQS9, KTT12, DL17).
    xaso_components = ("KTT10", "UDCQS9", "KTT12", "DL17")
    xaso_demo = "xaso.modules.reports.demo.seed"
