# SPDX-License-Identifier: AGPL-3.0-or-later
"""A real document axis on 127.0.0.1 for the tests of HttpAxis (no mocks): the contract of
xaso.core.integrations.document_axis, kept in memory.

xaso.testing.receiver reads JSON bodies and answers POSTs only; the axis takes raw MIME packages and is
also read (GET), so it gets its own server here. It checks every signature, reads each package with
``parse`` (as a real axis reads the envelope's To), can refuse the first N packages with 500, and answers a
key it already holds as accepted without queueing it twice.
"""

from __future__ import annotations

import base64
import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from xaso.core.integrations.document_axis import DocumentPackage, EdxmlError
from xaso.core.integrations.document_axis.edxml import parse
from xaso.core.integrations.signing import DEVELOPMENT_SECRET, HEADER, verify


class Axis:
    def __init__(self, *, secret: str, fail_first: int):
        self.secret = secret
        self.fail_first = fail_first
        self.posts: list[dict] = []  # every package accepted: headers and body, as received
        self.queue: dict[str, dict] = {}  # axis id → {"key", "to", "data", "acked"}
        self.refused = 0
        self.url = ""

    def hold(self, key: str, to: str, data: bytes) -> str:
        package_id = f"AX-{len(self.queue) + 1}"
        self.queue[package_id] = {"key": key, "to": to, "data": data, "acked": False}
        return package_id


@contextmanager
def serving(*, secret: str = DEVELOPMENT_SECRET, fail_first: int = 0):
    axis = Axis(secret=secret, fail_first=fail_first)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if not verify(raw, self.headers.get(HEADER, ""), axis.secret):
                axis.refused += 1
                return self._answer(401, {"error": "bad signature"})
            parts = self.path.strip("/").split("/")
            if parts == ["packages"]:
                return self._package(raw)
            if len(parts) == 3 and parts[0] == "packages" and parts[2] == "ack" and parts[1] in axis.queue:
                axis.queue[parts[1]]["acked"] = True
                return self._answer(200, {"acknowledged": True})
            return self._answer(404, {"error": "no such package"})

        def _package(self, raw: bytes):
            if axis.fail_first > 0:
                axis.fail_first -= 1
                return self._answer(500, {"error": "try later"})
            try:
                package = parse(raw)
            except EdxmlError as error:
                return self._answer(400, {"error": error.code})
            key = self.headers.get("X-Xaso-Key", "")
            if key not in {held["key"] for held in axis.queue.values()}:
                axis.posts.append({"headers": dict(self.headers), "body": raw})
                recipients = ([organ.id for organ in package.recipients] if isinstance(package, DocumentPackage)
                              else [package.response_for.organ_id])
                for organ_id in recipients:
                    axis.hold(key, organ_id, raw)
            return self._answer(200, {"accepted": True})

        def do_GET(self):  # noqa: N802
            if not verify(self.path.encode(), self.headers.get(HEADER, ""), axis.secret):
                axis.refused += 1
                return self._answer(401, {"error": "bad signature"})
            to = parse_qs(urlsplit(self.path).query).get("to", [""])[0]
            return self._answer(200, [{"id": package_id, "package": base64.b64encode(held["data"]).decode()}
                                      for package_id, held in axis.queue.items()
                                      if held["to"] == to and not held["acked"]])

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
    axis.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield axis
    finally:
        server.shutdown()
        server.server_close()
