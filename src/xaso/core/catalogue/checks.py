# SPDX-License-Identifier: AGPL-3.0-or-later
"""System check: every component key an app declares exists in the model."""

from django.apps import apps
from django.core.checks import Error, register

from .seed import component_keys


@register()
def check_manifests(app_configs=None, **kwargs):
    known = component_keys()
    errors = []
    for config in apps.get_app_configs():
        for key in getattr(config, "xaso_components", ()):
            if key not in known:
                errors.append(Error(
                    f"{config.label} declares component {key!r}, which is not in the model.",
                    hint="Use the ASCII key of shared/seed/model.yaml, e.g. UDCQS19.",
                    obj=config, id="xaso.E001",
                ))
    return errors
