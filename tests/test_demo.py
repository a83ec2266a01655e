# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso demo`: a user for every role in each demo commune, an accounts file that tells the truth,
passwords that sign in, and a second run that changes nothing."""

import json
import re
from base64 import b32encode
from binascii import unhexlify
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core import demo, tenancy
from xaso.core.accounts.fake_idp import subject_for
from xaso.core.accounts.models import User
from xaso.core.accounts.oidc import CitizenOIDCBackend
from xaso.core.accounts.roles import COMMUNE_ROLES, PEOPLE, Role
from xaso.core.audit.models import AuditEvent
from xaso.core.catalogue.models import Adoption, Status
from xaso.core.places.models import Commune, Village
from xaso.modules.datasets.models import Return, Value

CODES = ("06688", "06862", "06994")


@pytest.fixture
def demo_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return settings


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def accounts(settings) -> list[dict]:
    return json.loads((settings.VAR_DIR / "demo-accounts.json").read_text(encoding="utf-8"))


def counts() -> dict[str, int]:
    with tenancy.unscoped():
        return {model.__name__: model.objects.count()
                for model in (User, Village, TOTPDevice, Adoption, AuditEvent, Return, Value)}


def test_it_creates_exactly_one_user_per_role_in_each_commune(db, demo_settings):
    run_demo()
    for code in CODES:
        for role in COMMUNE_ROLES:
            assert User.objects.filter(commune_id=code, role=role).count() == 1, (code, role)
    for role in (Role.PROVINCE_OFFICIAL, Role.SYSTEM_ADMIN, Role.CITIZEN, Role.BUSINESS):
        assert User.objects.filter(role=role).count() == 1, role
    assert User.objects.get(role=Role.PROVINCE_OFFICIAL).province_id == "22"


def test_it_writes_the_accounts_the_database_holds(db, demo_settings):
    run_demo()
    rows = accounts(demo_settings)
    assert len(rows) == User.objects.count() == len(CODES) * len(COMMUNE_ROLES) + 4
    for row in rows:
        user = User.objects.get(username=row["username"])
        assert (row["role"], row["commune_code"], row["full_name"]) == (user.role, user.commune_id, user.full_name)
        if user.role in PEOPLE:
            assert row["password"] is None and "totp_secret" not in row
            assert row["oidc_subject"] == user.oidc_subject
            assert not user.has_usable_password()
            assert re.fullmatch(r"\d{12}", row["personal_id"])
        else:
            device = TOTPDevice.objects.get(user=user, confirmed=True)
            assert row["totp_secret"] == b32encode(unhexlify(device.key)).decode()
            assert row["totp_uri"].startswith("otpauth://totp/") and row["totp_secret"] in row["totp_uri"]


def test_every_printed_password_signs_in(db, demo_settings):
    printed = run_demo()
    request = RequestFactory().post("/accounts/login/")
    officials = [row for row in accounts(demo_settings) if row["password"]]
    assert len(officials) == len(CODES) * len(COMMUNE_ROLES) + 2
    for row in officials:
        assert row["password"] in printed and row["totp_secret"] in printed
        user = authenticate(request, username=row["username"], password=row["password"])
        assert user is not None and user.username == row["username"]


def test_the_citizen_and_the_business_are_found_by_what_the_test_provider_says(db, demo_settings):
    run_demo()
    for row in accounts(demo_settings):
        if row["role"] in PEOPLE:
            account_type = "business" if row["role"] == Role.BUSINESS else "citizen"
            claims = {"sub": subject_for(account_type, row["personal_id"]), "xaso_account_type": account_type}
            assert list(CitizenOIDCBackend().filter_users_by_claims(claims)) == [
                User.objects.get(username=row["username"])]


def test_a_second_run_creates_nothing(db, demo_settings):
    run_demo()
    before, first = counts(), accounts(demo_settings)
    printed = run_demo()
    assert counts() == before
    assert accounts(demo_settings) == first  # the same passwords and secrets, still valid
    assert "nothing new" in printed


def test_a_password_that_no_longer_works_is_drawn_anew(db, demo_settings):
    run_demo()
    user = User.objects.get(username="tienyen-clerk")
    user.set_password("changed by the clerk herself")
    user.save()
    run_demo()
    row = next(r for r in accounts(demo_settings) if r["username"] == "tienyen-clerk")
    assert row["password"] != "changed by the clerk herself"
    assert authenticate(RequestFactory().post("/"), username="tienyen-clerk", password=row["password"])


def test_it_gives_each_commune_villages_and_varied_adoption(db, demo_settings):
    run_demo()
    with tenancy.unscoped():
        for code in CODES:
            commune = Commune.objects.get(pk=code)
            assert 4 <= Village.objects.filter(commune=commune).count() <= 6
            adoptions = Adoption.objects.filter(commune=commune).select_related("component")
            assert {a.status for a in adoptions} == {Status.LIVE, Status.IN_PROGRESS, Status.PLANNED}
            assert all(a.component.applies_to(commune) for a in adoptions)
            assert all(a.target_date for a in adoptions if a.status != Status.LIVE)
        # The three communes are at different stages, so the matrix has something to compare.
        live = [Adoption.objects.filter(commune_id=code, status=Status.LIVE).count() for code in CODES]
        assert live == sorted(live, reverse=True) and live[0] > live[-1]


def test_the_totp_code_it_prints_is_accepted(db, demo_settings):
    run_demo()
    code = run_demo("--totp-code", "vandon-it-officer").strip()
    assert TOTPDevice.objects.get(user__username="vandon-it-officer").verify_token(code)


def test_it_refuses_to_run_in_production(db, demo_settings):
    demo_settings.PRODUCTION = True
    with pytest.raises(CommandError, match="XASO_ENV=production"):
        run_demo()
    assert User.objects.count() == 0
    assert not demo.accounts_path().exists()


def test_the_audit_trail_it_leaves_verifies(db, demo_settings):
    run_demo()
    assert AuditEvent.objects.filter(action="xaso.demo.loaded").count() == 1
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert out.getvalue().startswith("OK")


def test_the_commune_data_story(db, demo_settings):
    """Issue 6's demo: a quarterly dataset the three communes filled by form, by spreadsheet and offline, with
    what xaso knows pre-filled and a rule violation caught; the province approved; a narrow API key."""
    from django.test import Client

    from xaso.core.integrations.models import Delivery
    from xaso.modules.datasets import periods, services
    from xaso.modules.datasets.models import Dataset, Status

    run_demo()
    with tenancy.unscoped():
        dataset = Dataset.objects.get(code="QN.CDS.Q")
        assert dataset.published_at and Dataset.objects.filter(is_sample=True, published_at=None).count() == 15
        last = periods.containing("quarterly", timezone.localdate()).previous().key
        rets = {r.commune_id: r for r in Return.objects.filter(dataset=dataset, period=last)}
        assert {c: r.status for c, r in rets.items()} == {
            "06688": Status.APPROVED, "06862": Status.SUBMITTED, "06994": Status.DRAFT}
        for code, how in (("06688", "form"), ("06862", "upload"), ("06994", "offline")):
            values = Value.objects.filter(ret=rets[code])
            assert values.filter(element__code="CDS.HO", source=how).exists(), code
            assert values.filter(element__code="CDS.HSTN", source="prefill").exists(), code
        assert any(i.message.endswith("Số hộ nghèo không được lớn hơn số hộ gia đình.") for i in services.return_check(
            rets["06994"]))
        # Queued for the province's data-sharing platform, one publication per approval (sent after commit).
        approved = Return.objects.filter(status=Status.APPROVED).count()
        assert Delivery.objects.filter(system="lgsp").count() == approved == 4
    secret = (demo_settings.VAR_DIR / "demo-api-key.txt").read_text(encoding="utf-8").strip()
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {secret}")
    rows = api.get("/api/v1/data/datasets/QN.CDS.Q/values/?page_size=500").json()["results"]
    assert rows and {r["commune"] for r in rows} == {"06688"}
    assert api.get("/api/v1/data/datasets/QN.CDS.Q/values/?commune=06862").status_code == 404
