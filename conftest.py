# SPDX-License-Identifier: AGPL-3.0-or-later
"""Fixtures every test may use: the named users (see xaso.testing) and clients signed in as them."""

import pytest
from django.core.cache import cache

from xaso import testing
from xaso.core import tenancy


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Every test makes the named users; the production hasher's deliberate slowness is not under test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Stored files go to a folder of each test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counters and one-time codes live in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()


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


@pytest.fixture
def keep_test_connection(monkeypatch):
    """Channels' database calls and django-tasks-db's worker close "old" connections around their work, as
    long-running processes should. In a test that runs inside one transaction this would close the test's
    own connection (on PostgreSQL; SQLite's in-memory test database ignores it), which is why Django's test
    client also stops closing connections during its requests. The code under test is unchanged."""
    monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
