# SPDX-License-Identifier: AGPL-3.0-or-later
"""Playwright fixtures for the browser tests (`make test-browser`, i.e. `pytest -m browser`).

One Debian Chromium per session (a browser downloaded by Playwright would need the Internet), a
fresh browser context per person, pytest-django's `live_server` as the site. Every request any
context makes is recorded, and a test fails if one of them went anywhere but the live server: no page
of xaso may load anything from the Internet (communes run on intranets).

The live server reads the test database from another thread, so browser tests use transactional
databases; `serialized_rollback` puts back the reference data the migrations loaded (3,321 communes,
170 components), which the flush after each transactional test would otherwise remove.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso import testing

# Playwright's sync API runs an event loop in this thread; Django then refuses ORM calls from it as
# "async context" although nothing here is async (microsoft/playwright-python#439). Test process only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("XASO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# URLs that never leave the browser.
LOCAL_SCHEMES = {"data", "blob", "about", "chrome-error"}

# Texts of the sign-in pages in either language (the tests run in Vietnamese, but a label may be
# checked before the translation catalogue is compiled).
USERNAME = re.compile(r"tên đăng nhập|username", re.I)
PASSWORD = re.compile(r"^(mật khẩu|password)", re.I)
SIGN_IN = re.compile(r"^(đăng nhập|sign in|tiếp tục|continue)$", re.I)
OTP_CODE = re.compile(r"mã|code", re.I)
CONFIRM = re.compile(r"^(xác nhận|xác minh|confirm|verify|đăng nhập|sign in|tiếp tục|continue)$", re.I)


def foreign_requests(urls: list[str], live_server_url: str) -> list[str]:
    """The recorded URLs that went anywhere but the live server (localhost or 127.0.0.1, its port)."""
    server = urlsplit(live_server_url)
    ours = {(server.scheme, host, server.port) for host in ("localhost", "127.0.0.1", server.hostname)}
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in LOCAL_SCHEMES:
            continue
        if (parts.scheme, parts.hostname, parts.port) not in ours:
            outside.append(url)
    return outside


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium (or set XASO_CHROMIUM)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def fresh_cache():
    """The cache outlives a test (it is the process's memory): empty it, so that the sign-in rate limit
    counted by client address (every browser test comes from 127.0.0.1) starts from zero in each test."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def url(live_server):
    """url("catalogue:roadmap", code, query="?x=1") → the absolute URL of a named route on the live server."""

    def make(name: str, *args, query: str = "") -> str:
        return live_server.url + reverse(name, args=args) + query

    return make


@pytest.fixture
def requests_seen() -> list[str]:
    """Every URL requested by any browser context of the test, in order."""
    return []


@pytest.fixture
def requests_outside(requests_seen, live_server):
    """requests_outside() → the URLs requested so far in this test that did not go to the live server."""
    return lambda: foreign_requests(requests_seen, live_server.url)


@pytest.fixture
def new_context(chromium, live_server, requests_seen):
    """new_context(**options) → a browser context on the live server; Vietnamese unless told otherwise.

    When the test ends, every request its contexts made must have gone to the live server.
    """
    contexts = []

    def make(**options):
        options.setdefault("locale", "vi-VN")
        options.setdefault("base_url", live_server.url)
        context = chromium.new_context(**options)
        context.set_default_timeout(15_000)
        context.on("request", lambda request: requests_seen.append(request.url))
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    outside = foreign_requests(requests_seen, live_server.url)
    assert not outside, f"requests left the host: {outside}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture
def signed_in(new_context, live_server):
    """signed_in(user, **context_options) → a page of a new context whose session has passed both factors.

    For tests about something else than signing in (test_sign_in.py walks the real forms): the session
    is made by the test client, as `testing.sign_in` does for page tests, and handed to the browser.
    """

    def make(user, **options):
        client = Client()
        testing.sign_in(client, user)
        context = new_context(**options)
        context.add_cookies([
            {"name": name, "value": morsel.value, "url": live_server.url} for name, morsel in client.cookies.items()
        ])
        return context.new_page()

    return make


def current_totp(user) -> str:
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def enter_password(url):
    """enter_password(page, user): the first half of an official's sign-in; leaves the page at the code form."""

    def enter(page, user, password: str = testing.PASSWORD) -> None:
        page.goto(url("accounts:login"))
        page.get_by_label(USERNAME).fill(user.username)
        page.get_by_label(PASSWORD).fill(password)
        page.get_by_role("button", name=SIGN_IN).click()
        page.wait_for_url(re.compile(re.escape(reverse("accounts:otp"))))

    return enter


@pytest.fixture
def sign_in_through_forms(enter_password):
    """sign_in_through_forms(page, user): an official signs in as a person does, password then TOTP code."""

    def sign_in(page, user) -> None:
        enter_password(page, user)
        page.get_by_label(OTP_CODE).fill(current_totp(user))
        page.get_by_role("button", name=CONFIRM).click()
        page.wait_for_url(lambda u: reverse("accounts:otp") not in u and reverse("accounts:login") not in u)

    return sign_in


@pytest.fixture
def tracked_component(system_scope):
    """A component that applies to commune A and that no xaso module provides: its status is typed in."""
    from xaso.core.catalogue import registry
    from xaso.core.catalogue.models import Component
    from xaso.core.places.models import Commune

    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    for component in Component.objects.filter(Component.applicable_q(commune.area_type), tier="commune"):
        if registry.provision(component).kind == registry.TRACKED:
            return component
    pytest.fail("every commune component of commune A is provided by a module: pick another kind")
