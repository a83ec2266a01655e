# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "xaso.modules.community"
    label = "community"
    verbose_name = _("Village channels")
    # The real-time channel between government and citizens (KTT13, UDXHS9) and the digital communities
    # of residential areas and villages (KTT14, UDXHS10, UDXHS12, KTT17).
    xaso_components = ("KTT13", "UDXHS9", "KTT14", "UDXHS10", "UDXHS12", "KTT17")
    xaso_demo = "xaso.modules.community.demo.seed"
