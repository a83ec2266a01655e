# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo gives Hạ Long petitions at different stages, one published, and a second run adds none."""

from io import StringIO

import pytest
from django.core.management import call_command

from xaso.core import tenancy
from xaso.modules.petitions.models import Petition, Status

pytestmark = pytest.mark.django_db


def test_the_demo_petitions(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", stdout=StringIO())
    with tenancy.unscoped():
        first = sorted(Petition.objects.values_list("code", "status"))
        assert {status for _, status in first} == {Status.PUBLISHED, Status.ASSIGNED, Status.ACCEPTED,
                                                   Status.RETURNED, Status.RECEIVED}
        assert all(code.startswith("06688-KN-") for code, _ in first)
        call_command("demo", stdout=StringIO())
        assert sorted(Petition.objects.values_list("code", "status")) == first
