# SPDX-License-Identifier: AGPL-3.0-or-later
"""The live socket of a village group: a member receives what the services post (rendered and escaped
for them), a hidden message is taken away from residents only, and outsiders are refused."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.security.websocket import OriginValidator
from channels.testing import WebsocketCommunicator

from xaso.asgi import application
from xaso.modules.community import services
from xaso.modules.community.consumers import REFUSED
from xaso.modules.community.models import Kind

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("keep_test_connection")]


def socket(group, client=None) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if client is not None:
        cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
        headers.append((b"cookie", cookie.encode()))
    return WebsocketCommunicator(application, f"/ws/community/groups/{group.pk}/", headers=headers)


def opened(client_for, name, group):
    """A signed-in browser that loaded the group's page (which starts the session's activity clock)."""
    client = client_for(name)
    client.get(f"/community/groups/{group.pk}/")
    return client


def test_a_member_receives_a_message_posted_through_the_service(client_for, users, group, vera,
                                                                django_capture_on_commit_callbacks):
    cindy = opened(client_for, "cindy", group)

    async def run():
        communicator = socket(group, cindy)
        connected, _ = await communicator.connect()
        assert connected

        def post():
            with django_capture_on_commit_callbacks(execute=True):
                return services.message_post(actor=vera, group=group, kind=Kind.ANNOUNCEMENT,
                                             body="<script>alert(1)</script> Họp tổ 19 giờ")

        message = await database_sync_to_async(post)()
        pushed = await communicator.receive_json_from(timeout=5)
        assert pushed["id"] == message.pk and f'id="m-{message.pk}"' in pushed["html"]
        assert "&lt;script&gt;alert(1)&lt;/script&gt; Họp tổ 19 giờ" in pushed["html"]
        assert "<script>" not in pushed["html"] and "Thông báo" in pushed["html"]  # Vietnamese by default

        def hide():
            with django_capture_on_commit_callbacks(execute=True):
                services.message_hide(actor=users["alice"], message=message, reason="Nhầm nhóm")

        await database_sync_to_async(hide)()
        assert await communicator.receive_json_from(timeout=5) == {"id": message.pk, "remove": True}
        await communicator.disconnect()

    async_to_sync(run)()


def test_a_moderator_still_receives_the_hidden_message(client_for, users, group,
                                                       django_capture_on_commit_callbacks):
    alice = opened(client_for, "alice", group)

    async def run():
        communicator = socket(group, alice)
        assert (await communicator.connect())[0]

        def post_and_hide():
            with django_capture_on_commit_callbacks(execute=True):
                message = services.message_post(actor=users["cindy"], group=group, kind=Kind.POST, body="Tin rác")
            with django_capture_on_commit_callbacks(execute=True):
                services.message_hide(actor=users["alice"], message=message, reason="Quảng cáo")

        await database_sync_to_async(post_and_hide)()
        first, second = await communicator.receive_json_from(5), await communicator.receive_json_from(5)
        assert "Tin rác" in first["html"] and "Quảng cáo" in second["html"] and second["version"] == 1
        await communicator.disconnect()

    async_to_sync(run)()


@pytest.mark.parametrize("who", ["charlie", "oscar", "outsider-citizen", "anonymous"])
def test_outsiders_are_refused(client_for, users, group, who):
    async def run(client):
        connected, code = await socket(group, client).connect()
        assert not connected and code == REFUSED

    if who == "anonymous":
        client = None
    elif who == "outsider-citizen":
        client = opened(client_for, "cindy", group)
        services.member_leave(actor=users["cindy"], group=group)
    else:
        client = opened(client_for, who, group)
    async_to_sync(run)(client)


def test_an_official_without_the_second_factor_is_refused(client, users, group):
    client.force_login(users["alice"], backend="xaso.core.accounts.backends.OfficialBackend")
    client.get("/")

    async def run():
        connected, code = await socket(group, client).connect()
        assert not connected and code == REFUSED

    async_to_sync(run)()


def test_sockets_check_the_origin_against_the_allowed_hosts():
    """Another site's page cannot open a socket with our visitors' cookies: the origin is checked against
    ALLOWED_HOSTS (explicit in production) before anything else."""
    from django.conf import settings

    validator = application.application_mapping["websocket"]
    assert isinstance(validator, OriginValidator)
    assert set(validator.allowed_origins) <= set(settings.ALLOWED_HOSTS)  # the test runner adds "testserver"
