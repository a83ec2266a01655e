# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "xaso.modules.petitions"
    label = "petitions"
    verbose_name = _("Petitions")
    # Receiving feedback and petitions (KTT10). The field-report app declares it too (a report is one kind of
    # feedback); the registry names one provider per component, and the petitions app, listed after it, is
    # the one that answers the component's words "kiến nghị".
    xaso_components = ("KTT10",)
    xaso_demo = "xaso.modules.petitions.demo.seed"
