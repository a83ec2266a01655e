# SPDX-License-Identifier: AGPL-3.0-or-later
"""The public look-up of a dossier by its code and the last digits of the phone, among 1,000,000.

Project: GET /dossiers/lookup/?code=…&secret=… through django.test.Client — the whole HTML page (middleware,
rate limit, the selector, the timeline template). Each request comes from another address, as the
public's requests do, so the rate limit counts but never refuses. Floor: a bare handler behind the same
middleware that runs the same two SQL statements (the dossier by its unique code, its steps) and answers
JSON. The issue asks the project to be at least half as fast: a ratio of at most 2.
"""

from __future__ import annotations

from bench import Result, Stopwatch, best_of

NAME = "dossier look-up, 1M dossiers"


def run(repeat: int = 5) -> Result:
    from django.test import Client, override_settings

    from bench import _dossier_data

    data = _dossier_data.ensure()
    code = data["sample_code"]
    secret = code[-4:]  # phone numbers of the benchmark data end with the dossier's sequence
    client = Client()
    calls = {"n": 0}

    def address() -> str:
        calls["n"] += 1
        n = calls["n"]
        return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"

    def project(path="/api/v1/dossiers/lookup/", marker=b"steps") -> float:
        with Stopwatch() as w:
            response = client.get(path, {"code": code, "secret": secret}, REMOTE_ADDR=address())
        if response.status_code != 200 or code.encode() not in response.content or marker not in response.content:
            raise RuntimeError(f"the look-up answered {response.status_code} without the dossier")
        return w.seconds

    def page() -> float:
        return project("/dossiers/lookup/", b"timeline")

    def floor() -> float:
        with Stopwatch() as w:
            response = client.get("/bench/bare-lookup/", {"code": code, "secret": secret}, REMOTE_ADDR=address())
        if response.status_code != 200:
            raise RuntimeError(f"the bare handler answered {response.status_code}")
        return w.seconds

    with override_settings(ROOT_URLCONF="bench._urls"):
        for _ in range(3):  # warm the caches both will use
            project(), floor()
        floor_s = best_of(repeat * 4, floor)
        page_s = best_of(repeat * 4, page)
        return Result(
            name=NAME, floor=floor_s, project=best_of(repeat * 4, project),
            project_what="GET /api/v1/dossiers/lookup/ (JSON with the timeline)",
            floor_what="bare handler: the same two SQL statements, JSON",
            notes=[f"{data['n']:,} dossiers; target: ratio at most 2 (at least half as fast)",
                   f"the HTML page /dossiers/lookup/: {page_s * 1000:.1f} ms ({page_s / floor_s:.1f}× the floor)"])
