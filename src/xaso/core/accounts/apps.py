# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "xaso.core.accounts"
    label = "accounts"
    verbose_name = _("People and access")

    def ready(self):
        from . import receivers  # noqa: F401  (connects the audit receivers)
