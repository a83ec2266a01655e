# SPDX-License-Identifier: AGPL-3.0-or-later
"""The live socket of a village group's page: it only pushes, never takes a message (posting is the
page's form, with its CSRF token, rate limit and redirect).

The socket is opened with the browser's session, so it must hold the same sign-in rules as a page:
an official counts only after the second factor (django-otp's middleware does not run for sockets, so
the device in the session is checked here as it checks it) and an idle session is refused. Then the
user must be allowed to read the group, exactly as its page decides (access.py); outsiders are refused
before the socket is accepted. Each pushed message is read again for this user, so a resident never
receives a hidden message and a member who left or was removed stops receiving.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from xaso.core import tenancy
from xaso.core.accounts.signin import ACTIVITY_KEY, idle_minutes

from . import live, selectors
from .access import access
from .models import Group

REFUSED = 4403  # an application close code (4000–4999): "not allowed", as HTTP's 403


def signed_in_user(scope):
    """The socket's user as a page would see it, or None: second factor checked, idle sessions refused."""
    user, session = scope.get("user"), scope.get("session")
    if user is None or not user.is_authenticated or session is None:
        return None
    last = session.get(ACTIVITY_KEY)
    if not isinstance(last, int | float) or time.time() - last > idle_minutes(user) * 60:
        return None
    device = None
    if persistent_id := session.get(DEVICE_ID_SESSION_KEY):
        device = Device.from_persistent_id(persistent_id)
        if device is not None and (device.user_id != user.pk or not device.confirmed):
            device = None
    user.otp_device = device
    user.is_verified = lambda: device is not None
    return user


def language(scope) -> str:
    """The page's language: the switch's cookie, else Vietnamese (as VietnameseFirstMiddleware decides)."""
    cookies = dict(scope.get("cookies") or {})
    chosen = cookies.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class GroupConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        self.group_id = self.scope["url_route"]["kwargs"]["group_id"]
        self.user = await database_sync_to_async(signed_in_user)(self.scope)
        if self.user is None or not await database_sync_to_async(self._may_read)():
            await self.close(code=REFUSED)
            return
        self.channel = live.channel_group(self.group_id)
        await self.channel_layer.group_add(self.channel, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if getattr(self, "channel", None):
            await self.channel_layer.group_discard(self.channel, self.channel_name)

    async def receive_json(self, content, **kwargs):
        """Nothing is taken from the socket: a message is posted with the page's form."""

    async def message_changed(self, event):
        payload = await database_sync_to_async(self._render)(event["message_id"])
        if payload is None:
            await self.close(code=REFUSED)
        else:
            await self.send_json(payload)

    def _may_read(self) -> bool:
        with tenancy.acting_as(self.user):
            group = Group.objects.select_related("commune").filter(pk=self.group_id).first()
            return group is not None and access(self.user, group).read

    def _render(self, message_id: int) -> dict | None:
        """The message's fragment for this user; {"id", "remove"} when it is gone for them; None when the
        user may no longer read the group at all."""
        with tenancy.acting_as(self.user), translation.override(language(self.scope)):
            group = Group.objects.select_related("commune", "village").filter(pk=self.group_id).first()
            rights = access(self.user, group) if group is not None else None
            if rights is None or not rights.read:
                return None
            message = selectors.message_for(group=group, rights=rights, message_id=message_id)
            if message is None:
                return {"id": message_id, "remove": True}
            html = render_to_string("community/_message.html", {
                "m": message, "rights": rights, "group": group, "user": self.user,
                "categories": selectors.categories(group=group, rights=rights)})
            return {"id": message_id, "version": message.version, "html": html}
