# SPDX-License-Identifier: AGPL-3.0-or-later
"""A commune's area: its boundary as a GeoJSON polygon, and whether a point lies inside it.

The province keeps the boundaries (its land office publishes them as shapefiles or GeoJSON after the 2025
reorganisation; the `vietnam-provinces` package has names and codes only). A commune without a boundary
accepts any point, since there is nothing to check against; the pages say so. Shapely does the geometry:
validity, containment, bounds — the parts that are easy to get subtly wrong by hand (holes, several
islands, points on the edge).
"""

from __future__ import annotations

import json
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from shapely import make_valid, prepared
from shapely.errors import GEOSException
from shapely.geometry import Point, mapping, shape

# Vietnam with its islands (Hoàng Sa, Trường Sa) and a margin: a boundary elsewhere is a swapped
# latitude/longitude or a projected (metre) file, both frequent when exporting from a GIS.
VIETNAM = (102.0, 6.0, 118.0, 24.0)  # west, south, east, north
MAX_POINTS = 200_000  # vertices; a commune drawn finer than this is a mistake or an attack on the server
POLYGONS = ("Polygon", "MultiPolygon")


def read_json(value):
    """GeoJSON text (or bytes) parsed; an already parsed object as it is."""
    if not isinstance(value, bytes | str):
        return value
    try:
        return json.loads(value)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(_("The boundary is not GeoJSON: the file could not be read as JSON."),
                              code="json") from None


def geometry_from(value) -> dict:
    """The boundary's geometry from GeoJSON text or an already parsed object: a Polygon or MultiPolygon, a
    Feature holding one, or a FeatureCollection of exactly one such Feature. Raises ValidationError."""
    value = read_json(value)
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features") or []
        if len(features) != 1:
            raise ValidationError(_("Give one commune's boundary: the file holds %(n)d features.")
                                  % {"n": len(features)}, code="features")
        value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict) or value.get("type") not in POLYGONS:
        raise ValidationError(_("The boundary must be a Polygon or a MultiPolygon in GeoJSON."), code="type")
    try:
        geometry = shape(value)
    except (GEOSException, ValueError, TypeError, KeyError, IndexError):
        raise ValidationError(_("The boundary's coordinates cannot be read."), code="coordinates") from None
    _check(geometry)
    return mapping(geometry) | {"coordinates": _lists(mapping(geometry)["coordinates"])}


def _lists(value):
    # Shapely's mapping() gives tuples; JSON fields store lists, so that a boundary read back compares equal.
    return [_lists(v) for v in value] if isinstance(value, list | tuple) else value


def _check(geometry) -> None:
    # The area of the repaired shape: a bow tie's two halves cancel out in its own area, a flat line has none.
    if geometry.is_empty or make_valid(geometry).area == 0:
        raise ValidationError(_("The boundary encloses no area."), code="empty")
    if not geometry.is_valid:
        raise ValidationError(_("The boundary crosses itself; correct it in the map program and export it "
                                "again."), code="invalid")
    try:
        points = sum(len(ring.coords) for polygon in getattr(geometry, "geoms", [geometry])
                     for ring in (polygon.exterior, *polygon.interiors))
    except (AttributeError, GEOSException):
        points = 0
    if points > MAX_POINTS:
        raise ValidationError(_("The boundary has %(n)d points; simplify it to at most %(max)d.")
                              % {"n": points, "max": MAX_POINTS}, code="size")
    west, south, east, north = geometry.bounds
    if west < VIETNAM[0] or south < VIETNAM[1] or east > VIETNAM[2] or north > VIETNAM[3]:
        raise ValidationError(_("The boundary is not in Vietnam: give longitude and latitude in degrees "
                                "(WGS 84), longitude first, as GeoJSON requires."), code="outside_vietnam")


@lru_cache(maxsize=64)
def _prepared(text: str):
    # Keyed by the geometry's text, so that a changed boundary is never checked against the old one.
    return prepared.prep(shape(json.loads(text)))


def covers(geometry: dict | None, latitude: float, longitude: float) -> bool | None:
    """Whether the point is inside the boundary or on its edge; None when there is no boundary."""
    if not geometry:
        return None
    return _prepared(json.dumps(geometry, sort_keys=True)).covers(Point(float(longitude), float(latitude)))


def bounds(geometry: dict | None) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the boundary, for centring a map on the commune."""
    return shape(geometry).bounds if geometry else None
