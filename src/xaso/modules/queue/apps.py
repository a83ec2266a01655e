# SPDX-License-Identifier: AGPL-3.0-or-later
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueueConfig(AppConfig):
    name = "xaso.modules.queue"
    label = "queue"
    verbose_name = _("Service center queue")
    # The service center (KTT8): its queue, counters and display board.
    xaso_components = ("KTT8",)
    xaso_demo = "xaso.modules.queue.demo.seed"
