# SPDX-License-Identifier: AGPL-3.0-or-later
"""A commune's area: set by the province (page, command), checked, public as GeoJSON, audited by digest."""

import json
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from xaso import testing
from xaso.core.audit.models import AuditEvent
from xaso.core.places import boundary, services
from xaso.core.places.models import Commune

PAGE_A = f"/places/communes/{testing.COMMUNE_A}/"
# A square around Hạ Long's centre with a square hole (a lake, say) in its middle.
OUTER = [[107.06, 20.93], [107.13, 20.93], [107.13, 20.99], [107.06, 20.99], [107.06, 20.93]]
HOLE = [[107.09, 20.955], [107.10, 20.955], [107.10, 20.965], [107.09, 20.965], [107.09, 20.955]]
SQUARE = {"type": "Polygon", "coordinates": [OUTER, HOLE]}


def feature(geometry, **properties):
    return {"type": "Feature", "geometry": geometry, "properties": properties}


def test_a_point_is_inside_outside_or_in_the_hole():
    assert boundary.covers(SQUARE, 20.95, 107.08) is True
    assert boundary.covers(SQUARE, 20.96, 107.095) is False  # in the hole
    assert boundary.covers(SQUARE, 21.30, 107.40) is False  # Tiên Yên
    assert boundary.covers(SQUARE, 20.93, 107.08) is True  # on the edge counts as inside
    assert boundary.covers(None, 21.30, 107.40) is None  # no boundary: nothing to check against


def test_a_multipolygon_covers_each_of_its_islands():
    islands = {"type": "MultiPolygon", "coordinates": [
        [[[107.40, 21.00], [107.45, 21.00], [107.45, 21.05], [107.40, 21.00]]],
        [[[107.60, 20.90], [107.65, 20.90], [107.65, 20.95], [107.60, 20.90]]]]}
    geometry = boundary.geometry_from(feature(islands))
    assert boundary.covers(geometry, 21.01, 107.44) and boundary.covers(geometry, 20.91, 107.64)
    assert not boundary.covers(geometry, 20.98, 107.52)  # the sea between them


@pytest.mark.parametrize(("value", "code"), [
    ("{not json", "json"),
    ({"type": "Point", "coordinates": [107.08, 20.95]}, "type"),
    ({"type": "FeatureCollection", "features": [feature(SQUARE), feature(SQUARE)]}, "features"),
    ({"type": "Polygon", "coordinates": [[[107.0, 20.9], [107.1, 21.0], [107.0, 21.0], [107.1, 20.9],
                                          [107.0, 20.9]]]}, "invalid"),  # a bow tie crosses itself
    ({"type": "Polygon", "coordinates": [[[20.93, 107.06], [20.99, 107.06], [20.99, 107.13], [20.93, 107.06]]]},
     "outside_vietnam"),  # latitude first: the usual mistake
    ({"type": "Polygon", "coordinates": [[[4.2e5, 2.3e6], [4.3e5, 2.3e6], [4.3e5, 2.4e6], [4.2e5, 2.3e6]]]},
     "outside_vietnam"),  # metres of VN-2000, not degrees
    ({"type": "Polygon", "coordinates": [[[107.0, 20.9], [107.1, 20.9], [107.2, 20.9], [107.0, 20.9]]]}, "empty"),
    ({"type": "Polygon", "coordinates": "107.0 20.9"}, "coordinates"),
])
def test_a_wrong_boundary_is_refused_with_its_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        boundary.geometry_from(value)
    assert refused.value.code == code


def test_only_a_province_official_of_the_province_sets_it_and_the_trail_keeps_a_digest(users):
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    for outsider in ("alice", "oscar", "cindy"):
        with pytest.raises(PermissionDenied):
            services.commune_set_boundary(actor=users[outsider], commune=commune, geometry=SQUARE)
    services.commune_set_boundary(actor=users["paula"], commune=commune, geometry=json.dumps(feature(SQUARE)))
    commune.refresh_from_db()
    assert commune.boundary["type"] == "Polygon" and len(commune.boundary["coordinates"]) == 2
    event = AuditEvent.objects.get(action="xaso.places.commune.boundary_changed")
    assert event.after["boundary"]["bounds"] == [107.06, 20.93, 107.13, 20.99]
    assert len(event.after["boundary"]["sha256"]) == 64 and "coordinates" not in json.dumps(event.after)
    # The same boundary again changes and records nothing; None removes it.
    services.commune_set_boundary(actor=users["paula"], commune=commune, geometry=SQUARE)
    assert AuditEvent.objects.filter(action="xaso.places.commune.boundary_changed").count() == 1
    services.commune_set_boundary(actor=users["paula"], commune=commune, geometry=None)
    commune.refresh_from_db()
    assert commune.boundary is None


def test_the_page_uploads_it_refuses_a_bad_file_and_serves_it_as_public_geojson(client_for, client):
    paula = client_for("paula")
    assert client.get(PAGE_A + "boundary.geojson").status_code == 404  # none yet
    bad = SimpleUploadedFile("xa.geojson", b'{"type": "Point", "coordinates": [1, 2]}')
    response = paula.post(PAGE_A, {"boundary": "1", "file": bad})
    assert response.status_code == 400
    assert "Polygon" in response.content.decode() and Commune.objects.get(pk=testing.COMMUNE_A).boundary is None
    good = SimpleUploadedFile("xa.geojson", json.dumps(feature(SQUARE)).encode())
    assert paula.post(PAGE_A, {"boundary": "1", "file": good}).status_code == 302
    served = client.get(PAGE_A + "boundary.geojson")
    assert served.status_code == 200 and served["Content-Type"] == "application/geo+json"
    assert served.json()["geometry"]["coordinates"][1][0] == HOLE[0]
    # A commune official may read it but not change it.
    alice = client_for("alice")
    assert "boundary" not in alice.get(PAGE_A).context or alice.get(PAGE_A).context["boundary_form"] is None
    assert alice.post(PAGE_A, {"boundary": "1", "remove": "on"}).status_code == 403
    assert Commune.objects.get(pk=testing.COMMUNE_A).boundary is not None


def collection_file(tmp_path, features):
    path = tmp_path / "ranh-gioi.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def test_the_command_imports_a_province_file_all_or_nothing_and_once(users, tmp_path):
    tien_yen = {"type": "Polygon", "coordinates": [[[107.32, 21.27], [107.47, 21.27], [107.47, 21.41],
                                                     [107.32, 21.27]]]}
    broken = collection_file(tmp_path, [feature(SQUARE, ma_xa=testing.COMMUNE_A),
                                        feature(tien_yen, ma_xa="99999"),
                                        feature({"type": "Point", "coordinates": [1, 2]}, ma_xa=testing.COMMUNE_B)])
    with pytest.raises(CommandError) as refused:
        call_command("places", "boundaries", str(broken))
    assert "2: " in str(refused.value) and "99999" in str(refused.value)  # each fault, by feature
    assert "3 (06862): " in str(refused.value) and "Polygon" in str(refused.value)
    assert not Commune.objects.filter(boundary__isnull=False).exists()  # nothing half-imported

    good = collection_file(tmp_path, [feature(SQUARE, ma_xa=testing.COMMUNE_A),
                                      feature(tien_yen, ma_xa=int(testing.COMMUNE_B))])  # a number loses its 0
    out = StringIO()
    call_command("places", "boundaries", str(good), stdout=out)
    assert "2 communes changed" in out.getvalue()
    assert boundary.covers(Commune.objects.get(pk=testing.COMMUNE_B).boundary, 21.33, 107.40)
    out = StringIO()
    call_command("places", "boundaries", str(good), stdout=out)
    assert "0 communes changed" in out.getvalue()
    assert AuditEvent.objects.filter(action="xaso.places.commune.boundary_changed").count() == 2
