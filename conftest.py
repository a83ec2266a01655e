# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures every test may use: the named users (see xaso.testing) and clients signed in as them."""

import pytest

from xaso import testing
from xaso.core import tenancy


@pytest.fixture
def system_scope():
    """Setting up data across communes, as a command would; views still open the request's own scope."""
    with tenancy.unscoped():
        yield


@pytest.fixture
def users(db, system_scope):
    return testing.named_users()


@pytest.fixture
def client_for(client, users):
    """client_for("alice") → a test client signed in as Alice (password and second factor passed)."""
    from django.test import Client

    def make(name):
        c = Client()
        testing.sign_in(c, users[name])
        return c

    return make
