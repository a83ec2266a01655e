# SPDX-License-Identifier: AGPL-3.0-or-later
"""The data-sharing API (/api/v1/data/): a key reads exactly the approved figures of its datasets and
communes, every use is logged, a bad key is refused, a busy key is slowed down."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from xaso.core.places.models import Commune, Province
from xaso.modules.datasets import apikeys, services
from xaso.modules.datasets.models import ApiKey, ApiKeyUse, DataElement, Return, Status, Value
from xaso.modules.datasets.services import Entry
from xaso.modules.datasets.tests.conftest import make_dataset
from xaso.testing import COMMUNE_A, COMMUNE_B, COMMUNE_C, OTHER_PROVINCE, PROVINCE

API = "/api/v1/data"
Q3 = (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))


def _return(dataset, commune, status, figure, period="2026Q3"):
    """A return with one commune-total figure of its dataset's "RATE" element, in the given state."""
    ret = Return.objects.create(dataset=dataset, commune_id=commune, period=period, period_start=Q3[0],
                                period_end=Q3[1], due_date=Q3[1] + datetime.timedelta(days=10), status=status,
                                approved_at=timezone.now() if status == Status.APPROVED else None)
    element = DataElement.objects.get(province=dataset.province, code="RATE")
    Value.objects.create(ret=ret, element=element, slot="", text=figure, number=figure, updated_at=timezone.now())
    return ret


def _key(users, datasets, communes=(), all_communes=False, **extra):
    key, presented = apikeys.apikey_create(
        actor=users["paula"], province=Province.objects.get(pk=PROVINCE), name="Sở Nông nghiệp", datasets=datasets,
        communes=Commune.objects.filter(pk__in=communes), all_communes=all_communes, **extra)
    return key, presented


def _client(presented):
    return Client(HTTP_AUTHORIZATION=f"Api-Key {presented}")


@pytest.fixture
def world(users):
    """Dataset X and Y of the province, Z of another; returns of A, B, C in every state."""
    x, y = make_dataset("X"), make_dataset("Y")
    z = make_dataset("Z", province=OTHER_PROVINCE)
    other_commune = Commune.objects.filter(province_id=OTHER_PROVINCE).first().pk
    rows = {
        "x_a": _return(x, COMMUNE_A, Status.APPROVED, "11"),
        "x_a_q2": _return(x, COMMUNE_A, Status.APPROVED, "12", period="2026Q2"),
        "x_b": _return(x, COMMUNE_B, Status.APPROVED, "21"),
        "x_c": _return(x, COMMUNE_C, Status.APPROVED, "31"),
        "x_a_draft": _return(x, COMMUNE_A, Status.DRAFT, "91", period="2026Q1"),
        "x_a_submitted": _return(x, COMMUNE_A, Status.SUBMITTED, "92", period="2025Q4"),
        "x_a_returned": _return(x, COMMUNE_A, Status.RETURNED, "93", period="2025Q3"),
        "y_a": _return(y, COMMUNE_A, Status.APPROVED, "41"),
        "z_other": _return(z, other_commune, Status.APPROVED, "51"),
    }
    return {"x": x, "y": y, "z": z, "other_commune": other_commune, **rows}


def _figures(response):
    assert response.status_code == 200, response.content
    return sorted((r["commune"], r["period"], r["value"]) for r in response.json()["results"])


def test_it_gives_a_narrow_key_exactly_its_approved_figures(users, world):
    key, presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    c = _client(presented)
    assert _figures(c.get(f"{API}/datasets/X/values/")) == [(COMMUNE_A, "2026Q2", "12"), (COMMUNE_A, "2026Q3", "11")]
    row = c.get(f"{API}/datasets/X/values/?period=2026Q3").json()["results"][0]
    assert row == {"commune": COMMUNE_A, "commune_name": Commune.objects.get(pk=COMMUNE_A).name, "period": "2026Q3",
                   "element": "RATE", "village": None, "village_id": None, "sex": None, "value": "11", "number": 11.0,
                   "comment": ""}
    # B's approved figures, dataset Y and the other province's dataset do not exist for this key.
    assert c.get(f"{API}/datasets/X/values/?commune={COMMUNE_B}").status_code == 404
    assert c.get(f"{API}/datasets/Y/values/").status_code == 404
    assert c.get(f"{API}/datasets/Z/values/").status_code == 404
    assert c.get(f"{API}/datasets/NOPE/values/").status_code == 404
    assert [d["code"] for d in c.get(f"{API}/datasets/").json()["results"]] == ["X"]
    returns = c.get(f"{API}/datasets/X/returns/").json()["results"]
    assert [(r["commune"], r["period"]) for r in returns] == [(COMMUNE_A, "2026Q2"), (COMMUNE_A, "2026Q3")]


def test_the_scope_selector_reads_nothing_beyond_the_key(users, world):
    narrow, _ = _key(users, [world["x"]], communes=[COMMUNE_A])
    assert set(apikeys.approved_returns(narrow)) == {world["x_a"], world["x_a_q2"]}
    wide, _ = _key(users, [world["x"], world["y"]], all_communes=True)
    assert set(apikeys.approved_returns(wide)) == {world[k] for k in ("x_a", "x_a_q2", "x_b", "x_c", "y_a")}
    # A key naming another province's dataset (written past the service) still reads nothing of it.
    wide.datasets.add(world["z"])
    assert world["z_other"] not in set(apikeys.approved_returns(wide))
    ApiKey.objects.filter(pk=wide.pk).update(revoked_at=timezone.now())
    wide.refresh_from_db()
    assert not apikeys.approved_returns(wide).exists()


def test_every_commune_means_every_commune_of_its_own_province(users, world):
    _, presented = _key(users, [world["x"]], all_communes=True)
    c = _client(presented)
    assert {r[0] for r in _figures(c.get(f"{API}/datasets/X/values/"))} == {COMMUNE_A, COMMUNE_B, COMMUNE_C}
    assert _figures(c.get(f"{API}/datasets/X/values/?commune={COMMUNE_B}")) == [(COMMUNE_B, "2026Q3", "21")]
    assert c.get(f"{API}/datasets/X/values/?commune={world['other_commune']}").status_code == 404


def test_it_filters_by_period_and_element_and_refuses_what_it_cannot_read(users, world):
    _, presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    c = _client(presented)
    assert _figures(c.get(f"{API}/datasets/X/values/?period=2026q2&element=RATE")) == [(COMMUNE_A, "2026Q2", "12")]
    assert _figures(c.get(f"{API}/datasets/X/values/?element=HH")) == []
    bad_period = c.get(f"{API}/datasets/X/values/?period=2026M07")
    assert bad_period.status_code == 400 and "period" in bad_period.json()
    assert c.get(f"{API}/datasets/X/values/?element=NOPE").status_code == 400
    assert c.get(f"{API}/datasets/X/values/?commune=abc%00").status_code == 404


def test_approval_through_the_workflow_makes_figures_readable(users, world, villages):
    dataset = make_dataset("W")
    _, presented = _key(users, [dataset], communes=[COMMUNE_A])
    ret = services.return_open(actor=users["alice"], dataset=dataset, commune=Commune.objects.get(pk=COMMUNE_A),
                               period_key="2026Q3", today=datetime.date(2026, 11, 20))
    a1, a2 = villages["a1"].pk, villages["a2"].pk
    services.values_save(actor=users["alice"], ret=ret, entries=[
        Entry("HH", "120", a1), Entry("HH", "80", a2), Entry("POOR", "12", a1), Entry("POOR", "8", a2),
        Entry("DOSSIERS", "30"), Entry("ONLINE", "20"), Entry("RATE", "45,5"), Entry("WIFI", "có")])
    ret = services.return_submit(actor=users["bob"], ret=ret)
    c = _client(presented)
    assert _figures(c.get(f"{API}/datasets/W/values/")) == []  # submitted, not yet approved
    services.return_approve(actor=users["paula"], ret=ret)
    rows = c.get(f"{API}/datasets/W/values/?element=HH").json()["results"]
    assert {(r["village"], r["value"]) for r in rows} == {("Khu 1", "120"), ("Khu 2", "80")}


def test_every_use_is_logged_answered_or_refused(users, world):
    key, presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    c = _client(presented)
    c.get(f"{API}/datasets/X/values/?period=2026Q3", REMOTE_ADDR="203.0.113.7")
    c.get(f"{API}/datasets/Y/values/")
    c.get(f"{API}/datasets/X/values/?commune={COMMUNE_B}")
    c.post(f"{API}/datasets/")
    uses = list(ApiKeyUse.objects.filter(key=key).order_by("pk"))
    assert [(u.method, u.path, u.status, u.rows) for u in uses] == [
        ("GET", f"{API}/datasets/X/values/?period=2026Q3", 200, 1), ("GET", f"{API}/datasets/Y/values/", 404, 0),
        ("GET", f"{API}/datasets/X/values/?commune={COMMUNE_B}", 404, 0), ("POST", f"{API}/datasets/", 405, 0)]
    assert uses[0].ip == "203.0.113.7"
    key.refresh_from_db()
    assert key.last_used_at == uses[-1].at


def test_revoked_expired_and_garbage_keys_get_401(users, world):
    revoked, revoked_presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    apikeys.apikey_revoke(actor=users["paula"], key=revoked)
    expired, expired_presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    ApiKey.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    live, live_presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    wrong_secret = live.prefix + "." + "x" * 43
    # In the site's first language: Vietnamese.
    for presented, message in [(revoked_presented, "thu hồi"), (expired_presented, "hết hạn"),
                               (wrong_secret, "không hợp lệ"), ("zzzzzzzz." + "y" * 43, "không hợp lệ"),
                               ("not a key", "không hợp lệ"), (f"{live_presented} extra", "không hợp lệ")]:
        response = _client(presented).get(f"{API}/datasets/X/values/")
        assert response.status_code == 401 and message in response.json()["detail"], presented
        assert response["WWW-Authenticate"] == "Api-Key"
    # Logged where the prefix named a key; a key nobody made has nothing to log against.
    assert [u.status for u in ApiKeyUse.objects.filter(key=revoked)] == [401]
    assert [u.status for u in ApiKeyUse.objects.filter(key=expired)] == [401]
    assert [u.status for u in ApiKeyUse.objects.filter(key=live)] == [401]
    assert ApiKeyUse.objects.count() == 3


def test_without_a_key_it_asks_for_one_and_a_session_is_not_enough(users, world, client_for):
    for client in (Client(), client_for("paula"), Client(HTTP_AUTHORIZATION="Token abc")):
        response = client.get(f"{API}/datasets/X/values/")
        assert response.status_code == 401 and "Api-Key" in response.json()["detail"]
    assert not ApiKeyUse.objects.exists()


def test_a_busy_key_gets_429_and_it_is_logged(users, world, monkeypatch):
    monkeypatch.setattr(apikeys, "RATE", "3/h")
    key, presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    other, other_presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    c = _client(presented)
    statuses = [c.get(f"{API}/datasets/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = c.get(f"{API}/datasets/")
    assert refused.status_code == 429 and "3/h" in refused.json()["detail"] and int(refused["Retry-After"]) > 0
    assert [u.status for u in ApiKeyUse.objects.filter(key=key).order_by("pk")] == [200, 200, 200, 429, 429]
    assert _client(other_presented).get(f"{API}/datasets/").status_code == 200  # each key has its own count


def test_a_key_request_starts_no_session(users, world):
    _, presented = _key(users, [world["x"]], communes=[COMMUNE_A])
    response = _client(presented).get(f"{API}/datasets/")
    assert response.status_code == 200 and "sessionid" not in response.cookies


def test_the_catalogue_is_public_and_lists_published_datasets(users, world):
    make_dataset("DRAFT", published=False)
    c = Client()
    body = c.get(f"{API}/catalogue/?province={PROVINCE}").json()
    assert [d["code"] for d in body["results"]] == ["X", "Y"]
    x = body["results"][0]
    assert x["publisher"] == "Sở Khoa học và Công nghệ" and x["keywords"] == ["hộ gia đình", "dịch vụ công"]
    assert x["period_type"] == "quarterly" and x["licence"] == "CC-BY-4.0"
    hh = x["elements"][0]
    assert {k: hh[k] for k in ("code", "name", "value_type", "unit", "disaggregation")} == {
        "code": "HH", "name": "Số hộ gia đình", "value_type": "integer", "unit": "hộ", "disaggregation": "village"}
    assert {d["code"] for d in c.get(f"{API}/catalogue/").json()["results"]} == {"X", "Y", "Z"}
    assert c.get(f"{API}/catalogue/?province=99").status_code == 400
    assert c.get(f"{API}/catalogue/?province=%00").status_code == 400


def test_the_schema_describes_the_sharing_api_and_its_key(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    ours = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "datasets" in m]
    assert ours == []
    assert schema["components"]["securitySchemes"]["ApiKeyAuth"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "Api-Key <prefix>.<secret>, as the province gave it (see docs/data-sharing-api.md)."}
    values = schema["paths"]["/api/v1/data/datasets/{dataset_code}/values/"]["get"]
    assert values["security"] == [{"ApiKeyAuth": []}]
    assert {p["name"] for p in values["parameters"]} >= {"dataset_code", "period", "commune", "element", "page"}
    assert "security" not in schema["paths"]["/api/v1/data/catalogue/"]["get"] or \
        {} in schema["paths"]["/api/v1/data/catalogue/"]["get"]["security"]
