# SPDX-License-Identifier: AGPL-3.0-or-later
"""Sign-in is rate-limited per address (password and code pages) and per person (code pages)."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from .helpers import password_step, wrong_code_for


@pytest.fixture
def three_a_day(settings):
    # A day-long window: the test cannot straddle the window's edge and see the counter reset.
    settings.XASO_SIGNIN_RATE = "3/d"
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_it_limits_password_attempts_per_address(client, users, three_a_day):
    statuses = [password_step(client, "nobody", "guess", REMOTE_ADDR="203.0.113.5").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = password_step(client, "bob", REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429  # even the right password waits: nothing is checked
    assert "Có quá nhiều lần đăng nhập từ máy này" in response.content.decode()
    assert response["Retry-After"] == str(24 * 3600)
    # Another address is not affected, and reading the page is never limited.
    assert password_step(client, "bob", REMOTE_ADDR="198.51.100.9")["Location"] == "/accounts/otp/"
    assert client.get("/accounts/login/", REMOTE_ADDR="203.0.113.5").status_code == 200


def test_it_limits_code_attempts_per_person_across_addresses(client, users, three_a_day):
    assert password_step(client, "alice", REMOTE_ADDR="10.0.0.1")["Location"] == "/accounts/otp/"
    wrong = wrong_code_for(TOTPDevice.objects.get(user=users["alice"]))
    statuses = [client.post("/accounts/otp/", {"code": wrong}, REMOTE_ADDR=f"10.0.1.{i}").status_code
                for i in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_it_limits_code_attempts_per_address(client, users, three_a_day):
    # Three people signing in from one address, one code attempt each, then a fourth attempt.
    statuses = []
    for i, name in enumerate(("alice", "bob", "charlie", "paula")):
        other = client.__class__()
        assert password_step(other, name, REMOTE_ADDR=f"10.0.2.{i}")["Location"] == "/accounts/otp/"
        device = TOTPDevice.objects.get(user=users[name])
        statuses.append(other.post("/accounts/otp/", {"code": wrong_code_for(device)}, REMOTE_ADDR="10.0.9.9")
                        .status_code)
    assert statuses == [200, 200, 200, 429]
