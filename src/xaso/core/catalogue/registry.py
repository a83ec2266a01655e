# SPDX-License-Identifier: AGPL-3.0-or-later
"""The module registry: which xaso app provides which component of the model.

Every app's AppConfig may declare ``xaso_components`` (ASCII keys of the model). What no app
provides is either integrated with the central or provincial system that provides it (tiers central
and province) or hardware and people, tracked here (the rest).
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _

PROVIDED = "module"
INTEGRATED = "integration"
TRACKED = "tracked"

KIND_LABELS = {
    PROVIDED: _("Provided by xaso module"),
    INTEGRATED: _("Integrates with the central/provincial system"),
    TRACKED: _("Hardware / people — tracked here"),
}


@dataclass(frozen=True)
class Provision:
    kind: str
    module: str = ""  # the app label, when kind is PROVIDED

    @property
    def label(self) -> str:
        return f"{KIND_LABELS[self.kind]} {self.module}".strip()

    @property
    def as_text(self) -> str:
        return f"module:{self.module}" if self.kind == PROVIDED else self.kind


@cache
def providers() -> dict[str, str]:
    """component key -> label of the app that provides it."""
    found: dict[str, str] = {}
    for config in apps.get_app_configs():
        for key in getattr(config, "xaso_components", ()):
            found[key] = config.label
    return found


def provision(component) -> Provision:
    module = providers().get(component.key)
    if module:
        return Provision(PROVIDED, module)
    if component.tier in ("central", "province"):
        return Provision(INTEGRATED)
    return Provision(TRACKED)
