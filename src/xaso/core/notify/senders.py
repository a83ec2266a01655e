# SPDX-License-Identifier: AGPL-3.0-or-later
"""How a message leaves: e-mail through Django's mail API, SMS through the configured gateway.

Each sender raises on failure; the outbox records it and tries again later.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail

from xaso.core.integrations.http import post_json
from xaso.core.integrations.signing import secret_for

log = logging.getLogger("xaso.notify")


def _link(message) -> str:
    """Links are stored relative to the site; outside it they need the site's address."""
    link = message.link
    return settings.XASO_PUBLIC_URL.rstrip("/") + link if link.startswith("/") else link


def send_email(message) -> None:
    send_mail(message.subject, message.body + (f"\n\n{_link(message)}" if message.link else ""),
              settings.DEFAULT_FROM_EMAIL, [message.address])


def send_sms(message) -> None:
    text = f"{message.body} {_link(message)}".strip()
    if settings.XASO_SMS_SENDER == "http":
        # The gateway's contract: a signed POST of {"to", "text", "key"} as JSON; any 2xx is accepted.
        post_json(settings.XASO_SMS_URL, {"to": message.address, "text": text, "key": message.key},
                  secret=secret_for("sms_gateway"), key=message.key)
        return
    log.warning("SMS to %s: %s", message.address, text)


def send_inapp(message) -> None:
    """Shown in the person's notifications page: delivered once it is stored."""


SENDERS = {"email": send_email, "sms": send_sms, "inapp": send_inapp}


def send(message) -> None:
    SENDERS[message.channel](message)
