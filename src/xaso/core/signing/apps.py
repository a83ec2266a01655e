# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SigningConfig(AppConfig):
    name = "xaso.core.signing"
    label = "signing"
    verbose_name = _("Digital signatures")
