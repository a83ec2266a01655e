# SPDX-License-Identifier: AGPL-3.0-or-later
"""A resident and the village head talk in their village group, each seeing the other's messages arrive
live, without reloading the page.

pytest-django's live server speaks WSGI, which has no WebSockets: here the site is served by uvicorn
running xaso's ASGI application in a thread of the test process (so it shares the test database, as the
live server does). It replaces `live_server` for this module, so every fixture of conftest.py (contexts,
the check that no request leaves the host) works against it.
"""

import re
import socket
import threading
import time

import pytest
import uvicorn
from django.test.utils import modify_settings
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune, Village
from xaso.modules.community import services
from xaso.modules.community.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class AsgiLiveServer:
    """What conftest's fixtures use of pytest-django's LiveServer: its URL and its settings switch."""

    def __init__(self, url: str):
        self.url = url
        self._live_server_modified_settings = modify_settings(ALLOWED_HOSTS={"append": "127.0.0.1"})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(transactional_db):
    from xaso.asgi import application

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning",
                                           ws="websockets-sansio", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline, "the ASGI server did not start"
        time.sleep(0.05)
    yield AsgiLiveServer(f"http://127.0.0.1:{port}")
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def people():
    with tenancy.unscoped():
        people = testing.named_users()
        village = Village.objects.create(commune=Commune.objects.get(pk=testing.COMMUNE_A), name="Tổ dân phố 7")
        group = services.group_open(actor=people["alice"], village=village)
        people["vera"] = testing.make_user("vera", Role.VILLAGE_HEAD, commune=testing.COMMUNE_A)
        services.head_appoint(actor=people["hana"], group=group, user=people["vera"])
        services.member_join(actor=people["cindy"], code=group.code)
    people["group"] = group
    return people


def live(page):
    """The page's socket is open (its script marks the list), so nothing sent from now on is missed."""
    expect(page.locator("#messages[data-live]")).to_have_count(1)
    page.evaluate("window.notReloaded = true")


def test_a_resident_and_the_village_head_talk_live(people, signed_in, url):
    group = people["group"]
    cindy, vera = signed_in(people["cindy"]), signed_in(people["vera"])
    for p in (cindy, vera):
        p.goto(url("community:group", group.pk))
        live(p)

    cindy.get_by_label(re.compile("Loại tin")).select_option(label="Câu hỏi")
    cindy.get_by_label(re.compile("Nội dung tin nhắn")).fill("Bao giờ sửa đèn đường ngõ 5 ạ? <script>x()</script>")
    cindy.get_by_role("button", name="Gửi", exact=True).click()
    with tenancy.unscoped():
        question = Message.objects.get()
    arrived = vera.locator(f"#m-{question.pk}")
    expect(arrived).to_contain_text("Bao giờ sửa đèn đường ngõ 5 ạ? <script>x()</script>")  # as text
    assert vera.evaluate("window.notReloaded") is True

    live(cindy)  # her page came back after sending (the form's redirect): its socket is open again
    arrived.get_by_label("Câu trả lời của bạn").fill("Thứ Bảy này tổ sẽ báo điện lực thay bóng.")
    arrived.get_by_role("button", name="Trả lời").click()
    with tenancy.unscoped():
        answer = Message.objects.exclude(pk=question.pk).get()
    expect(cindy.locator(f"#m-{answer.pk}")).to_contain_text("Thứ Bảy này tổ sẽ báo điện lực thay bóng.")
    expect(cindy.locator(f"#m-{answer.pk} .badge").first).to_have_text("cán bộ")
    assert cindy.evaluate("window.notReloaded") is True
