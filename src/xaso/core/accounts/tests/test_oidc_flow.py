# SPDX-License-Identifier: AGPL-3.0-or-later
"""Citizens and businesses sign in through OpenID Connect, end to end over real HTTP.

A live server runs xaso with the fake VNeID mounted; a `requests` session plays the browser: the
sign-in page's VNeID button, the provider's form, the redirect back, the code exchanged server to
server, the ID token checked against the provider's published key.
"""

import html
import re
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests

from xaso.core.accounts.models import User
from xaso.core.accounts.roles import Role
from xaso.core.audit.models import AuditEvent

PID = "079203001234"

# The live server empties the database after each test; serialized_rollback puts the places back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def provider(live_server, settings, tmp_path):
    """Point the relying party at the fake provider served by the live server."""
    base = f"{live_server.url}/fake-idp"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks/"
    settings.XASO_OIDC_ISSUER = base
    settings.XASO_PUBLIC_URL = live_server.url
    settings.VAR_DIR = tmp_path
    return live_server.url


def form_fields(page: str) -> dict:
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="radio"' not in tag:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def open_provider_form(browser: requests.Session, site: str) -> requests.Response:
    login = browser.get(f"{site}/accounts/login/")
    button = re.search(r'<a class="button" id="vneid" href="([^"]+)"', login.text).group(1)
    form = browser.get(urljoin(site, html.unescape(button)))  # follows the redirect to the provider
    assert form.status_code == 200 and "Đăng nhập bằng định danh điện tử (mô phỏng VNeID)" in form.text
    return form


def submit_identity(browser, form, *, name, personal_id=PID, account_type="citizen", follow=True):
    data = {**form_fields(form.text), "full_name": name, "personal_id": personal_id, "account_type": account_type}
    return browser.post(form.url.split("?")[0], data=data, headers={"Referer": form.url}, allow_redirects=follow)


def sign_in(site, **identity) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    landed = submit_identity(browser, open_provider_form(browser, site), **identity)
    return browser, landed


def test_it_signs_a_citizen_in_through_vneid(provider):
    browser, landed = sign_in(provider, name="Lê Thị Hoa")
    assert landed.status_code == 200 and landed.url == f"{provider}/"
    assert "Lê Thị Hoa · Công dân" in landed.text  # the header of a signed-in page
    hoa = User.objects.get(full_name="Lê Thị Hoa")
    assert hoa.role == Role.CITIZEN and not hoa.has_usable_password()
    assert PID not in hoa.username and PID not in (hoa.oidc_subject or "")
    assert AuditEvent.objects.filter(action="xaso.accounts.user.signed_in", actor_id=hoa.pk,
                                     after={"method": "oidc"}).count() == 1


def test_it_finds_the_same_citizen_at_the_second_sign_in(provider):
    sign_in(provider, name="Lê Thị Hoa")
    _browser, landed = sign_in(provider, name="Lê Thị Hoa Mai")  # the registry now has a longer name
    assert "Lê Thị Hoa Mai · Công dân" in landed.text
    assert User.objects.filter(role=Role.CITIZEN, full_name__startswith="Lê Thị Hoa").count() == 1
    assert User.objects.get(role=Role.CITIZEN, full_name__startswith="Lê Thị Hoa").full_name == "Lê Thị Hoa Mai"


def test_it_gives_a_business_account_the_business_role(provider):
    sign_in(provider, name="Lê Thị Hoa")
    _browser, landed = sign_in(provider, name="Công ty TNHH Hoa Sen", account_type="business")
    assert "Công ty TNHH Hoa Sen · Người đại diện doanh nghiệp" in landed.text
    assert User.objects.get(full_name="Công ty TNHH Hoa Sen").role == Role.BUSINESS
    assert User.objects.get(full_name="Lê Thị Hoa").role == Role.CITIZEN


def test_it_refuses_a_wrong_client_secret(provider):
    browser = requests.Session()
    sent_back = submit_identity(browser, open_provider_form(browser, provider), name="Lê Thị Hoa", follow=False)
    code = parse_qs(urlsplit(sent_back.headers["Location"]).query)["code"][0]
    exchange = {"grant_type": "authorization_code", "code": code, "client_id": "xaso-local",
                "redirect_uri": f"{provider}/oidc/callback/"}
    refused = requests.post(f"{provider}/fake-idp/token/", data={**exchange, "client_secret": "guessed"},
                            timeout=30)
    assert refused.status_code == 401 and refused.json() == {"error": "invalid_client"}
    assert not User.objects.filter(full_name="Lê Thị Hoa").exists()


def test_it_refuses_a_reused_code_and_the_citizen_gets_a_message(provider):
    first = requests.Session()
    sent_back = submit_identity(first, open_provider_form(first, provider), name="Lê Thị Hoa", follow=False)
    callback = sent_back.headers["Location"]
    assert "Lê Thị Hoa · Công dân" in first.get(callback).text  # the code is used once, rightly

    # Someone replays the same code: with a state of their own, so only the code stands in the way.
    second = requests.Session()
    own_state = parse_qs(urlsplit(open_provider_form(second, provider).url).query)["state"][0]
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    landed = second.get(f"{provider}/oidc/callback/", params={"code": old_code, "state": own_state})
    assert landed.status_code == 200 and landed.url == f"{provider}/accounts/login/"
    assert "Đăng nhập bằng VNeID không thành công. Vui lòng thử lại." in landed.text
    assert "Lê Thị Hoa · Công dân" not in landed.text
    assert User.objects.filter(full_name="Lê Thị Hoa").count() == 1
