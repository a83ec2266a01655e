# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officials sign in with a password, then a TOTP code; they are in only after the code."""

import time

from django.contrib.auth import SESSION_KEY
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso import testing
from xaso.core.accounts import signin
from xaso.core.accounts.roles import Role

from .helpers import code_for, events, full_sign_in, password_step, wrong_code_for


def test_it_shows_an_accessible_sign_in_page_with_the_vneid_button(client, users):
    page = client.get("/accounts/login/").content.decode()
    assert '<label for="id_username">Tên đăng nhập' in page
    assert '<label for="id_password">Mật khẩu' in page
    assert 'autocomplete="username"' in page and 'autocomplete="current-password"' in page
    assert 'href="/oidc/authenticate/"' in page and "Đăng nhập bằng VNeID" in page


def test_it_lets_an_official_in_only_after_the_code(client, users):
    alice = users["alice"]
    response = password_step(client, "alice")
    assert response.status_code == 302 and response["Location"] == "/accounts/otp/"
    # Between password and code: nobody is signed in, the API and the home page see an anonymous visitor.
    assert SESSION_KEY not in client.session
    assert client.get("/").status_code == 200  # the public home page, not a redirect to alice's roadmap
    assert not events("xaso.accounts.user.signed_in").exists()

    page = client.get("/accounts/otp/").content.decode()
    assert '<label for="id_code">Mã xác thực 6 chữ số' in page and 'autocomplete="one-time-code"' in page

    device = TOTPDevice.objects.get(user=alice)
    response = client.post("/accounts/otp/", {"code": code_for(device)})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(alice.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get("/")["Location"] == f"/model/communes/{testing.COMMUNE_A}/roadmap/"
    assert events("xaso.accounts.user.signed_in", alice).get().actor_id == alice.pk


def test_it_goes_on_to_a_safe_next_page_only(client, users):
    response = full_sign_in(client, users["alice"], next_url="/places/communes/")
    assert response["Location"] == "/places/communes/"
    client.post("/accounts/logout/")
    bob = users["bob"]
    response = full_sign_in(client, bob, next_url="https://evil.example/steal")
    assert response["Location"] == "/"


def test_it_refuses_a_wrong_code(client, users):
    alice = users["alice"]
    password_step(client, "alice")
    response = client.post("/accounts/otp/", {"code": wrong_code_for(TOTPDevice.objects.get(user=alice))})
    page = response.content.decode()
    assert response.status_code == 200 and "Mã xác thực không đúng" in page
    assert 'aria-describedby="form-errors"' in page and 'id="form-errors"' in page
    assert SESSION_KEY not in client.session


def test_it_makes_a_fast_second_guess_wait(client, users, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 3600  # django-otp's back-off after a wrong code, made long
    device = TOTPDevice.objects.get(user=users["alice"])
    password_step(client, "alice")
    client.post("/accounts/otp/", {"code": wrong_code_for(device)})
    response = client.post("/accounts/otp/", {"code": code_for(device)})  # even the right code waits
    assert "vui lòng đợi vài giây trước khi nhập mã khác" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_it_refuses_a_code_that_is_not_six_digits_with_a_linked_error(client, users):
    password_step(client, "alice")
    page = client.post("/accounts/otp/", {"code": "12ab"}).content.decode()
    assert 'id="id_code_error"' in page and 'aria-describedby="id_code_helptext id_code_error"' in page
    assert "Hãy nhập đủ 6 chữ số" in page


def test_it_does_not_accept_the_same_code_twice(client, users):
    alice = users["alice"]
    device = TOTPDevice.objects.get(user=alice)
    code = code_for(device)
    password_step(client, "alice")
    assert client.post("/accounts/otp/", {"code": code}).status_code == 302
    client.post("/accounts/logout/")
    password_step(client, "alice")
    response = client.post("/accounts/otp/", {"code": code})  # someone who saw the code over a shoulder
    assert response.status_code == 200 and SESSION_KEY not in client.session


def test_it_refuses_a_wrong_password_and_links_the_message_to_the_fields(client, users):
    response = password_step(client, "alice", "not the password")
    page = response.content.decode()
    assert response.status_code == 200 and "Tên đăng nhập hoặc mật khẩu không đúng." in page
    assert 'role="alert"' in page and page.count('aria-describedby="form-errors"') == 2
    assert signin.PENDING_KEY not in client.session


def test_it_points_citizens_to_the_vneid_button(client, users):
    response = password_step(client, "cindy")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Công dân và doanh nghiệp không đăng nhập bằng mật khẩu tại đây" in page
    assert 'href="/oidc/authenticate/"' in page
    assert signin.PENDING_KEY not in client.session and SESSION_KEY not in client.session


def test_it_enrols_the_second_factor_at_the_first_sign_in(client, users, system_scope):
    newcomer = testing.make_user("lan", Role.CLERK, commune=testing.COMMUNE_A, totp=False)
    response = password_step(client, "lan")
    assert response["Location"] == "/accounts/otp/setup/"
    page = client.get("/accounts/otp/setup/").content.decode()
    device = TOTPDevice.objects.get(user=newcomer)
    assert not device.confirmed
    assert '<svg role="img"' in page and "<title>Mã QR để thêm xaso vào ứng dụng xác thực</title>" in page
    assert signin.secret_for_display(device) in page
    # Reloading the page keeps the same secret: the app already scanned it.
    assert signin.secret_for_display(device) in client.get("/accounts/otp/setup/").content.decode()
    assert client.get("/accounts/otp/")["Location"] == "/accounts/otp/setup/"

    response = client.post("/accounts/otp/setup/", {"code": code_for(device)})
    assert response.status_code == 302 and client.session[SESSION_KEY] == str(newcomer.pk)
    device.refresh_from_db()
    assert device.confirmed
    assert events("xaso.accounts.user.second_factor_enrolled", newcomer).count() == 1
    assert events("xaso.accounts.user.signed_in", newcomer).count() == 1


def test_it_makes_a_new_secret_for_every_enrolment_attempt(client, users, system_scope):
    newcomer = testing.make_user("lan", Role.CLERK, commune=testing.COMMUNE_A, totp=False)
    password_step(client, "lan")
    client.get("/accounts/otp/setup/")
    first = TOTPDevice.objects.get(user=newcomer)
    password_step(client, "lan")  # an abandoned attempt, perhaps someone else's: its secret must die
    client.get("/accounts/otp/setup/")
    second = TOTPDevice.objects.get(user=newcomer)
    assert second.pk != first.pk and second.key != first.key
    stale_code = f"{totp(first.bin_key):06d}"  # what the app that scanned the first secret shows
    assert client.post("/accounts/otp/setup/", {"code": stale_code}).status_code == 200
    assert SESSION_KEY not in client.session


def test_it_sends_an_enrolled_official_to_the_code_page_not_the_setup(client, users):
    password_step(client, "alice")
    assert client.get("/accounts/otp/setup/")["Location"] == "/accounts/otp/"
    assert TOTPDevice.objects.filter(user=users["alice"], confirmed=False).count() == 0


def test_it_ends_a_sign_in_left_half_way_for_too_long(client, users):
    password_step(client, "alice")
    session = client.session
    session[signin.PENDING_KEY]["at"] = int(time.time()) - signin.PENDING_SECONDS - 1
    session.save()
    response = client.get("/accounts/otp/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert "Quá thời gian đăng nhập" in response.content.decode()
    assert signin.PENDING_KEY not in client.session


def test_it_sends_the_code_pages_back_to_sign_in_without_a_password_first(client, users):
    assert client.get("/accounts/otp/")["Location"] == "/accounts/login/"
    assert client.post("/accounts/otp/setup/", {"code": "123456"})["Location"] == "/accounts/login/"


def test_it_signs_out_by_post_only_and_records_it(client, users):
    alice = users["alice"]
    full_sign_in(client, alice)
    assert client.get("/accounts/logout/").status_code == 405
    assert SESSION_KEY in client.session
    response = client.post("/accounts/logout/", follow=True)
    assert SESSION_KEY not in client.session
    assert "Bạn đã đăng xuất." in response.content.decode()
    event = events("xaso.accounts.user.signed_out", alice).get()
    assert event.actor_id == alice.pk and event.after == {"reason": "user"}


def test_it_says_role_labels_in_vietnamese():
    with translation.override("vi"):
        labels = {role: str(role.label) for role in Role}
    assert labels[Role.CLERK] == "Văn thư"
    assert labels[Role.DIGITAL_TEAM_MEMBER] == "Thành viên Tổ công nghệ số cộng đồng"
    with translation.override("en"):
        assert all(labels[role] != str(role.label) for role in Role)  # every one is translated
