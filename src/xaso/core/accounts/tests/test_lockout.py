# SPDX-License-Identifier: AGPL-3.0-or-later
"""Level 3: an account is locked after 5 failed sign-ins (passwords and codes alike), per account."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.accounts import signin

from .helpers import code_for, events, full_sign_in, password_step, wrong_code_for

OFFICE = "203.0.113.10"  # a commune office: every official behind one NAT address
ELSEWHERE = "198.51.100.7"


@pytest.fixture
def no_code_backoff(settings):
    """django-otp waits 1, 2, 4… seconds after each wrong code; these tests type codes faster than that."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def fail_passwords(client, username, times, address=OFFICE):
    return [password_step(client, username, "wrong password", REMOTE_ADDR=address) for _ in range(times)]


def test_it_locks_an_account_at_the_fifth_failure_and_says_for_how_long(client, users):
    responses = fail_passwords(client, "alice", 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 403]
    page = responses[-1].content.decode()
    assert "Tài khoản này đã bị tạm khóa do đăng nhập sai 5 lần." in page
    assert "Tài khoản bị khóa trong 30 phút" in page
    # Now even the right password is refused.
    assert password_step(client, "alice", REMOTE_ADDR=OFFICE).status_code == 403
    assert signin.PENDING_KEY not in client.session
    # The lock is written to the audit trail once, not once per refused attempt.
    assert events("xaso.accounts.user.locked_out", users["alice"]).count() == 1


def test_it_locks_the_account_not_the_office_network(client, users):
    fail_passwords(client, "alice", 5, address=OFFICE)
    # Bob signs in from the same office address: a colleague's typos do not lock him out.
    assert password_step(client, "bob", REMOTE_ADDR=OFFICE)["Location"] == "/accounts/otp/"
    # Alice's account stays locked wherever the attempt comes from.
    assert password_step(client, "alice", REMOTE_ADDR=ELSEWHERE).status_code == 403


def test_it_counts_wrong_codes_towards_the_lockout(client, users, no_code_backoff):
    alice = users["alice"]
    device = TOTPDevice.objects.get(user=alice)
    fail_passwords(client, "alice", 2)
    assert password_step(client, "alice", REMOTE_ADDR=OFFICE)["Location"] == "/accounts/otp/"
    wrong = wrong_code_for(device)
    statuses = [client.post("/accounts/otp/", {"code": wrong}, REMOTE_ADDR=OFFICE).status_code for _ in range(3)]
    assert statuses == [200, 200, 403]
    assert signin.PENDING_KEY not in client.session
    # Locked: neither the password nor a right code gets in any more.
    assert password_step(client, "alice", REMOTE_ADDR=OFFICE).status_code == 403
    assert events("xaso.accounts.user.locked_out", alice).count() == 1


def test_it_refuses_the_code_page_once_the_account_is_locked(client, users, no_code_backoff):
    alice = users["alice"]
    assert password_step(client, "alice")["Location"] == "/accounts/otp/"
    fail_passwords(client.__class__(), "alice", 5)  # someone else, elsewhere, locks the account meanwhile
    response = client.post("/accounts/otp/", {"code": code_for(TOTPDevice.objects.get(user=alice))})
    assert response.status_code == 403 and SESSION_KEY not in client.session


def test_it_signs_out_an_official_owing_the_code_when_the_account_gets_locked(users, no_code_backoff):
    alice = users["alice"]
    client = Client()
    client.force_login(alice, backend="xaso.core.accounts.backends.OfficialBackend")  # password only
    wrong = wrong_code_for(TOTPDevice.objects.get(user=alice))
    statuses = [client.post("/accounts/otp/", {"code": wrong}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 403]
    assert SESSION_KEY not in client.session
    assert events("xaso.accounts.user.signed_out", alice).get().after == {"reason": "locked_out"}


def test_it_forgets_earlier_failures_after_a_full_sign_in(client, users):
    fail_passwords(client, "alice", 4)
    full_sign_in(client, users["alice"])
    assert SESSION_KEY in client.session
    client.post("/accounts/logout/")
    assert [r.status_code for r in fail_passwords(client, "alice", 4)] == [200] * 4
