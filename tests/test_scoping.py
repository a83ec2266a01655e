# SPDX-License-Identifier: AGPL-3.0-or-later
"""Scoping holds on every route, including routes added after this test was written.

The test walks Django's URL resolver, fills each route's parameters by name with the private records
of commune A, and calls it as an official of commune B, as an official of another province and as an
anonymous visitor: with GET (the page and each export), and with every writing method. A's private
markers must never appear, A's private records must answer 404 (or send an anonymous visitor to sign
in), and no write may change anything: the audit trail, which records every change a person makes,
must not grow, and A's rows must stay as they were.

A route whose parameter name this test does not know fails it: add the name to PARAMS.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from scoping_parts import parts
from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.catalogue.models import Adoption, AdoptionEvidence, Component
from xaso.core.files.models import StoredFile
from xaso.core.places.models import Commune, Village

PARTS = parts()

SECRETS = ("Thôn Bí Mật Alpha", "Ghi chú bí mật alpha", "bi-mat-alpha")
WRITE_METHODS = ("post", "put", "patch", "delete")
# Routes about a commune that show only public facts of it (the catalogue and the commune's identity).
PUBLIC_ABOUT_A = {"places:commune", "places:boundary", "catalogue:component", "places_api:commune-detail",
                  "places_api:province-detail",
                  "catalogue_api:component-detail"}.union(*(p.PUBLIC_ABOUT_A for p in PARTS))
# Query strings an outsider may try on routes that choose their data by query.
PROBES = ("", "?export=json", "?export=csv", f"?province={testing.PROVINCE}&commune={testing.COMMUNE_A}")


def walk(patterns, prefix="", namespace=""):
    for p in patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, route, ns)
        elif isinstance(p, URLPattern):
            yield route, f"{namespace}{p.name}"


def param_names(route: str) -> list[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    names += re.findall(r"\(\?P<(\w+)>", route)
    return names


def concrete(route: str, values: dict) -> str:
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)
    path = re.sub(r"\(\?P<format>[^)]*\)", "json", path)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), path)
    return "/" + path.lstrip("^").replace("\\.", ".").rstrip("$").replace("/?", "/")


@pytest.fixture
def commune_a_private(users):
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    village = Village.objects.create(commune=commune, name=SECRETS[0])
    component = Component.objects.filter(Component.applicable_q(commune.area_type), tier="commune").first()
    adoption = Adoption.objects.create(commune=commune, component=component, status="in_progress",
                                       notes=SECRETS[1], owner=users["alice"])
    stored = StoredFile(commune=commune, original_name=SECRETS[2] + ".pdf", content_type="application/pdf",
                        size=8, sha256="a" * 64, uploaded_by=users["alice"])
    stored.file.save("x", SimpleUploadedFile("x", b"%PDF-1.4"), save=False)
    stored.save()
    AdoptionEvidence.objects.create(adoption=adoption, file=stored, added_by=users["alice"])
    values = {
        "commune_code": commune.code, "province_code": commune.province_id, "village_id": village.pk,
        "component_key": component.key, "file_id": stored.pk, "adoption_id": adoption.pk,
        # DRF detail routes: the object behind a generic "pk"/"id" is chosen by the route's prefix.
        "pk": None, "id": None, "format": "json",
    }
    for part in PARTS:
        values.update(part.private(commune, users, SECRETS))
    return values


def fill(route: str, values: dict) -> dict:
    filled = dict(values)
    generic = {"villages": "village_id", "adoptions": "adoption_id", "files": "file_id",
               "communes": "commune_code", "components": "component_key", "provinces": "province_code"}
    for part in PARTS:
        generic.update(part.GENERIC)
    segments = [s for s in re.split(r"[/^$]", route) if s and "<" not in s and "(" not in s]
    for segment in reversed(segments):
        if segment in generic:
            filled["pk"] = filled["id"] = values[generic[segment]]
            break
    return filled


def routes():
    for route, name in walk(get_resolver().url_patterns):
        yield route, name, param_names(route)


def snapshot():
    return {
        # Signing out is the one thing an outsider may change: their own session, audited as such.
        "audit": AuditEvent.objects.exclude(action="xaso.accounts.user.signed_out").count(),
        "villages": sorted(Village.objects.values_list("pk", "name", "merged_into_id", "kind")),
        "adoptions": sorted(Adoption.objects.values_list("pk", "status", "notes", "target_date", "owner_id")),
        "communes": sorted(Commune.objects.filter(province_id="22").values_list("code", "area_type")),
        "files": StoredFile.objects.count(),
        "parts": [part.state() for part in PARTS],
    }


def outsiders(users):
    yield "charlie", lambda: _signed_in(users["charlie"])  # official of commune B, same province
    yield "oscar", lambda: _signed_in(users["oscar"])  # province official of another province
    yield "cindy", lambda: _signed_in(users["cindy"])  # a citizen
    yield "anonymous", Client


def _signed_in(user):
    c = Client()
    testing.sign_in(c, user)
    return c


def test_every_route_keeps_commune_a_private(users, commune_a_private, system_scope):
    checked = 0
    unknown = []
    before = snapshot()
    for route, name, names in routes():
        missing = [n for n in names if n not in commune_a_private]
        if missing:
            unknown.append(f"{route}: {missing}")
            continue
        url = concrete(route, fill(route, commune_a_private))
        # A route that names commune A or one of its records must refuse outsiders, unless it is one of
        # the few that only show public facts. Other routes show each caller their own data.
        private_object = bool(set(names) - {"format"}) and name not in PUBLIC_ABOUT_A
        for who, make_client in outsiders(users):
            for query in PROBES:
                response = make_client().get(url + query)
                body = b"".join(response) if response.streaming else response.content
                for secret in SECRETS:
                    assert secret.encode() not in body, f"{who} saw {secret!r} at GET {url}{query}"
                if private_object:
                    # 405: a route that only takes POST answers every GET so, whether the record exists or not.
                    assert response.status_code in (302, 401, 403, 404, 405), (
                        f"{who} got {response.status_code} at GET {url}{query}, a private record of commune A")
            for method in WRITE_METHODS:
                client = make_client()
                response = getattr(client, method)(url, data={"name": "x", "status": "live"},
                                                   content_type="application/json")
                assert response.status_code < 500, f"{who} {method.upper()} {url} → {response.status_code}"
                form = client.post(url, data={"name": "Thôn Lạ", "status": "live", "area_type": "urban"})
                assert form.status_code < 500, f"{who} POST (form) {url} → {form.status_code}"
                assert snapshot() == before, f"{who} changed something with {method.upper()} {url}"
            checked += 1
    assert not unknown, "routes with parameter names this test cannot fill: " + "; ".join(unknown)
    assert checked > 20  # the walk found the app's routes, not just a few


def test_the_owner_does_see_the_markers(users, commune_a_private, client_for):
    """The markers are real: commune A's own official sees them where they belong (else the test above
    would prove nothing)."""
    alice = client_for("alice")
    villages = alice.get(f"/places/communes/{testing.COMMUNE_A}/villages/")
    assert SECRETS[0].encode() in villages.content
    adoption = alice.get(f"/model/communes/{testing.COMMUNE_A}/roadmap/{commune_a_private['component_key']}/")
    assert SECRETS[1].encode() in adoption.content and SECRETS[2].encode() in adoption.content
