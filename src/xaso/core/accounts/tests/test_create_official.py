# SPDX-License-Identifier: AGPL-3.0-or-later
"""xaso create_official bootstraps a real deployment; bad input gets a clear message and creates nothing."""

import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from xaso import testing
from xaso.core.accounts.models import User

from .helpers import events, password_step

STRONG = "nắng sớm trên đồi chè 2026"


def create(monkeypatch, *args, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("create_official", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_official_who_enrols_at_first_sign_in(monkeypatch, client, users):
    out = create(monkeypatch, "--username", "lan.nt", "--role", "one_stop_officer", "--commune", testing.COMMUNE_B,
                 "--full-name", "Nguyễn Thị Lan", "--password-stdin", stdin=STRONG + "\n")
    lan = User.objects.get(username="lan.nt")
    assert (lan.role, lan.commune_id, lan.province_id, lan.full_name) == (
        "one_stop_officer", testing.COMMUNE_B, testing.PROVINCE, "Nguyễn Thị Lan")
    assert "Đã tạo tài khoản lan.nt (Công chức Bộ phận một cửa)." in out
    assert STRONG not in out
    event = events("xaso.accounts.user.created", lan).get()
    assert event.actor_id is None and event.actor_label == "system"
    assert event.after["commune"] == testing.COMMUNE_B
    assert password_step(client, "lan.nt", STRONG)["Location"] == "/accounts/otp/setup/"


def test_it_prints_a_generated_password_once_when_none_is_given(monkeypatch, client, users):
    out = create(monkeypatch, "--username", "hung", "--role", "province_official", "--province", testing.PROVINCE)
    password = re.search(r"Mật khẩu \(chỉ hiển thị một lần, hãy trao tận tay\): (\S+)", out).group(1)
    assert len(password) >= 20
    assert User.objects.get(username="hung").province_id == testing.PROVINCE
    assert password_step(client, "hung", password)["Location"] == "/accounts/otp/setup/"


def test_it_creates_a_system_administrator_without_a_place(monkeypatch, users):
    create(monkeypatch, "--username", "root2", "--role", "system_admin", "--password-stdin", stdin=STRONG)
    assert User.objects.get(username="root2").is_administrator


@pytest.mark.parametrize(("args", "message"), [
    (["--username", "x", "--role", "citizen"], "Không có vai trò cán bộ citizen."),
    (["--username", "x", "--role", "mayor"], "Không có vai trò cán bộ mayor."),
    (["--username", "x", "--role", "clerk"], "Vai trò clerk thuộc một xã: hãy nhập --commune MÃ_XÃ."),
    (["--username", "x", "--role", "clerk", "--commune", "99999"], "Không có xã nào mang mã 99999."),
    (["--username", "x", "--role", "clerk", "--province", "22"], "Vai trò clerk thuộc một xã"),
    (["--username", "x", "--role", "province_official"], "Cán bộ cấp tỉnh thuộc một tỉnh"),
    (["--username", "x", "--role", "province_official", "--province", "77"], "Không có tỉnh nào mang mã 77."),
    (["--username", "x", "--role", "system_admin", "--commune", "06688"], "Quản trị hệ thống không thuộc xã"),
    (["--username", "alice", "--role", "clerk", "--commune", "06688"], "Tên đăng nhập alice đã có người dùng."),
    (["--username", "bad name!", "--role", "clerk", "--commune", "06688"], "username:"),
])
def test_it_refuses_bad_input_clearly_and_creates_nothing(monkeypatch, users, args, message):
    count = User.objects.count()
    with pytest.raises(CommandError) as refused:
        create(monkeypatch, *args, "--password-stdin", stdin=STRONG)
    assert message in str(refused.value)
    assert User.objects.count() == count
    assert not events("xaso.accounts.user.created").exists()


def test_it_refuses_a_weak_password(monkeypatch, users):
    with pytest.raises(CommandError) as refused:
        create(monkeypatch, "--username", "lan", "--role", "clerk", "--commune", "06688", "--password-stdin",
               stdin="12345678\n")
    assert "quá ngắn" in str(refused.value) or "phổ biến" in str(refused.value)
    assert not User.objects.filter(username="lan").exists()
