# SPDX-License-Identifier: AGPL-3.0-or-later
"""schemathesis over the live OpenAPI schema: no API operation may answer with a server error.

Run by `make test-fuzz` (and .ci/run), not by the default suite. The test starts xaso as a deployment would: a
migrated SQLite database in a temporary folder, the demo loaded, gunicorn (the production server) on a free
port of this machine. Not `runserver`: it cannot read a chunked request body, which then stays on the
kept-alive connection and is taken for the next request, so a fuzzer's chunked PUT made the development server, not
xaso, drop connections. Then it runs the schemathesis CLI against /api/schema/ with the `not_a_server_error`
check over every operation, once for each identity below, each with a Django REST framework token (token
authentication is what machines use). Writing operations run too: the database is thrown away.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.fuzz

# A commune official who may change adoption records, a province official who reads across communes,
# and an anonymous client (every operation must refuse it cleanly, not crash).
IDENTITIES = ("halong-it-officer", "quangninh-province", None)
MAX_EXAMPLES = os.environ.get("XASO_FUZZ_EXAMPLES", "25")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def tool(name: str) -> str:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else (shutil.which(name) or name)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    var = tmp_path_factory.mktemp("fuzz-var")
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "XASO_ENV")}
    env.update(XASO_VAR_DIR=str(var), XASO_DEBUG="1", PYTHONUNBUFFERED="1")

    def xaso(*args: str) -> str:
        done = subprocess.run([tool("xaso"), *args], env=env, capture_output=True, text=True,  # noqa: S603 (our tool)
                              timeout=600)
        assert done.returncode == 0, f"xaso {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    xaso("migrate", "--noinput")
    xaso("demo")
    tokens = {None: None}
    for username in IDENTITIES:
        if username:
            tokens[username] = re.search(r"Generated token (\w+)", xaso("drf_create_token", username)).group(1)

    port = free_port()
    log = (var / "server.log").open("w")
    process = subprocess.Popen([tool("gunicorn"), "xaso.wsgi", "--bind", f"127.0.0.1:{port}",  # noqa: S603
                                "--workers", "2", "--timeout", "120", "--access-logfile", "-"],
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/healthz", process)
        yield {"url": url, "tokens": tokens, "log": var / "server.log"}
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server stopped while starting"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own loopback server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the server did not answer {url} within {seconds} s")


@pytest.mark.parametrize("username", IDENTITIES, ids=lambda u: u or "anonymous")
def test_no_operation_answers_with_a_server_error(server, username):
    command = [
        tool("schemathesis"), "run", f"{server['url']}/api/schema/",
        "--checks", "not_a_server_error",
        "--max-examples", MAX_EXAMPLES,
        "--seed", "20261128",  # the same cases on every run, so that a failure can be reproduced
        "--workers", "1",
        "--request-timeout", "60",
    ]
    if server["tokens"][username]:
        command += ["--header", f"Authorization: Token {server['tokens'][username]}"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=1800,  # noqa: S603 (fixed argv)
                          env={**os.environ, "NO_COLOR": "1"})
    print(done.stdout)  # the summary: which operations ran, how many cases (pytest -rP shows it)
    if done.returncode != 0:
        tail = server["log"].read_text(encoding="utf-8", errors="replace")[-6000:]
        pytest.fail(f"schemathesis found failures (exit {done.returncode}):\n{done.stdout}\n{done.stderr}\n"
                    f"--- server log (end) ---\n{tail}")
