# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "xaso.modules.documents"
    label = "documents"
    verbose_name = _("Official documents")
    # Electronic work files and digital signatures (NVCQS1), help in drafting documents (UDCQS7).
    xaso_components = ("NVCQS1", "UDCQS7")
    xaso_demo = "xaso.modules.documents.demo.seed"
