# SPDX-License-Identifier: AGPL-3.0-or-later
"""Level 3 session policy: idle sessions end (15 minutes, 5 for administrators); officials owe the code."""

import time

from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.accounts import signin

from .helpers import age_session, code_for, events

IDLE_MESSAGE = "Phiên làm việc đã hết hạn do không hoạt động quá"


def test_it_signs_out_a_session_idle_for_more_than_fifteen_minutes(client_for, users):
    alice = client_for("alice")
    age_session(alice, minutes=16)
    response = alice.get("/healthz", follow=True)
    assert response.redirect_chain[0] == ("/accounts/login/?next=/healthz", 302)
    assert IDLE_MESSAGE + " 15 phút. Vui lòng đăng nhập lại." in response.content.decode()
    assert SESSION_KEY not in alice.session
    event = events("xaso.accounts.user.signed_out", users["alice"]).get()
    assert event.actor_id is None and event.after == {"reason": "idle"}


def test_it_keeps_an_active_session_and_moves_its_clock(client_for):
    alice = client_for("alice")
    age_session(alice, minutes=14)
    before = alice.session[signin.ACTIVITY_KEY]
    assert alice.get("/").status_code == 302  # to her roadmap: still signed in
    assert SESSION_KEY in alice.session
    assert alice.session[signin.ACTIVITY_KEY] > before


def test_it_locks_administrators_after_five_idle_minutes(client_for):
    ada, alice = client_for("ada"), client_for("alice")
    age_session(ada, minutes=6)
    age_session(alice, minutes=6)
    response = ada.get("/", follow=True)
    assert IDLE_MESSAGE + " 5 phút." in response.content.decode()
    assert SESSION_KEY not in ada.session
    alice.get("/")
    assert SESSION_KEY in alice.session


def test_it_answers_an_idle_api_request_with_json_not_a_redirect(client_for):
    alice = client_for("alice")
    age_session(alice, minutes=20)
    response = alice.get("/api/v1/model/components/")
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired" and IDLE_MESSAGE in response.json()["detail"]
    assert SESSION_KEY not in alice.session


def test_it_starts_the_idle_clock_of_a_session_that_has_none(client_for):
    alice = client_for("alice")  # signed in by the test helper, not through the sign-in pages
    assert signin.ACTIVITY_KEY not in alice.session
    alice.get("/")
    assert abs(alice.session[signin.ACTIVITY_KEY] - time.time()) < 3600  # set, to about now


def test_it_confines_an_official_without_the_second_factor_to_the_code_page(users):
    alice = users["alice"]
    client = Client()
    client.force_login(alice, backend="xaso.core.accounts.backends.OfficialBackend")  # password only
    response = client.get("/healthz")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/?next=%2Fhealthz"
    api = client.get("/api/v1/model/components/")
    assert api.status_code == 403 and api.json()["code"] == "second_factor_required"
    assert client.get("/accounts/otp/?next=/healthz").status_code == 200
    assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/otp/"  # she has a device

    response = client.post("/accounts/otp/", {"code": code_for(TOTPDevice.objects.get(user=alice)),
                                             "next": "/healthz"})
    assert response["Location"] == "/healthz"
    assert client.get("/healthz").status_code == 200
    assert events("xaso.accounts.user.signed_in", alice).count() == 1


def test_it_lets_an_official_without_the_second_factor_sign_out(users):
    client = Client()
    client.force_login(users["bob"], backend="xaso.core.accounts.backends.OfficialBackend")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and SESSION_KEY not in client.session


def test_it_leaves_citizens_without_a_second_factor_alone(client_for):
    cindy = client_for("cindy")
    assert cindy.get("/healthz").status_code == 200
