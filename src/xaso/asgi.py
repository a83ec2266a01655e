# SPDX-License-Identifier: AGPL-3.0-or-later
"""The ASGI entry point: pages as in WSGI, plus the WebSockets of the live pages (Django Channels).

`xaso runserver` serves it (daphne's runserver); production runs `daphne xaso.asgi:application`.
WSGI (xaso.wsgi, gunicorn) still serves every page; without this entry point the live pages fall back
to being up to date on each load.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings")
# Django is set up before anything imports models (the consumers do).
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from xaso.modules.community.routing import websocket_urlpatterns as community_sockets  # noqa: E402

application = ProtocolTypeRouter({
    "http": django_application,
    # The Origin header must name one of ALLOWED_HOSTS: another site cannot open a socket with our cookies.
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(community_sockets))),
})
gc.freeze()  # what startup loaded lives as long as the process: see xaso/wsgi.py
