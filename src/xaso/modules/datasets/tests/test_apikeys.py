# SPDX-License-Identifier: AGPL-3.0-or-later
"""Making and revoking API keys: who may, what a key may name, and that its secret is never kept."""

import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune, Province
from xaso.modules.datasets import apikeys
from xaso.modules.datasets.models import ApiKey, Dataset
from xaso.modules.datasets.tests.conftest import make_dataset
from xaso.testing import COMMUNE_A, COMMUNE_B, OTHER_PROVINCE, PROVINCE


@pytest.fixture
def province(users):
    make_dataset("X")
    return Province.objects.get(pk=PROVINCE)


def _make(users, province, who="paula", **over):
    args = {"name": "Sở Nông nghiệp – bảng điều khiển", "datasets": Dataset.objects.filter(code="X"),
            "communes": Commune.objects.filter(pk=COMMUNE_A), **over}
    return apikeys.apikey_create(actor=users[who], province=province, **args)


def test_it_makes_a_key_whose_secret_is_shown_once_and_kept_only_as_a_digest(users, province):
    key, presented = _make(users, province)
    prefix, secret = presented.split(".", 1)
    assert prefix == key.prefix and len(prefix) == 8 and len(secret) >= 43
    assert key.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert [d.code for d in key.datasets.all()] == ["X"] and [c.pk for c in key.communes.all()] == [COMMUNE_A]
    with connection.cursor() as cursor:  # the row as the database holds it: no secret in any column
        cursor.execute("SELECT * FROM datasets_apikey WHERE id = %s", [key.pk])
        stored = " ".join(str(v) for v in cursor.fetchone())
    assert secret not in stored and presented not in stored
    event = AuditEvent.objects.get(action="xaso.datasets.apikey.created")
    assert event.actor_id == users["paula"].pk and event.after["prefix"] == key.prefix
    assert secret not in str(event.after)


def test_each_key_has_its_own_secret_and_prefix(users, province):
    one, first = _make(users, province)
    two, second = _make(users, province)
    assert one.prefix != two.prefix and first.split(".")[1] != second.split(".")[1]


@pytest.mark.parametrize("who", ["alice", "charlie", "oscar", "cindy"])
def test_only_an_official_of_the_province_makes_keys(users, province, who):
    with pytest.raises(PermissionDenied):
        _make(users, province, who=who)
    assert not ApiKey.objects.exists()


def test_an_administrator_makes_keys_for_any_province(users, province):
    key, _ = _make(users, province, who="ada")
    assert key.created_by == users["ada"]


def test_it_refuses_a_scope_outside_the_province_and_makes_nothing(users, province):
    other = make_dataset("Z", province=OTHER_PROVINCE)
    foreign_commune = Commune.objects.filter(province_id=OTHER_PROVINCE)[:1]
    cases = [({"datasets": []}, "datasets"), ({"datasets": [other]}, "datasets"),
             ({"communes": Commune.objects.none()}, "communes"), ({"communes": foreign_commune}, "communes"),
             ({"name": "  "}, "name"), ({"name": "x" * 201}, "name"),
             ({"expires_at": timezone.now() - datetime.timedelta(minutes=1)}, "expires_at")]
    for over, field in cases:
        with pytest.raises(ValidationError) as error:
            _make(users, province, **over)
        assert field in error.value.message_dict, over
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.filter(action="xaso.datasets.apikey.created").exists()


def test_every_commune_needs_no_list_and_keeps_none(users, province):
    key, _ = _make(users, province, all_communes=True, communes=Commune.objects.filter(pk=COMMUNE_B))
    assert key.all_communes and not key.communes.exists()
    assert set(apikeys.key_communes(key)) == set(Commune.objects.filter(province_id=PROVINCE))


def test_revoking_is_audited_once_and_only_by_the_province(users, province):
    key, _ = _make(users, province)
    with pytest.raises(PermissionDenied):
        apikeys.apikey_revoke(actor=users["oscar"], key=key)
    revoked = apikeys.apikey_revoke(actor=users["paula"], key=key)
    assert revoked.revoked_at is not None and not apikeys.is_live(revoked)
    again = apikeys.apikey_revoke(actor=users["paula"], key=key)
    assert again.revoked_at == revoked.revoked_at
    assert AuditEvent.objects.filter(action="xaso.datasets.apikey.revoked").count() == 1


def test_an_expired_key_is_not_live(users, province):
    key, _ = _make(users, province, expires_at=timezone.now() + datetime.timedelta(days=1))
    assert apikeys.is_live(key)
    assert not apikeys.is_live(key, now=timezone.now() + datetime.timedelta(days=2))
