# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's API key pages: list, make (secret shown once), revoke, log of use with exports."""

import datetime
import json

import pytest
from django.test import Client
from django.utils import timezone

from xaso.core.places.models import Commune, Province
from xaso.modules.datasets import apikeys
from xaso.modules.datasets.models import ApiKey, ApiKeyUse
from xaso.modules.datasets.tests.conftest import make_dataset
from xaso.testing import COMMUNE_A, COMMUNE_B, PROVINCE

BASE = f"/data/provinces/{PROVINCE}/api-keys/"


@pytest.fixture
def datasets(users):
    return make_dataset("X"), make_dataset("Y")


@pytest.fixture
def key(users, datasets):
    key, _ = apikeys.apikey_create(actor=users["paula"], province=Province.objects.get(pk=PROVINCE), name="Cổng IOC",
                                   datasets=[datasets[0]], communes=Commune.objects.filter(pk=COMMUNE_A))
    return key


def test_it_makes_a_key_and_shows_its_secret_only_once(users, datasets, client_for):
    paula = client_for("paula")
    form = paula.get(BASE + "new/")
    assert form.status_code == 200 and b"Y" in form.content
    response = paula.post(BASE + "new/", {"name": "Sở Nông nghiệp", "datasets": [datasets[0].pk],
                                          "communes": [COMMUNE_A, COMMUNE_B], "expires_on": "2099-12-31"})
    assert response.status_code == 200
    key = ApiKey.objects.get()
    presented = response.context["presented"]
    assert presented.startswith(key.prefix + ".") and presented.encode() in response.content
    assert "no-store" in response["Cache-Control"]
    assert set(key.communes.values_list("pk", flat=True)) == {COMMUNE_A, COMMUNE_B}
    assert timezone.localtime(key.expires_at).date() == datetime.date(2100, 1, 1)  # valid through 31 December
    listing = paula.get(BASE)
    secret = presented.split(".", 1)[1]
    assert key.prefix.encode() in listing.content and secret.encode() not in listing.content
    # The key works at once.
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {presented}")
    assert api.get("/api/v1/data/datasets/").json()["count"] == 1


def test_a_form_with_faults_says_so_and_makes_nothing(users, datasets, client_for):
    paula = client_for("paula")
    response = paula.post(BASE + "new/", {"name": "", "datasets": [], "expires_on": "2020-01-01"})
    assert response.status_code == 400
    assert not ApiKey.objects.exists()
    response = paula.post(BASE + "new/", {"name": "IOC", "datasets": [datasets[0].pk], "expires_on": "2020-01-01"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "communes" in errors and "expires_on" in errors
    assert not ApiKey.objects.exists()


def test_revoking_takes_a_post_and_stops_the_key(users, key, client_for):
    paula = client_for("paula")
    assert paula.get(f"{BASE}{key.pk}/revoke/").status_code == 405
    response = paula.post(f"{BASE}{key.pk}/revoke/")
    assert response.status_code == 302 and response["Location"] == BASE
    key.refresh_from_db()
    assert key.revoked_at is not None


def test_revoking_needs_the_csrf_token(users, key):
    from xaso import testing

    strict = Client(enforce_csrf_checks=True)
    testing.sign_in(strict, users["paula"])
    assert strict.post(f"{BASE}{key.pk}/revoke/").status_code == 403
    key.refresh_from_db()
    assert key.revoked_at is None


def test_the_log_of_use_is_paged_and_exported(users, key, client_for):
    now = timezone.now()
    ApiKeyUse.objects.bulk_create([ApiKeyUse(key=key, at=now - datetime.timedelta(seconds=i), method="GET",
                                             path=f"/api/v1/data/datasets/X/values/?page={i}", ip="203.0.113.9",
                                             status=200, rows=i) for i in range(60)])
    paula = client_for("paula")
    first = paula.get(f"{BASE}{key.pk}/uses/")
    assert first.status_code == 200 and len(first.context["page"].object_list) == 50
    assert b"?page=0" in first.content and b"?page=59" not in first.content
    assert b"?page=59" in paula.get(f"{BASE}{key.pk}/uses/?page=2").content
    exported = json.loads(paula.get(f"{BASE}{key.pk}/uses/?export=json").content)
    assert len(exported) == 60 and exported[0]["status"] == 200 and exported[0]["ip"] == "203.0.113.9"
    csv = paula.get(f"{BASE}{key.pk}/uses/?export=csv")
    assert csv["Content-Type"].startswith("text/csv") and csv.content.decode("utf-8-sig").count("\n") == 61
    keys = json.loads(paula.get(BASE + "?export=json").content)
    assert [(k["prefix"], k["datasets"]) for k in keys] == [(key.prefix, "X")]


def test_outsiders_get_404_and_commune_officials_403(users, key, client_for):
    pages = [BASE, BASE + "new/", f"{BASE}{key.pk}/uses/"]
    for page in pages:
        assert client_for("oscar").get(page).status_code == 404  # another province's official
        assert client_for("cindy").get(page).status_code == 404
        assert client_for("alice").get(page).status_code == 403  # an official of one of its communes
        assert client_for("charlie").get(page).status_code == 403
        assert Client().get(page).status_code == 302  # sent to sign in
        assert client_for("ada").get(page).status_code == 200
    assert client_for("oscar").post(f"{BASE}{key.pk}/revoke/").status_code == 404
    assert client_for("alice").post(f"{BASE}{key.pk}/revoke/").status_code == 403
    assert client_for("paula").get(f"/data/provinces/01/api-keys/{key.pk}/uses/").status_code == 404
    key.refresh_from_db()
    assert key.revoked_at is None
