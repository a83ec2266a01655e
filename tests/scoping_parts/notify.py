# SPDX-License-Identifier: AGPL-3.0-or-later
"""Notifications have no route parameters: each person's page shows their own messages, and an
outsider's "mark all read" must leave an official of commune A's unread messages unread."""

from xaso.core.notify.models import Message
from xaso.core.notify.services import notify

GENERIC = {}
PUBLIC_ABOUT_A = set()


def private(commune, users, secrets):
    notify(key="scoping:notify", subject=secrets[0], body=secrets[1], link=f"/{secrets[2]}/",
           recipient=users["olivia"], email=f"{secrets[2]}@example.vn")
    return {}


def state():
    return sorted(Message.objects.values_list("pk", "status", "read_at", "attempts"))
