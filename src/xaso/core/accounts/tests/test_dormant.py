# SPDX-License-Identifier: AGPL-3.0-or-later
"""Level 3: an official's account unused for 45 days is disabled, at sign-in and by a daily sweep."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from xaso import testing
from xaso.core.accounts import services
from xaso.core.accounts.models import User
from xaso.core.accounts.roles import Role

from .helpers import events, password_step


def last_used(user, days_ago):
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=now - timedelta(days=days_ago),
                                           date_joined=now - timedelta(days=400))


def test_it_refuses_and_disables_a_dormant_official_at_sign_in(client, users):
    alice = users["alice"]
    last_used(alice, 46)
    response = password_step(client, "alice")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Tài khoản đã bị vô hiệu hóa do không được sử dụng trong 45 ngày." in page
    alice.refresh_from_db()
    assert not alice.is_active
    event = events("xaso.accounts.user.disabled", alice).get()
    assert event.actor_id is None and event.after == {"is_active": False, "reason": "dormant"}
    # The next attempt is simply refused, and nothing more is recorded.
    assert password_step(client, "alice").status_code == 200
    assert SESSION_KEY not in client.session
    assert events("xaso.accounts.user.disabled", alice).count() == 1


def test_it_lets_in_an_official_who_signed_in_within_45_days(client, users):
    last_used(users["alice"], 44)
    assert password_step(client, "alice")["Location"] == "/accounts/otp/"


def test_it_counts_a_never_used_account_from_its_creation(client, users):
    User.objects.filter(pk=users["bob"].pk).update(last_login=None, date_joined=timezone.now() - timedelta(days=46))
    assert password_step(client, "bob").status_code == 200
    assert not User.objects.get(pk=users["bob"].pk).is_active


def test_it_disables_an_account_once(users):
    bob = users["bob"]
    services.user_disable(actor=users["ada"], user=bob, reason="left the commune")
    services.user_disable(actor=users["ada"], user=bob, reason="left the commune")
    assert not User.objects.get(pk=bob.pk).is_active
    assert events("xaso.accounts.user.disabled", bob).count() == 1
    assert events("xaso.accounts.user.disabled", bob).get().actor_id == users["ada"].pk


def test_it_ends_the_open_sessions_of_a_disabled_account(client_for, users):
    bob = client_for("bob")
    assert bob.get("/").status_code == 302  # to his commune's roadmap
    services.user_disable(actor=None, user=users["bob"], reason="dormant")
    assert bob.get("/").status_code == 200  # the public home page: he is nobody now


def test_it_sweeps_dormant_officials_and_only_them(users, capsys, system_scope):
    never = testing.make_user("lan", Role.CLERK, commune=testing.COMMUNE_A)
    User.objects.filter(pk=never.pk).update(date_joined=timezone.now() - timedelta(days=60))
    last_used(users["alice"], 50)
    last_used(users["paula"], 46)
    last_used(users["bob"], 10)
    last_used(users["cindy"], 300)  # a citizen: signs in through VNeID, not this rule
    call_command("disable_dormant_accounts")
    assert capsys.readouterr().out.strip() == "Đã vô hiệu hóa 3 tài khoản không sử dụng."
    inactive = set(User.objects.filter(is_active=False).values_list("username", flat=True))
    assert inactive == {"lan", "alice", "paula"}
    assert events("xaso.accounts.user.disabled").count() == 3

    call_command("disable_dormant_accounts")  # idempotent
    assert capsys.readouterr().out.strip() == "Đã vô hiệu hóa 0 tài khoản không sử dụng."
    assert events("xaso.accounts.user.disabled").count() == 3


def test_it_enables_a_disabled_account_with_a_fresh_dormancy_clock(client, users, capsys):
    alice = users["alice"]
    last_used(alice, 60)
    password_step(client, "alice")  # refused and disabled: dormant
    call_command("enable_account", "--username", "alice")
    assert capsys.readouterr().out.strip() == "Đã kích hoạt lại tài khoản alice."
    assert events("xaso.accounts.user.enabled", alice).count() == 1
    # Her last sign-in is still 60 days ago, but she has 45 days from now to use the account.
    assert password_step(client, "alice")["Location"] == "/accounts/otp/"
    call_command("disable_dormant_accounts")
    assert User.objects.get(pk=alice.pk).is_active
    call_command("enable_account", "--username", "alice")  # already enabled: nothing recorded
    assert events("xaso.accounts.user.enabled", alice).count() == 1


def test_it_says_so_when_asked_to_enable_an_unknown_account(users):
    with pytest.raises(CommandError, match="Không có tài khoản nobody."):
        call_command("enable_account", "--username", "nobody")
