# SPDX-License-Identifier: AGPL-3.0-or-later
"""A real HTTP receiver on 127.0.0.1 for tests of what xaso sends to other systems (no mocks).

It records each JSON body it accepts, can refuse the first N requests with 500, checks the signature
when given the secret, and answers a duplicate key as a real receiver should: accepted, not stored twice.
"""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from xaso.core.integrations.signing import HEADER, verify


class Receiver:
    def __init__(self, *, fail_first: int = 0, secret: str | None = None, answer: dict | None = None):
        self.fail_first = fail_first
        self.secret = secret
        self.answer = answer or {"accepted": True}
        self.received: list[dict] = []
        self.paths: list[str] = []
        self.refused = 0
        self.url = ""


@contextmanager
def receiving(**options):
    receiver = Receiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if receiver.secret is not None and not verify(raw, self.headers.get(HEADER, ""), receiver.secret):
                receiver.refused += 1
                return self._answer(401, {"error": "bad signature"})
            if receiver.fail_first > 0:
                receiver.fail_first -= 1
                return self._answer(500, {"error": "try later"})
            body = json.loads(raw)
            if body.get("key") not in {r.get("key") for r in receiver.received}:
                receiver.received.append(body)
                receiver.paths.append(self.path)
            return self._answer(200, receiver.answer)

        def _answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
