# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SequencesConfig(AppConfig):
    name = "xaso.core.sequences"
    label = "sequences"
    verbose_name = _("Numbering")
