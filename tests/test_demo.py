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


def test_the_measurement_story(db, demo_settings):
    """Issue 7's demo: each commune's 766 score for the last months with the dossiers behind each lost point, a
    survey filled at the counter in the results, the province dashboard comparing the three communes, and the
    provincial dashboard's fake receiving each ended month once."""
    from django.test import Client
    from django.urls import reverse

    from xaso import testing
    from xaso.core.integrations.models import DashboardRecord, Delivery
    from xaso.core.integrations.services import deliver
    from xaso.modules.measurement import feed, months
    from xaso.modules.measurement.models import Score
    from xaso.modules.surveys.models import Link, Response

    run_demo()
    today = timezone.localdate()
    recent = [m.key for m in months.recent(today, 5)]
    with tenancy.unscoped():
        scores = {(s.commune_id, s.period): s for s in Score.objects.filter(period__in=recent)}
        communes = ("06688", "06862", "06994")
        assert {(c, p) for c in communes for p in recent} <= set(scores)
        last = recent[-2]
        assert scores[("06688", last)].total > scores[("06994", last)].total
        # Each ended month was queued for the provincial dashboard once (sent after commit, which the test's
        # transaction never reaches: sent here as the delivery run would); pushing again queues nothing.
        queued = Delivery.objects.filter(system="province_dashboard")
        assert sorted(queued.values_list("key", flat=True)) == sorted(
            f"{c}.{p}.r1" for c in communes for p in recent[:-1])
        assert feed.publish_closed(today) == []
        for delivery in queued:
            deliver(delivery.pk)
            deliver(delivery.pk)  # a retried run: the row is sent already, the fake keeps each key once
        assert DashboardRecord.objects.count() == queued.count()
        official = User.objects.get(username="quangninh-province")
        line = next(x for x in scores[("06994", last)].detail if x["code"] == "TDGQ.1")
        lost = int(line["denominator"] - line["numerator"])
        link = Link.objects.get(survey__commune_id="06688", channel="counter")
        before = Response.objects.filter(survey=link.survey).count()
    assert lost > 0
    province = Client()
    testing.sign_in(province, official)
    page = province.get(reverse("measurement:commune_index_lost", args=["06994", last, "TDGQ.1"]))
    assert page.status_code == 200
    assert len(set(re.findall(rf"LS-06994-{last}-\d\d", page.content.decode()))) == lost
    dashboard = province.get(reverse("measurement:province_dashboard", args=["22"]), {"period": last})
    dashboard = dashboard.content.decode()
    assert all(name in dashboard for name in ("Hạ Long", "Tiên Yên", "Vân Đồn"))

    # A citizen at the counter fills the survey on the tablet; the results count them.
    counter = Client()
    form = counter.get(reverse("surveys:answer", args=[link.token]))
    assert form.status_code == 200
    with tenancy.unscoped():
        questions = list(link.survey.questions.order_by("position"))
    data = {"submission": re.search(r'name="submission" value="([^"]+)"', form.content.decode()).group(1)}
    for q in questions:
        data[q.field_name] = {"scale": "5", "choice": (q.choices or [""])[0], "text": "Cán bộ nhiệt tình"}[q.kind]
    assert counter.post(reverse("surveys:answer", args=[link.token]), data).status_code in (200, 302)
    with tenancy.unscoped():
        assert Response.objects.filter(survey=link.survey).count() == before + 1
