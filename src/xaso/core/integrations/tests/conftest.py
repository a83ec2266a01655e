# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest

from xaso.modules.dossiers.tests.conftest import commune_a, procedure, receive  # noqa: F401 (fixtures)


@pytest.fixture
def receive_dossier(receive):  # noqa: F811 (the fixture imported above, as a parameter)
    return receive()
