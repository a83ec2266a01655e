# SPDX-License-Identifier: AGPL-3.0-or-later
"""How a message leaves: ``send(message)`` returns when it has gone and raises when it has not.

E-mail goes through Django's mail API (settings.EMAIL_BACKEND); SMS through the gateway named by
settings.XASO_SMS_SENDER: "console" writes it to the log, "http" posts it to XASO_SMS_URL. Messages in the
application need no sender: they are delivered by being stored (services.notify). The outbox
(xaso.core.outbox) records a failure and tries again later.
"""

import json
import logging
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import get_connection, send_mail

from xaso.core.integrations.signing import HEADER, secret_for, sign

log = logging.getLogger("xaso.notify")

# Seconds to wait for the mail server or the SMS gateway: a delivery holds its row lock while it waits.
TIMEOUT = 15


def _link(message) -> str:
    """Links are stored relative to the site; outside it they need the site's address."""
    return settings.XASO_PUBLIC_URL.rstrip("/") + message.link if message.link else ""


def send_email(message) -> None:
    body = message.body + (f"\n\n{_link(message)}" if message.link else "")
    # Django's SMTP backend waits for ever unless told otherwise.
    connection = get_connection(timeout=getattr(settings, "EMAIL_TIMEOUT", None) or TIMEOUT)
    send_mail(message.subject, body, settings.DEFAULT_FROM_EMAIL, [message.address], connection=connection)


def send_sms(message) -> None:
    text = f"{message.body} {_link(message)}".strip()
    if settings.XASO_SMS_SENDER == "http":
        post_sms(settings.XASO_SMS_URL, {"to": message.address, "text": text, "key": message.key})
        return
    log.warning("SMS to %s: %s", message.address, text)


def post_sms(url: str, payload: dict) -> None:
    """The gateway's contract: a POST of JSON {"to", "text", "key"}, signed like every call xaso makes to
    another system (X-Xaso-Signature, secret XASO_SMS_GATEWAY_SECRET); any 2xx answer means accepted,
    whatever its body. The key lets the gateway drop a message it already sent (a lost answer is retried).
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"XASO_SMS_URL is not an http(s) address: {url!r}")
    body = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310 (scheme checked above)
        "Content-Type": "application/json; charset=utf-8", HEADER: sign(body, secret_for("sms_gateway")),
        "X-Xaso-Key": payload["key"]})
    # urlopen raises HTTPError on 4xx/5xx and URLError when the gateway cannot be reached.
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (scheme checked above)
        response.read()


SENDERS = {"email": send_email, "sms": send_sms}


def send(message) -> None:
    SENDERS[message.channel](message)
