# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune's pages: its list of returns, one return's form (pre-filled, last period beside, bad input
refused with every fault and nothing lost), conflicts, the workflow buttons, the history of figures."""

import pytest
from django.urls import reverse
from django.utils import timezone

from xaso.modules.datasets import periods, services
from xaso.modules.datasets.models import Return, Status, Value
from xaso.testing import COMMUNE_A, COMMUNE_B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]


def url(name="datasets:return", commune=COMMUNE_A, period="2026Q3", **kw):
    return reverse(name, kwargs={"commune_code": commune, "dataset_code": "QN.Q1", "period": period, **kw})


def form(villages, ret=None, **over):
    a1, a2 = villages["a1"].pk, villages["a2"].pk
    data = {"action": "save", f"v:HH:v{a1}": "120", f"v:HH:v{a2}": "80", f"v:POOR:v{a1}": "12",
            f"v:POOR:v{a2}": "8", "v:DOSSIERS:": "0", "v:ONLINE:": "0", "v:RATE:": "45", "v:WIFI:": "yes",
            "v:ROAD:": "Nhựa"}
    if ret is not None:
        for v in Value.objects.filter(ret=ret).select_related("element"):
            data[f"ver:{v.element.code}:{v.slot}"] = str(v.version)
    data.update(over)
    return data


def test_it_lists_what_the_commune_owes(client_for, dataset):
    page = client_for("alice").get(reverse("datasets:commune_returns", args=[COMMUNE_A])).content.decode()
    this_quarter = periods.containing("quarterly", timezone.localdate()).key
    assert "QN.Q1" in page and url(period=this_quarter) in page  # to start


def test_opening_the_page_opens_the_return_with_what_xaso_knows(client_for, dataset, villages):
    page = client_for("alice").get(url())
    assert page.status_code == 200
    ret = Return.objects.get()
    assert ret.period == "2026Q3"
    assert 'name="v:DOSSIERS:"' in page.content.decode() and ret.values.filter(source="prefill").count() == 2


def test_saving_keeps_a_draft_and_a_bad_value_refuses_everything(client_for, dataset, villages):
    alice = client_for("alice")
    alice.get(url())
    ret = Return.objects.get()
    refused = alice.post(url(), form(villages, ret, **{"v:RATE:": "150", f"v:HH:v{villages['a1'].pk}": "nhiều"}))
    body = refused.content.decode()
    assert refused.status_code == 400 and 'id="faults"' in body
    assert 'value="nhiều"' in body  # what was typed is shown again, not lost
    assert Value.objects.filter(ret=ret, element__code="HH").count() == 0
    saved = alice.post(url(), form(villages, ret, **{"v:ROAD:": ""}))
    assert saved.status_code == 302
    assert Value.objects.get(ret=ret, element__code="HH", village=villages["a1"]).text == "120"
    assert Return.objects.get().status == Status.DRAFT  # a partial return is kept as a draft


def test_a_stale_page_shows_the_conflict(client_for, dataset, villages, users):
    alice = client_for("alice")
    alice.get(url())
    ret = Return.objects.get()
    alice.post(url(), form(villages, ret))
    stale = form(villages, ret)
    services.values_save(actor=users["sam"], ret=ret, entries=[services.Entry("RATE", "50")])
    answer = alice.post(url(), {**stale, "v:RATE:": "47"})
    assert 'id="conflicts"' in answer.content.decode()
    assert Value.objects.get(ret=ret, element__code="RATE").text == "50"


def test_the_workflow_from_the_page(client_for, dataset, villages):
    alice, bob, paula = client_for("alice"), client_for("bob"), client_for("paula")
    alice.get(url())
    ret = Return.objects.get()
    alice.post(url(), form(villages, ret, **{"v:ONLINE:": "5"}))  # more online dossiers than dossiers
    refused = bob.post(url(), {"action": "submit", "version": ret.version})
    assert "Hồ sơ trực tuyến không được nhiều hơn" in refused.content.decode()
    assert Return.objects.get().status == Status.DRAFT
    alice.post(url(), form(villages, ret, **{"v:ONLINE:": "0"}))
    assert bob.post(url(), {"action": "submit", "version": ret.version}).status_code == 302
    assert alice.post(url(), {"action": "approve", "version": 1}).status_code == 403  # not the approver
    assert paula.post(url(), {"action": "approve", "version": 1}).status_code == 302
    ret.refresh_from_db()
    assert ret.status == Status.APPROVED
    locked = alice.post(url(), form(villages, ret, **{"v:RATE:": "46"}))
    assert locked.status_code == 400 and Value.objects.get(ret=ret, element__code="RATE").text == "45"


def test_the_history_of_the_figures(client_for, dataset, villages):
    alice = client_for("alice")
    alice.get(url())
    ret = Return.objects.get()
    alice.post(url(), form(villages, ret))
    alice.post(url(), form(villages, ret, **{"v:RATE:": "46"}))
    page = alice.get(url("datasets:return_history")).content.decode()
    assert "45" in page and "46" in page and "alice" in page.lower()
    csv = alice.get(url("datasets:return_history") + "?export=csv").content.decode("utf-8-sig")
    assert "RATE" in csv and "45" in csv


def test_outsiders_get_nothing(client_for, dataset, villages):
    assert client_for("charlie").get(url()).status_code == 404  # an official of B
    assert client_for("oscar").get(url()).status_code == 404  # another province
    assert client_for("paula").get(url()).status_code == 404  # the province sees it once it exists
    assert not Return.objects.exists()
    assert client_for("alice").get(url(period="2099Q1")).status_code == 404  # not started yet
    assert client_for("alice").get(url(commune=COMMUNE_B)).status_code == 404
