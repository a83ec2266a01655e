# SPDX-License-Identifier: AGPL-3.0-or-later
"""Offline entry: the page (opened on the first visit, the form with versions and last period's figures) and
the sync endpoint (saves, conflicts shown and not overwritten, a refused batch stores nothing, a locked
return answers 409, a retried request changes nothing more, CSRF, permissions and scoping)."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places.models import Commune
from xaso.modules.datasets import services
from xaso.modules.datasets.models import Return, Source, Value, ValueChange
from xaso.modules.datasets.services import Entry
from xaso.testing import COMMUNE_A, COMMUNE_B

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]

PERIOD = "2026Q3"


def url(name="datasets:offline", commune=COMMUNE_A, period=PERIOD):
    return reverse(name, kwargs={"commune_code": commune, "dataset_code": "QN.Q1", "period": period})


def sync(client, values, key="k-0000000001", **extra):
    return client.post(url("datasets:offline_sync"), json.dumps({"key": key, "values": values}),
                       content_type="application/json", **extra)


def opened(users, dataset, period=PERIOD):
    return services.return_open(actor=users["bob"], dataset=dataset, commune=Commune.objects.get(pk=COMMUNE_A),
                                period_key=period)


def figure(element, value, version=0, village=None, sex="", comment=""):
    return {"element": element, "village_id": village.pk if village else None, "sex": sex, "value": value,
            "comment": comment, "version": version}


def test_visiting_the_page_opens_the_return_and_renders_its_form(client_for, users, dataset, villages):
    last = opened(users, dataset, "2026Q2")
    services.values_save(actor=users["bob"], ret=last, entries=[Entry("HH", "115", villages["a1"].pk)])
    page = client_for("bob").get(url())
    assert page.status_code == 200
    ret = Return.objects.get(period=PERIOD)
    body = page.content.decode()
    a1 = villages["a1"].pk
    # One input per element and place, each with the version it shows (0: no figure yet).
    assert re.search(rf'data-element="HH" data-slot="v{a1}" data-village="{a1}" data-sex="" data-version="0"', body)
    assert 'data-element="DOSSIERS" data-slot="" data-village="" data-sex="" data-version="1"' in body
    assert body.count('class="help prefilled"') == ret.values.filter(source=Source.PREFILL).count() == 2
    assert '<td class="previous">115</td>' in body  # last period's figure beside this period's
    assert "Khu 1" in body and "Khu 2" in body and "Thôn Đông" not in body  # A's villages, not B's
    assert f'data-storage-key="xaso.datasets.offline.{users["bob"].pk}.{COMMUNE_A}.QN.Q1.{PERIOD}"' in body
    assert 'data-sw-scope="/data/communes/06688/returns/"' in body and "datasets/offline.js" in body
    assert page["Cache-Control"].startswith("max-age=0")  # the service worker keeps the copy, not HTTP caches


def test_it_saves_what_the_page_sends_and_answers_every_version(client_for, users, dataset, villages):
    bob = client_for("bob")
    bob.get(url())
    a1, a2 = villages["a1"], villages["a2"]
    reply = sync(bob, [figure("HH", "120", village=a1), figure("HH", "1.250", village=a2),
                       figure("WIFI", "có", comment="Nhà văn hóa"), figure("DOSSIERS", "7", version=1)])
    assert reply.status_code == 200
    data = reply.json()
    assert data["saved"] == 4 and data["conflicts"] == [] and data["key"] == "k-0000000001"
    stored = Value.objects.get(element__code="HH", village=a2)
    assert (stored.text, stored.source, stored.updated_by) == ("1250", Source.OFFLINE, users["bob"])
    versions = {(v["element"], v["slot"]): (v["value"], v["version"]) for v in data["values"]}
    assert versions[("HH", f"v{a2.pk}")] == ("1250", 1) and versions[("DOSSIERS", "")] == ("7", 2)
    assert versions[("ONLINE", "")] == ("0", 1)  # every figure of the return, not only those sent
    assert Value.objects.get(element__code="WIFI").comment == "Nhà văn hóa"


def test_a_request_sent_again_with_the_same_key_changes_nothing_more(client_for, users, dataset, villages):
    bob = client_for("bob")
    bob.get(url())
    batch = [figure("HH", "120", village=villages["a1"]), figure("DOSSIERS", "7", version=1)]
    first = sync(bob, batch, key="retry-000001")
    counts = (Value.objects.count(), ValueChange.objects.count(), AuditEvent.objects.count())
    again = sync(bob, batch, key="retry-000001")  # the answer was lost with the connection
    assert again.status_code == 200 and again.json() == first.json()
    assert (Value.objects.count(), ValueChange.objects.count(), AuditEvent.objects.count()) == counts


def test_a_figure_changed_on_the_server_is_a_conflict_not_overwritten(client_for, users, dataset, villages):
    bob = client_for("bob")
    bob.get(url())
    a1 = villages["a1"]
    sync(bob, [figure("HH", "120", village=a1)])  # HH[a1] is at version 1 on bob's page
    ret = Return.objects.get()
    services.values_save(actor=users["sam"], ret=ret, entries=[Entry("HH", "121", a1.pk)],
                         seen_versions={("HH", f"v{a1.pk}"): 1})
    reply = sync(bob, [figure("HH", "999", version=1, village=a1), figure("RATE", "45")], key="k-0000000002")
    data = reply.json()
    assert reply.status_code == 200 and data["saved"] == 1
    [conflict] = data["conflicts"]
    assert {k: conflict[k] for k in ("element", "place", "theirs", "yours", "changed_by", "version")} == {
        "element": "HH", "place": "Khu 1", "theirs": "121", "yours": "999", "changed_by": str(users["sam"]),
        "version": 2}
    assert Value.objects.get(element__code="HH", village=a1).text == "121"
    assert Value.objects.get(element__code="RATE").text == "45"
    # "Use mine": sent again with the version now seen, it is stored.
    mine = sync(bob, [figure("HH", "999", version=2, village=a1)], key="k-0000000003")
    assert mine.json()["conflicts"] == [] and Value.objects.get(element__code="HH", village=a1).text == "999"


def test_a_refused_batch_lists_every_fault_and_stores_nothing(client_for, users, dataset, villages):
    bob = client_for("bob")
    bob.get(url())
    before = (Value.objects.count(), ValueChange.objects.count())
    reply = sync(bob, [figure("HH", "mười", village=villages["a1"]), figure("RATE", "150"),
                       figure("HH", "5", village=villages["b1"]), figure("WIFI", "có")])
    assert reply.status_code == 400
    faults = reply.json()["faults"]
    assert len(faults) == 3 and faults[0].startswith("HH: ")
    assert (Value.objects.count(), ValueChange.objects.count()) == before
    malformed = bob.post(url("datasets:offline_sync"), "{values: [", content_type="application/json")
    assert malformed.status_code == 400 and len(malformed.json()["faults"]) == 1
    bad_shape = sync(bob, [{"element": "HH", "version": -1}, "x", figure("WIFI", "có", sex="other")])
    assert bad_shape.status_code == 400 and len(bad_shape.json()["faults"]) == 3
    no_key = sync(bob, [figure("WIFI", "có")], key="")
    assert no_key.status_code == 400
    assert (Value.objects.count(), ValueChange.objects.count()) == before


def test_a_locked_return_answers_409_and_keeps_its_figures(client_for, users, dataset, villages):
    bob = client_for("bob")
    bob.get(url())
    ret = Return.objects.get()
    a1, a2 = villages["a1"].pk, villages["a2"].pk
    services.values_save(actor=users["bob"], ret=ret, entries=[
        Entry("HH", "120", a1), Entry("HH", "80", a2), Entry("POOR", "12", a1), Entry("POOR", "8", a2),
        Entry("RATE", "45"), Entry("WIFI", "có")])
    services.return_submit(actor=users["bob"], ret=ret)
    reply = sync(bob, [figure("WIFI", "không", version=1)])
    assert reply.status_code == 409 and reply.json()["message"]
    assert Value.objects.get(element__code="WIFI").text == "yes"
    page = bob.get(url())
    assert page.status_code == 200 and 'id="locked"' in page.content.decode() and "disabled" in page.content.decode()


def test_the_sync_needs_the_pages_csrf_token(users, dataset, villages):
    bob = Client(enforce_csrf_checks=True)
    testing.sign_in(bob, users["bob"])
    page = bob.get(url()).content.decode()
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    refused = sync(bob, [figure("WIFI", "có")])
    assert refused.status_code == 403 and not Value.objects.filter(element__code="WIFI").exists()
    accepted = sync(bob, [figure("WIFI", "có")], HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and Value.objects.get(element__code="WIFI").text == "yes"


def test_only_officials_of_the_commune_who_enter_figures_reach_it(client_for, users, dataset, villages):
    for who, status in (("charlie", 404), ("cindy", 404), ("oscar", 404), ("paula", 403)):
        client = client_for(who)
        assert client.get(url()).status_code == status, who
        assert sync(client, [figure("WIFI", "có")]).status_code == status, who
    assert not Return.objects.exists()  # an outsider's visit opens nothing
    anonymous = Client()
    assert anonymous.get(url()).status_code == 302 and "login" in anonymous.get(url())["Location"]
    assert sync(anonymous, [figure("WIFI", "có")]).status_code == 302
    bob = client_for("bob")
    assert bob.get(url(commune=COMMUNE_B)).status_code == 404  # bob of A, B's page
    assert bob.get(url("datasets:offline_sync")).status_code == 405
    assert bob.get(url(period="2099Q1")).status_code == 404 and bob.get(url(period="2026M07")).status_code == 404
    assert not Value.objects.exists() and not Return.objects.exists()
    assert sync(bob, [figure("WIFI", "có")]).status_code == 200  # charlie's refusals were not about the data


def test_the_service_worker_is_served_under_data_without_browser_caching(client):
    response = client.get(reverse("datasets:offline_sw"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache" and b"xaso-offline-" in response.content
    assert reverse("datasets:offline_sw") == "/data/offline-sw.js"
