# SPDX-License-Identifier: AGPL-3.0-or-later
"""The local stand-in for VNeID, spoken to directly as a client would."""

import base64
import hashlib
import os
import secrets
import subprocess
import sys
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import pytest
from django.conf import settings

from xaso.core.accounts import fake_idp

PID = "001099012345"
REDIRECT = "http://testserver/oidc/callback/"


@pytest.fixture(autouse=True)
def own_keys(settings, tmp_path):
    """Each test starts with no key on disk: the provider makes its key and salt on first use."""
    settings.VAR_DIR = tmp_path


def auth_params(**changes):
    params = {"response_type": "code", "client_id": settings.OIDC_RP_CLIENT_ID, "redirect_uri": REDIRECT,
              "scope": "openid profile", "state": "st4te", "nonce": "n0nce"}
    params.update(changes)
    return params


def authorize(client, *, personal_id=PID, account_type="citizen", name="Trần Văn An", **changes):
    return client.post("/fake-idp/authorize/", {**auth_params(**changes), "full_name": name,
                                                "personal_id": personal_id, "account_type": account_type})


def code_from(response) -> str:
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert query["state"] == ["st4te"]
    return query["code"][0]


def exchange(client, code, secret=None, **extra):
    return client.post("/fake-idp/token/", {
        "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "client_secret": settings.OIDC_RP_CLIENT_SECRET if secret is None else secret, **extra})


def test_it_shows_the_simulated_vneid_form_in_vietnamese(client, db):
    page = client.get("/fake-idp/authorize/?" + urlencode(auth_params())).content.decode()
    assert "<h1>Đăng nhập bằng định danh điện tử (mô phỏng VNeID)</h1>" in page
    assert '<label for="id_full_name">Họ và tên' in page and 'autocomplete="name"' in page
    assert '<label for="id_personal_id">Số định danh cá nhân' in page
    assert "<legend>Đăng nhập với tư cách" in page and "Người đại diện doanh nghiệp" in page
    assert 'name="state" value="st4te"' in page


@pytest.mark.parametrize("personal_id", ["00109901234", "0010990123456", "00109901234a", ""])
def test_it_wants_exactly_twelve_digits(client, db, personal_id):
    response = authorize(client, personal_id=personal_id)
    page = response.content.decode()
    assert response.status_code == 200
    assert ('id="id_personal_id_error"' in page and 'aria-invalid="true"' in page)
    assert personal_id == "" or "Số định danh cá nhân phải gồm đúng 12 chữ số." in page


@pytest.mark.parametrize("changes", [
    {"client_id": "someone-else"},
    {"redirect_uri": "https://evil.example/oidc/callback/"},
    {"redirect_uri": "javascript:alert(1)"},
    {"response_type": "token"},
    {"scope": "profile"},
])
def test_it_refuses_a_bad_request_without_redirecting(client, db, changes):
    for response in (client.get("/fake-idp/authorize/?" + urlencode(auth_params(**changes))),
                     authorize(client, **changes)):
        assert response.status_code == 400
        assert "Yêu cầu đăng nhập bị từ chối" in response.content.decode()


def test_it_issues_a_signed_id_token_that_never_carries_the_personal_id(client, db):
    response = exchange(client, code_from(authorize(client)))
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    tokens = response.json()
    keys = client.get("/fake-idp/jwks/").json()["keys"]
    header = jwt.get_unverified_header(tokens["id_token"])
    key = next(k for k in keys if k["kid"] == header["kid"])
    claims = jwt.decode(tokens["id_token"], jwt.PyJWK(key), algorithms=["RS256"],
                        audience=settings.OIDC_RP_CLIENT_ID, issuer="http://testserver/fake-idp")
    assert claims["nonce"] == "n0nce" and claims["exp"] > claims["iat"]
    assert claims["name"] == "Trần Văn An" and claims["xaso_account_type"] == "citizen"
    info = client.get("/fake-idp/userinfo/", HTTP_AUTHORIZATION="Bearer " + tokens["access_token"]).json()
    assert info["sub"] == claims["sub"]
    assert PID not in claims["sub"] and PID not in tokens["id_token"] and PID not in str(info)
    assert PID not in base64.urlsafe_b64decode(tokens["id_token"].split(".")[1] + "==").decode()


def test_it_gives_the_same_person_the_same_subject_and_a_business_another(client, db):
    def subject(**kwargs):
        tokens = exchange(client, code_from(authorize(client, **kwargs))).json()
        return jwt.decode(tokens["id_token"], options={"verify_signature": False})["sub"]

    first = subject()
    assert subject(name="Trần Văn An (đổi tên)") == first
    assert subject(account_type="business") != first
    assert subject(personal_id="001099012346") != first


def test_it_accepts_a_code_once_and_only_with_the_right_secret(client, db):
    code = code_from(authorize(client))
    wrong = exchange(client, code, secret="not-the-secret")
    assert wrong.status_code == 401 and wrong.json() == {"error": "invalid_client"}
    assert exchange(client, code).status_code == 200
    reused = exchange(client, code)
    assert reused.status_code == 400 and reused.json() == {"error": "invalid_grant"}


def test_it_refuses_a_code_sent_with_another_redirect_uri(client, db):
    code = code_from(authorize(client))
    assert exchange(client, code, redirect_uri="http://testserver/elsewhere/").json() == {"error": "invalid_grant"}


def test_it_accepts_basic_client_authentication_and_checks_pkce(client, db):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    basic = base64.b64encode(f"{settings.OIDC_RP_CLIENT_ID}:{settings.OIDC_RP_CLIENT_SECRET}".encode()).decode()

    def token(code, code_verifier):
        return client.post("/fake-idp/token/", {"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": REDIRECT, "code_verifier": code_verifier},
                           HTTP_AUTHORIZATION="Basic " + basic)

    pkce = {"code_challenge": challenge, "code_challenge_method": "S256"}
    assert token(code_from(authorize(client, **pkce)), "w" * 50).json() == {"error": "invalid_grant"}
    assert token(code_from(authorize(client, **pkce)), verifier).status_code == 200


def test_it_refuses_userinfo_without_a_valid_token(client, db):
    assert client.get("/fake-idp/userinfo/").status_code == 401
    response = client.get("/fake-idp/userinfo/", HTTP_AUTHORIZATION="Bearer made-up")
    assert response.status_code == 401 and "invalid_token" in response["WWW-Authenticate"]


def test_it_publishes_discovery_and_keeps_its_key_on_disk(client, db, settings):
    doc = client.get("/fake-idp/.well-known/openid-configuration").json()
    assert doc["issuer"] == "http://testserver/fake-idp"
    assert doc["token_endpoint"] == "http://testserver/fake-idp/token/"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    kid = client.get("/fake-idp/jwks/").json()["keys"][0]["kid"]
    key_file = settings.VAR_DIR / "fake-idp" / "signing-key.pem"
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"
    fake_idp._loaded.clear()  # a restart: the key is read back, not made anew
    fake_idp._keys.clear()
    assert client.get("/fake-idp/jwks/").json()["keys"][0]["kid"] == kid


def test_it_answers_only_the_methods_it_knows(client, db):
    assert client.get("/fake-idp/token/").status_code == 405
    assert client.post("/fake-idp/jwks/").status_code == 405


def settings_in(tmp_path, *names, **env) -> list[str]:
    """The named settings as a fresh process reads them from this environment (and nothing inherited)."""
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    code = "import sys; from xaso import settings as s; print(*(getattr(s, n) for n in sys.argv[1:]), sep='\\n')"
    result = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code, *names], env={**keep, "XASO_VAR_DIR": str(tmp_path), **env},
        capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_it_is_where_the_settings_point_unless_a_real_provider_is_configured(tmp_path):
    names = ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT",
             "OIDC_OP_JWKS_ENDPOINT", "XASO_OIDC_ISSUER")
    assert settings_in(tmp_path, *names, XASO_PUBLIC_URL="http://xa.local:9000/") == [
        "http://xa.local:9000/fake-idp/authorize/", "http://xa.local:9000/fake-idp/token/",
        "http://xa.local:9000/fake-idp/userinfo/", "http://xa.local:9000/fake-idp/jwks/",
        "http://xa.local:9000/fake-idp"]
    real = settings_in(tmp_path, "OIDC_OP_TOKEN_ENDPOINT", "XASO_OIDC_ISSUER",
                       XASO_OIDC_TOKEN_ENDPOINT="https://sso.example.vn/token", XASO_OIDC_ISSUER="https://sso.example.vn")
    assert real == ["https://sso.example.vn/token", "https://sso.example.vn"]


def test_it_never_runs_in_production(tmp_path):
    production = {"XASO_ENV": "production", "XASO_SECRET_KEY": secrets.token_urlsafe(50),
                  "XASO_ALLOWED_HOSTS": "example.org"}
    assert settings_in(tmp_path, "XASO_FAKE_IDP", "OIDC_OP_TOKEN_ENDPOINT", **production) == ["False", ""]
    keep = {k: os.environ[k] for k in ("PATH", "HOME", "LANG", "SYSTEMROOT") if k in os.environ}
    refused = subprocess.run([sys.executable, "-c", "import xaso.settings"], capture_output=True, text=True,
                             env={**keep, **production, "XASO_VAR_DIR": str(tmp_path), "XASO_FAKE_IDP": "1"},
                             check=False)
    assert refused.returncode != 0 and "XASO_FAKE_IDP" in refused.stderr
