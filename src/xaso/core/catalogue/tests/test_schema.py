# SPDX-License-Identifier: AGPL-3.0-or-later
"""The OpenAPI schema describes the catalogue's API without a warning, and validates."""

from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


def test_it_describes_the_catalogue_api_without_warnings(db):
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    ours = [m for m in (*GENERATOR_STATS._warn_cache, *GENERATOR_STATS._error_cache) if "catalogue" in m]
    assert ours == []
    paths = schema["paths"]
    assert {"/api/v1/model/components/", "/api/v1/model/components/{component_key}/",
            "/api/v1/model/adoptions/", "/api/v1/model/adoptions/{id}/"} <= set(paths)
    assert "security" in paths["/api/v1/model/components/"]["get"]
    assert {"put", "delete"}.isdisjoint(paths["/api/v1/model/adoptions/{id}/"])
    listed = paths["/api/v1/model/adoptions/"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {"commune", "status", "layer", "page"}
    assert set(paths["/api/v1/model/adoptions/"]["post"]["responses"]) == {"200", "201"}
