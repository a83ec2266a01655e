# SPDX-License-Identifier: AGPL-3.0-or-later
"""A commune in the mountains fills its return with no connection and sends it when the connection
returns: the page opens offline from the service worker's copy, what is typed is kept on the device,
the figures are sent on their own when the browser is online again, and a figure a colleague changed on
the server meanwhile is shown side by side, not overwritten, until the official chooses theirs."""

import re

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.places.models import Village
from xaso.modules.datasets import services
from xaso.modules.datasets.models import Return, Source, Value
from xaso.modules.datasets.services import Entry
from xaso.modules.datasets.tests.conftest import make_dataset

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A
PERIOD = "2026Q3"
# The page's words in either language (the tests run in Vietnamese; a message may be checked before the
# translation catalogue is compiled).
SAVED_HERE = re.compile(r"saved on this device|lưu trên thiết bị này", re.I)
SENT = re.compile(r"^(sent|đã gửi)", re.I)
USE_MINE = re.compile(r"^(use mine|dùng số của tôi)$", re.I)
KEEP_THEIRS = re.compile(r"^(keep the server's|giữ số trên máy chủ)$", re.I)


@pytest.fixture
def setting():
    with tenancy.unscoped():
        people = testing.named_users()
        make_dataset()
        villages = [Village.objects.create(commune_id=A, name=name) for name in ("Bản Khe", "Bản Nà")]
    return people, villages


def figure(page, element, village=None):
    slot = f"v{village.pk}" if village else ""
    return page.locator(f'.offline-value[data-element="{element}"][data-slot="{slot}"]')


def stored(element, village=None):
    with tenancy.unscoped():
        value = Value.objects.filter(element__code=element, village=village).first()
        return value and (value.text, value.source, value.updated_by.username)


def test_a_return_filled_offline_is_sent_when_the_connection_returns(setting, signed_in, url):
    people, (khe, na) = setting
    page = signed_in(people["bob"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url("datasets:offline", A, "QN.Q1", PERIOD))
    expect(page.locator("#offline-ready")).to_be_visible()  # the service worker keeps a copy of the page

    failed = []
    page.context.on("requestfailed", lambda request: failed.append(request.url))
    page.context.set_offline(True)
    again = page.reload()
    # Opened by the service worker from its copy: its own try at the network failed.
    assert again is not None and again.from_service_worker and page.url in failed
    figure(page, "HH", khe).fill("120")
    figure(page, "HH", na).fill("80")
    figure(page, "RATE").fill("45,5")
    figure(page, "WIFI").select_option("yes")
    page.locator("#offline-send").click()
    expect(page.locator("#offline-status")).to_have_text(SAVED_HERE)
    assert stored("HH", na) is None
    page.reload()  # the tab closed, or the phone restarted: what was typed is still there
    expect(figure(page, "HH", na)).to_have_value("80")
    expect(figure(page, "WIFI")).to_have_value("yes")

    # Meanwhile a colleague at the commune office, online, enters the same village's households.
    with tenancy.unscoped():
        ret = Return.objects.get()
        services.values_save(actor=people["sam"], ret=ret, entries=[Entry("HH", "121", khe.pk)])

    page.context.set_offline(False)  # the page sends on its own
    conflict = page.locator("#offline-conflicts tbody tr")
    expect(conflict).to_have_count(1)
    expect(conflict.locator(".theirs")).to_contain_text("121")
    expect(conflict.locator(".yours")).to_have_text("120")
    assert stored("HH", na) == ("80", Source.OFFLINE, "bob")
    assert stored("RATE") == ("45.5", Source.OFFLINE, "bob") and stored("WIFI") == ("yes", Source.OFFLINE, "bob")
    assert stored("HH", khe) == ("121", Source.FORM, "sam")  # not overwritten

    conflict.get_by_role("button", name=USE_MINE).click()
    expect(page.locator("#offline-conflicts")).to_be_hidden()
    expect(page.locator("#offline-pending")).to_be_empty()  # answered: nothing left to send
    expect(page.locator("#offline-status")).to_have_text(SENT)
    assert stored("HH", khe) == ("120", Source.OFFLINE, "bob")
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem("
                         "document.getElementById('offline-entry').dataset.storageKey)).pending).length") == 0
    assert errors == []



def test_keeping_the_servers_figure_sends_nothing_of_mine(setting, signed_in, url):
    people, (khe, _na) = setting
    page = signed_in(people["bob"])
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url("datasets:offline", A, "QN.Q1", PERIOD))
    with tenancy.unscoped():
        services.values_save(actor=people["sam"], ret=Return.objects.get(), entries=[Entry("HH", "121", khe.pk)])
    figure(page, "HH", khe).fill("50")
    page.locator("#offline-send").click()
    conflict = page.locator("#offline-conflicts tbody tr")
    expect(conflict.locator(".yours")).to_have_text("50")
    conflict.get_by_role("button", name=KEEP_THEIRS).click()
    expect(figure(page, "HH", khe)).to_have_value("121")
    expect(page.locator("#offline-pending")).to_be_empty()
    assert stored("HH", khe) == ("121", Source.FORM, "sam")
    # The next figure of that cell is based on the server's version: no conflict any more.
    figure(page, "HH", khe).fill("122")
    page.locator("#offline-send").click()
    expect(page.locator("#offline-pending")).to_be_empty()
    assert stored("HH", khe) == ("122", Source.OFFLINE, "bob") and errors == []
