# SPDX-License-Identifier: AGPL-3.0-or-later
"""Helpers of the places tests."""

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune, Village


def state():
    """Everything a places write could change: compare before and after a refused request."""
    return {
        "villages": sorted(Village.objects.values_list("pk", "commune_id", "name", "kind", "merged_into_id")),
        "area_types": sorted(Commune.objects.filter(province_id=testing.PROVINCE).values_list("code", "area_type")),
        "audit": AuditEvent.objects.count(),
    }
