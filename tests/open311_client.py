# SPDX-License-Identifier: AGPL-3.0-or-later
"""An Open311 GeoReport v2 client written from the published specification, not from xaso's code.

The server tests drive `/open311/v2/` through it, so that what they assert is what an existing Open311 client
would see. docs/open311.md says where each rule below comes from; "[U]" there marks our reading where the
specification is silent.

Both formats come back as the same Python structures, the JSON ones of the specification (the Spark convention):
lists of dicts keyed by the specification's field names, with

- identifiers and codes (service_code, service_request_id, token, account_id, address_id, zipcode, an
  attribute's code, a value's key) as `str`: the specification's own JSON examples write some as numbers;
- metadata, variable, required as `bool`; order as `int`; lat and long as `float`;
- datetimes as the W3C strings received (`parse_w3c_datetime` turns one into an aware datetime);
- an error's code as `int` when it is all digits, else `str`;
- an empty XML element as `None` (JSON null), an absent one as an absent key: "May not be returned" stays visible.

Every response is checked (`validate=True`) by the `check_*` functions, which raise AssertionError naming the
field; they are public so that tests can check documents they build or receive otherwise.
"""

from __future__ import annotations

import json
import math
import re
import urllib.parse
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import requests
from defusedxml import ElementTree as SafeElementTree

SPEC_URI = "http://wiki.open311.org/GeoReport_v2"
MEDIA_TYPES = {"json": "application/json", "xml": "text/xml"}
STATUSES = ("open", "closed")
SERVICE_TYPES = ("realtime", "batch", "blackbox")
DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
LIST_DATATYPES = ("singlevaluelist", "multivaluelist")
ENDPOINT_TYPES = ("production", "test")
DESCRIPTION_LIMIT = 4000  # "free form text limited to 4,000 characters"
DEFAULT_SPAN = timedelta(days=90)  # "Default query limit is a span of 90 days or first 1000 requests returned"
DEFAULT_LIMIT = 1000

# XML containers and the one element each holds: under the Spark convention these are JSON arrays whatever the
# number of children, and the document roots are dropped (JSON_and_XML_Conversion, Parker_vs_Spark).
CONTAINERS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "service_requests": "request",
    "errors": "error",
    "endpoints": "endpoint",
    "formats": "format",
}

ID, TEXT, BOOL, INT, FLOAT, CODE = "id", "text", "bool", "int", "float", "code"
SERVICE_FIELDS = {
    "service_code": ID,
    "service_name": TEXT,
    "description": TEXT,
    "metadata": BOOL,
    "type": TEXT,
    "keywords": TEXT,
    "group": TEXT,
}
ATTRIBUTE_FIELDS = {
    "variable": BOOL,
    "code": ID,
    "datatype": TEXT,
    "required": BOOL,
    "datatype_description": TEXT,
    "order": INT,
    "description": TEXT,
}
VALUE_FIELDS = {"key": ID, "name": TEXT}
REQUEST_FIELDS = {
    "service_request_id": ID,
    "token": ID,
    "account_id": ID,
    "status": TEXT,
    "status_notes": TEXT,
    "service_name": TEXT,
    "service_code": ID,
    "description": TEXT,
    "agency_responsible": TEXT,
    "service_notice": TEXT,
    "requested_datetime": TEXT,
    "updated_datetime": TEXT,
    "expected_datetime": TEXT,
    "address": TEXT,
    "address_id": ID,
    "zipcode": ID,
    "lat": FLOAT,
    "long": FLOAT,
    "media_url": TEXT,
}
ERROR_FIELDS = {"code": CODE, "description": TEXT}
DISCOVERY_FIELDS = {"changeset": TEXT, "contact": TEXT, "key_service": TEXT}
ENDPOINT_FIELDS = {"specification": TEXT, "url": TEXT, "changeset": TEXT, "type": TEXT}

_W3C_DATETIME = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|([+-])(\d{2}):(\d{2}))", re.ASCII
)
_XML_INTEGER = re.compile(r"[+-]?\d+", re.ASCII)
_XML_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
_XML_DECLARATION = re.compile(rb"<\?xml\s[^>]*encoding\s*=\s*[\"']utf-8[\"'][^>]*\?>", re.IGNORECASE)
_MIME_TYPE = re.compile(r"[\w.+-]+/[\w.+-]+", re.ASCII)


class Open311Error(Exception):
    """A 4xx or 5xx answer: the HTTP status and the specification's list of {code, description}."""

    def __init__(self, status_code: int, errors: list[dict], body: str = ""):
        self.status_code = status_code
        self.errors = errors
        self.body = body
        shown = "; ".join(f"{e.get('code')}: {e.get('description')}" for e in errors if isinstance(e, dict))
        super().__init__(f"HTTP {status_code}" + (f": {shown}" if shown else ""))


# --- wire formats -------------------------------------------------------------------------------------------


def parse_w3c_datetime(value: str) -> datetime:
    """An aware datetime from the W3C profile of ISO 8601 with the timezone the specification requires."""
    match = _W3C_DATETIME.fullmatch(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a W3C datetime with a timezone (e.g. 2010-01-01T00:00:00Z)")
    year, month, day, hour, minute, second, fraction, zone, sign, zone_hours, zone_minutes = match.groups()
    if zone == "Z":
        tz = UTC
    else:
        if int(zone_hours) > 23 or int(zone_minutes) > 59:
            raise ValueError(f"{value!r} has an impossible timezone offset")
        offset = timedelta(hours=int(zone_hours), minutes=int(zone_minutes))
        tz = timezone(offset if sign == "+" else -offset)
    microsecond = int((fraction or "0")[:6].ljust(6, "0"))
    return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0), microsecond, tzinfo=tz)


def w3c_datetime(value: datetime | date | str) -> str:
    """A filter or attribute value as a W3C datetime: an aware datetime, or a string passed as it is."""
    if isinstance(value, str):
        return value
    if not isinstance(value, datetime):
        raise TypeError("a date has no time nor timezone; pass an aware datetime")
    if value.utcoffset() is None:
        raise ValueError("the specification requires a timezone: pass an aware datetime")
    text = value.isoformat(timespec="seconds" if not value.microsecond else "microseconds")
    return text[: -len("+00:00")] + "Z" if text.endswith("+00:00") else text


def _local_name(tag: str) -> str:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        # "if it must be specified, the XMLNS URI is the URL of the specification"
        assert namespace.rstrip("/") == SPEC_URI, f"<{local}> is in a foreign namespace {namespace!r}"
        return local
    return tag


def _from_element(element) -> Any:
    """One XML element as Spark JSON: a container as a list, an element with children as a dict, a leaf as text."""
    tag = _local_name(element.tag)
    children = list(element)
    own_text = (element.text or "").strip()
    if tag in CONTAINERS:
        item = CONTAINERS[tag]
        assert not own_text, f"<{tag}> holds text {own_text!r}; it may hold only <{item}> elements"
        for child in children:
            assert _local_name(child.tag) == item, f"<{tag}> may hold only <{item}> elements, not <{child.tag}>"
        return [_from_element(child) for child in children]
    if not children:
        # The specification's own examples indent text inside elements (service_notice) and give the JSON trimmed.
        return own_text or None
    assert not own_text, f"<{tag}> mixes text {own_text!r} with elements"
    result: dict[str, Any] = {}
    repeated: set[str] = set()
    for child in children:
        name = _local_name(child.tag)
        value = _from_element(child)
        if name in result:
            # Kept, as a list, so that the checks name the field instead of one value silently winning.
            if name not in repeated:
                result[name] = [result[name]]
                repeated.add(name)
            result[name].append(value)
        else:
            result[name] = value
    return result


def parse_xml(body: bytes, root: str, *, strict: bool = True) -> Any:
    """A GeoReport XML document as Spark JSON structures, its root element (which must be `root`) dropped."""
    if strict:
        assert _XML_DECLARATION.match(body), (
            f'the XML must begin with its declaration including encoding="UTF-8", it begins {body[:60]!r}'
        )
    try:
        element = SafeElementTree.fromstring(body)
    except SafeElementTree.ParseError as error:
        raise AssertionError(f"not well-formed XML: {error}") from error
    assert _local_name(element.tag) == root, f"the root element is <{element.tag}>, not <{root}>"
    return _from_element(element)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def parse_json(body: bytes) -> Any:
    """A GeoReport JSON document; UTF-8 is required everywhere."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise AssertionError(f"the body is not UTF-8: {error}") from error
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as error:
        raise AssertionError(f"not JSON: {error}; the body begins {text[:80]!r}") from error


def _coerce(value: Any, kind: str, source: str) -> Any:
    """A field from the wire as its canonical type; a value of the wrong kind is left for the checks to name."""
    if value is None:
        return None
    if source == "xml":
        if not isinstance(value, str):
            return value
        if kind == BOOL:
            return {"true": True, "false": False}.get(value, value)
        if kind == INT:
            return int(value) if _XML_INTEGER.fullmatch(value) else value
        if kind == FLOAT:
            return float(value) if _XML_DECIMAL.fullmatch(value) else value
        if kind == CODE:
            return int(value) if value.isascii() and value.isdigit() else value
        return value
    if kind == ID and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if kind == FLOAT and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


def _normalise(record: Any, fields: dict[str, str], source: str) -> Any:
    if not isinstance(record, dict):
        return record
    result = dict(record)
    for name, kind in fields.items():
        if name in result and not isinstance(result[name], list):
            result[name] = _coerce(result[name], kind, source)
    return result


def _normalise_list(records: Any, fields: dict[str, str], source: str) -> Any:
    if not isinstance(records, list):
        return records
    return [_normalise(record, fields, source) for record in records]


def normalise_services(doc: Any, source: str) -> Any:
    return _normalise_list(doc, SERVICE_FIELDS, source)


def normalise_service_definition(doc: Any, source: str) -> Any:
    doc = _normalise(doc, {"service_code": ID}, source)
    if isinstance(doc, dict) and isinstance(doc.get("attributes"), list):
        attributes = []
        for attribute in doc["attributes"]:
            attribute = _normalise(attribute, ATTRIBUTE_FIELDS, source)
            if isinstance(attribute, dict) and isinstance(attribute.get("values"), list):
                attribute["values"] = _normalise_list(attribute["values"], VALUE_FIELDS, source)
            attributes.append(attribute)
        doc["attributes"] = attributes
    return doc


def normalise_requests(doc: Any, source: str) -> Any:
    return _normalise_list(doc, REQUEST_FIELDS, source)


def normalise_errors(doc: Any, source: str) -> Any:
    return _normalise_list(doc, ERROR_FIELDS, source)


def normalise_discovery(doc: Any, source: str) -> Any:
    doc = _normalise(doc, DISCOVERY_FIELDS, source)
    if isinstance(doc, dict) and isinstance(doc.get("endpoints"), list):
        doc["endpoints"] = _normalise_list(doc["endpoints"], ENDPOINT_FIELDS, source)
    return doc


# --- the checks ---------------------------------------------------------------------------------------------
# Presence: REQUIRED present and not null; PRESENT present, may be null ("" in XML is null); OPTIONAL may be
# absent ("May not be returned").
REQUIRED, PRESENT, OPTIONAL = "required", "present", "optional"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) else f"must be a string, got {value!r}"


def _nonempty_text(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {value!r}"
    return None if value.strip() else "must not be blank"


def _identifier(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string identifier, got {type(value).__name__} {value!r}"
    if not value or value != value.strip():
        return f"must be a non-blank identifier without surrounding spaces, got {value!r}"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, got {value!r}"


def _positive_integer(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return None
    return f"must be a positive integer, got {value!r}"


def _one_of(*choices: str):
    def check(value: Any) -> str | None:
        return None if value in choices else f"must be one of {', '.join(choices)}, got {value!r}"

    return check


def _number_between(low: float, high: float):
    def check(value: Any) -> str | None:
        if not _is_number(value):
            return f"must be a number, got {value!r}"
        return None if low <= value <= high else f"must be between {low} and {high}, got {value!r}"

    return check


def _datetime(value: Any) -> str | None:
    try:
        parse_w3c_datetime(value)
    except (ValueError, TypeError) as error:
        return str(error)
    return None


def _url(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a URL string, got {value!r}"
    parts = urllib.parse.urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"\s", value):
        return f"must be an absolute http(s) URL without spaces, got {value!r}"
    return None


def _description(value: Any) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, got {value!r}"
    return None if len(value) <= DESCRIPTION_LIMIT else f"is {len(value)} characters, over {DESCRIPTION_LIMIT}"


def _mime_type(value: Any) -> str | None:
    return None if isinstance(value, str) and _MIME_TYPE.fullmatch(value) else f"must be a MIME type, got {value!r}"


def _record(value: Any, where: str) -> dict:
    assert isinstance(value, dict), f"{where}: must be an object (an XML element with children), got {value!r}"
    return value


def _list(value: Any, where: str) -> list:
    assert isinstance(value, list), f"{where}: must be a list, got {value!r}"
    return value


def _field(record: dict, where: str, name: str, check, presence: str) -> Any:
    if name not in record:
        assert presence == OPTIONAL, f"{where}.{name}: missing"
        return None
    value = record[name]
    if value is None:
        assert presence != REQUIRED, f"{where}.{name}: must not be empty"
        return None
    problem = check(value)
    assert problem is None, f"{where}.{name}: {problem}"
    return value


def check_error(error: Any, where: str = "error") -> None:
    error = _record(error, where)
    code = error.get("code")
    assert "code" in error and code is not None, f"{where}.code: missing"
    assert (isinstance(code, int) and not isinstance(code, bool)) or (isinstance(code, str) and code.strip()), (
        f"{where}.code: must be a number or a non-blank string, got {code!r}"
    )
    _field(error, where, "description", _nonempty_text, REQUIRED)


def check_errors(errors: Any, where: str = "errors") -> None:
    """The body of a 4xx answer: a non-empty list of {code, description} ("the response is an array")."""
    _list(errors, where)
    assert errors, f"{where}: an error answer must list at least one error"
    for index, error in enumerate(errors):
        check_error(error, f"{where}[{index}]")


def check_endpoint(endpoint: Any, where: str = "endpoint") -> None:
    endpoint = _record(endpoint, where)
    specification = _field(endpoint, where, "specification", _nonempty_text, REQUIRED)
    _field(endpoint, where, "url", _url, REQUIRED)
    _field(endpoint, where, "changeset", _nonempty_text, REQUIRED)
    _field(endpoint, where, "type", _one_of(*ENDPOINT_TYPES), REQUIRED)
    formats = _list(endpoint.get("formats"), f"{where}.formats")
    assert formats, f"{where}.formats: must name at least one MIME type"
    for index, media_type in enumerate(formats):
        problem = _mime_type(media_type)
        assert problem is None, f"{where}.formats[{index}]: {problem}"
    if specification.rstrip("/") == SPEC_URI:
        assert "text/xml" in formats, f"{where}.formats: XML is a required format of GeoReport v2, got {formats!r}"


def check_discovery(doc: Any, where: str = "discovery") -> None:
    """The discovery document: "All fields are required"."""
    doc = _record(doc, where)
    _field(doc, where, "changeset", _nonempty_text, REQUIRED)
    _field(doc, where, "contact", _nonempty_text, REQUIRED)
    _field(doc, where, "key_service", _nonempty_text, REQUIRED)
    endpoints = _list(doc.get("endpoints"), f"{where}.endpoints")
    assert endpoints, f"{where}.endpoints: must list at least one endpoint"
    for index, endpoint in enumerate(endpoints):
        check_endpoint(endpoint, f"{where}.endpoints[{index}]")


def check_service(service: Any, where: str = "service") -> None:
    service = _record(service, where)
    _field(service, where, "service_code", _identifier, REQUIRED)
    _field(service, where, "service_name", _nonempty_text, REQUIRED)
    _field(service, where, "description", _text, PRESENT)
    _field(service, where, "metadata", _boolean, REQUIRED)
    _field(service, where, "type", _one_of(*SERVICE_TYPES), REQUIRED)
    _field(service, where, "keywords", _text, PRESENT)
    _field(service, where, "group", _text, PRESENT)


def check_services(services: Any, where: str = "services") -> None:
    _list(services, where)
    seen: set[str] = set()
    for index, service in enumerate(services):
        check_service(service, f"{where}[{index}]")
        code = service["service_code"]
        assert code not in seen, f"{where}[{index}].service_code: {code!r} is not unique"
        seen.add(code)


def check_value(value: Any, where: str = "value") -> None:
    value = _record(value, where)
    _field(value, where, "key", _identifier, REQUIRED)
    _field(value, where, "name", _nonempty_text, REQUIRED)


def check_attribute(attribute: Any, where: str = "attribute") -> None:
    attribute = _record(attribute, where)
    _field(attribute, where, "variable", _boolean, REQUIRED)
    _field(attribute, where, "code", _identifier, REQUIRED)
    datatype = _field(attribute, where, "datatype", _one_of(*DATATYPES), REQUIRED)
    _field(attribute, where, "required", _boolean, REQUIRED)
    _field(attribute, where, "datatype_description", _text, PRESENT)
    _field(attribute, where, "order", _positive_integer, REQUIRED)
    _field(attribute, where, "description", _text, PRESENT)
    values = attribute.get("values")
    if datatype in LIST_DATATYPES:
        _list(values, f"{where}.values")
        assert values, f"{where}.values: a {datatype} must offer at least one value"
        keys: set[str] = set()
        for index, value in enumerate(values):
            check_value(value, f"{where}.values[{index}]")
            assert value["key"] not in keys, f"{where}.values[{index}].key: {value['key']!r} is not unique"
            keys.add(value["key"])
    else:
        assert not values, f"{where}.values: only a list datatype offers values, this is a {datatype}"


def check_service_definition(doc: Any, service_code: str | None = None, where: str = "service_definition") -> None:
    doc = _record(doc, where)
    code = _field(doc, where, "service_code", _identifier, REQUIRED)
    if service_code is not None:
        assert code == service_code, f"{where}.service_code: asked for {service_code!r}, got {code!r}"
    attributes = _list(doc.get("attributes"), f"{where}.attributes")
    codes: set[str] = set()
    orders: set[int] = set()
    for index, attribute in enumerate(attributes):
        here = f"{where}.attributes[{index}]"
        check_attribute(attribute, here)
        assert attribute["code"] not in codes, f"{here}.code: {attribute['code']!r} is not unique"
        # "Any positive integer not used for other attributes in the same service_code"
        assert attribute["order"] not in orders, f"{here}.order: {attribute['order']} is used by another attribute"
        codes.add(attribute["code"])
        orders.add(attribute["order"])


def check_post_response(doc: Any, service_type: str | None = None, where: str = "request") -> None:
    """The answer to POST requests: a service_request_id or a token, never both."""
    doc = _record(doc, where)
    request_id = _field(doc, where, "service_request_id", _identifier, OPTIONAL)
    token = _field(doc, where, "token", _identifier, OPTIONAL)
    _field(doc, where, "service_notice", _text, OPTIONAL)
    _field(doc, where, "account_id", _identifier, OPTIONAL)
    assert not (request_id and token), f"{where}: has both a service_request_id and a token"
    if service_type == "realtime":
        assert request_id, f"{where}.service_request_id: a realtime service returns it at once"
    elif service_type == "batch":
        assert token, f"{where}.token: a batch service returns a token"
    elif service_type == "blackbox":
        assert not request_id, f"{where}.service_request_id: a blackbox service returns none"


def check_token(doc: Any, token: str | None = None, where: str = "request") -> None:
    """GET tokens/{token}: the token and the service_request_id it became (null while not yet known [U])."""
    doc = _record(doc, where)
    got = _field(doc, where, "token", _identifier, REQUIRED)
    if token is not None:
        assert got == token, f"{where}.token: asked for {token!r}, got {got!r}"
    _field(doc, where, "service_request_id", _identifier, PRESENT)


def check_request(doc: Any, where: str = "request") -> None:
    """One service request of GET requests or GET requests/{id}."""
    doc = _record(doc, where)
    _field(doc, where, "service_request_id", _identifier, REQUIRED)
    _field(doc, where, "status", _one_of(*STATUSES), REQUIRED)
    _field(doc, where, "status_notes", _text, OPTIONAL)
    _field(doc, where, "service_name", _text, PRESENT)
    _field(doc, where, "service_code", _identifier, REQUIRED)
    _field(doc, where, "description", _description, PRESENT)
    _field(doc, where, "agency_responsible", _text, OPTIONAL)
    _field(doc, where, "service_notice", _text, OPTIONAL)
    requested = _field(doc, where, "requested_datetime", _datetime, REQUIRED)
    updated = _field(doc, where, "updated_datetime", _datetime, PRESENT)
    _field(doc, where, "expected_datetime", _datetime, OPTIONAL)
    _field(doc, where, "address", _text, PRESENT)
    _field(doc, where, "address_id", _identifier, PRESENT)
    _field(doc, where, "zipcode", _identifier, PRESENT)
    lat = _field(doc, where, "lat", _number_between(-90, 90), PRESENT)
    long = _field(doc, where, "long", _number_between(-180, 180), PRESENT)
    _field(doc, where, "media_url", _url, PRESENT)
    assert (lat is None) == (long is None), f"{where}: lat and long come together, got lat={lat!r} long={long!r}"
    if updated is not None:
        assert parse_w3c_datetime(updated) >= parse_w3c_datetime(requested), (
            f"{where}.updated_datetime: {updated} is before requested_datetime {requested}"
        )


def _split(value: Any) -> list[str]:
    if isinstance(value, list | tuple | set):
        return [str(item) for item in value]
    return [item for item in str(value).split(",") if item]


def check_requests(
    doc: Any, filters: dict | None = None, now: datetime | None = None, where: str = "service_requests"
) -> None:
    """The list of GET requests, and that it keeps the filters it was asked for.

    `now` (aware) lets the default span be checked: with neither start_date nor end_date, only the last 90 days.
    """
    _list(doc, where)
    filters = {name: value for name, value in (filters or {}).items() if value not in (None, "")}
    seen: set[str] = set()
    for index, request in enumerate(doc):
        check_request(request, f"{where}[{index}]")
        assert request["service_request_id"] not in seen, (
            f"{where}[{index}].service_request_id: {request['service_request_id']!r} is listed twice"
        )
        seen.add(request["service_request_id"])
    if "service_request_id" in filters:
        # "This overrides all other arguments."
        wanted = set(_split(filters["service_request_id"]))
        assert seen <= wanted, f"{where}: asked for {sorted(wanted)}, also got {sorted(seen - wanted)}"
        return
    assert len(doc) <= DEFAULT_LIMIT, f"{where}: {len(doc)} requests, over the first {DEFAULT_LIMIT}"
    if "status" in filters:
        statuses = set(_split(filters["status"]))
        for index, request in enumerate(doc):
            assert request["status"] in statuses, f"{where}[{index}].status: {request['status']!r} not asked for"
    if "service_code" in filters:
        codes = set(_split(filters["service_code"]))
        for index, request in enumerate(doc):
            assert request["service_code"] in codes, (
                f"{where}[{index}].service_code: {request['service_code']!r} not asked for"
            )
    start = parse_w3c_datetime(w3c_datetime(filters["start_date"])) if "start_date" in filters else None
    end = parse_w3c_datetime(w3c_datetime(filters["end_date"])) if "end_date" in filters else None
    if start is None and end is None and now is not None:
        start = now - DEFAULT_SPAN
    for index, request in enumerate(doc):
        requested = parse_w3c_datetime(request["requested_datetime"])
        assert start is None or requested >= start, (
            f"{where}[{index}].requested_datetime: {request['requested_datetime']} is before {start.isoformat()}"
        )
        assert end is None or requested <= end, (
            f"{where}[{index}].requested_datetime: {request['requested_datetime']} is after {end.isoformat()}"
        )


def check_content_type(header: str | None, format: str) -> None:
    """text/xml or application/json, in UTF-8 ("Appropriate HTTP headers must be set")."""
    assert header, "the answer has no Content-Type"
    media_type, _, parameters = header.partition(";")
    expected = MEDIA_TYPES[format]
    assert media_type.strip().lower() == expected, f"Content-Type is {header!r}, not {expected}"
    charset = None
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    if format == "xml":
        # Without it, text/xml defaults to US-ASCII (RFC 3023); the specification shows charset=utf-8.
        assert charset == "utf-8", f"Content-Type is {header!r}: text/xml needs charset=utf-8"
    else:
        assert charset in (None, "utf-8"), f"Content-Type is {header!r}: the charset must be utf-8"


# --- the client ---------------------------------------------------------------------------------------------


def _form_value(value: Any) -> str:
    if isinstance(value, datetime | date):
        return w3c_datetime(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _query_value(value: Any) -> str:
    """A GET filter: a list is comma delimited, a datetime is written in the W3C format."""
    if isinstance(value, list | tuple | set):
        return ",".join(_query_value(item) for item in value)
    return _form_value(value)


class Open311Client:
    """GeoReport v2 over HTTP. `base_url` is the endpoint, e.g. http://127.0.0.1:8000/open311/v2/."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        session: requests.Session | None = None,
        format: str = "json",
        *,
        jurisdiction_id: str | None = None,
        validate: bool = True,
        timeout: float = 30,
    ):
        if format not in MEDIA_TYPES:
            raise ValueError(f"format must be json or xml, not {format!r}")
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api_key = api_key
        self.session = session if session is not None else requests.Session()
        self.format = format
        self.jurisdiction_id = jurisdiction_id
        self.validate = validate
        self.timeout = timeout
        self.last_response: requests.Response | None = None

    def with_format(self, format: str) -> Open311Client:
        """The same client (session, key, jurisdiction) speaking the other format."""
        return Open311Client(
            self.base_url,
            self.api_key,
            self.session,
            format,
            jurisdiction_id=self.jurisdiction_id,
            validate=self.validate,
            timeout=self.timeout,
        )

    def url(self, resource: str) -> str:
        """`resource` ("services", "requests/12") under the endpoint, with the format's extension."""
        return f"{self.base_url}{resource}.{self.format}"

    # GET discovery.{format}, services.{format}, services/{code}.{format}

    def discovery(self, url: str | None = None) -> dict:
        """The discovery document; by default discovery.{format} beside the other resources."""
        doc = self._get(url or self.url("discovery"), root="discovery", jurisdiction=False)
        doc = normalise_discovery(doc, self.format)
        if self.validate:
            check_discovery(doc)
        return doc

    def services(self) -> list[dict]:
        doc = normalise_services(self._get(self.url("services"), root="services"), self.format)
        if self.validate:
            check_services(doc)
        return doc

    def service_definition(self, code: str) -> dict:
        url = self.url("services/" + urllib.parse.quote(str(code), safe=""))
        doc = normalise_service_definition(self._get(url, root="service_definition"), self.format)
        if self.validate:
            check_service_definition(doc, str(code))
        return doc

    # POST requests.{format}, GET tokens/{token}.{format}

    def post_request(
        self,
        service_code: str,
        *,
        lat: float | str | None = None,
        long: float | str | None = None,
        address_string: str | None = None,
        address_id: str | None = None,
        description: str | None = None,
        attributes: dict[str, Any] | None = None,
        email: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        phone: str | None = None,
        device_id: str | None = None,
        account_id: str | None = None,
        media_url: str | None = None,
        media: tuple[bytes, str, str] | None = None,
    ) -> dict:
        """File a request. Nothing is checked before sending: the server's answers to bad input are under test.

        `attributes` maps an attribute's code to a value (sent as attribute[code]=value) or, for a
        multivaluelist, to a list (attribute[code][]=value, once each). `media` is (content, filename, content
        type): the request then goes as multipart/form-data with the file in the field `media`.
        """
        fields: list[tuple[str, str]] = []
        # In the order of the specification's example request.
        for name, value in (
            ("api_key", self.api_key),
            ("jurisdiction_id", self.jurisdiction_id),
            ("service_code", service_code),
            ("lat", lat),
            ("long", long),
            ("address_string", address_string),
            ("address_id", address_id),
            ("email", email),
            ("device_id", device_id),
            ("account_id", account_id),
            ("first_name", first_name),
            ("last_name", last_name),
            ("phone", phone),
            ("description", description),
            ("media_url", media_url),
        ):
            if value is not None:
                fields.append((name, _form_value(value)))
        for code, value in (attributes or {}).items():
            if isinstance(value, list | tuple):
                fields.extend((f"attribute[{code}][]", _form_value(item)) for item in value)
            else:
                fields.append((f"attribute[{code}]", _form_value(value)))
        if media is None:
            body = urllib.parse.urlencode(fields).encode("ascii")
            headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
            response = self.session.post(self.url("requests"), data=body, headers=headers, timeout=self.timeout)
        else:
            content, filename, content_type = media
            files = [("media", (filename, content, content_type))]
            response = self.session.post(self.url("requests"), data=fields, files=files, timeout=self.timeout)
        doc = normalise_requests(self._receive(response, root="service_requests"), self.format)
        return self._single(doc, check_post_response)

    def token(self, token: str) -> dict:
        url = self.url("tokens/" + urllib.parse.quote(str(token), safe=""))
        doc = normalise_requests(self._get(url, root="service_requests"), self.format)
        return self._single(doc, lambda record, where: check_token(record, str(token), where=where))

    # GET requests.{format}, requests/{id}.{format}

    def requests(self, **filters: Any) -> list[dict]:
        """GET requests with service_request_id, service_code, start_date, end_date, status (or any other name).

        A list is sent comma delimited, an aware datetime in the W3C format; None is not sent at all.
        """
        params = {name: _query_value(value) for name, value in filters.items() if value is not None}
        doc = normalise_requests(self._get(self.url("requests"), root="service_requests", params=params), self.format)
        if self.validate:
            check_requests(doc, filters)
        return doc

    def request(self, service_request_id: str) -> dict:
        url = self.url("requests/" + urllib.parse.quote(str(service_request_id), safe=""))
        doc = normalise_requests(self._get(url, root="service_requests"), self.format)
        record = self._single(doc, check_request)
        if self.validate:
            assert record["service_request_id"] == str(service_request_id), (
                f"request.service_request_id: asked for {service_request_id!r}, got {record['service_request_id']!r}"
            )
        return record

    # the wire

    def _get(self, url: str, *, root: str, params: dict[str, str] | None = None, jurisdiction: bool = True) -> Any:
        query = dict(params or {})
        if jurisdiction and self.jurisdiction_id is not None:
            query.setdefault("jurisdiction_id", self.jurisdiction_id)
        if query:
            # Commas and colons as the specification's sample URLs show them; "+" of a timezone must be %2B.
            url += "?" + urllib.parse.urlencode(query, safe=",:")
        return self._receive(self.session.get(url, timeout=self.timeout), root=root)

    def _decode(self, response: requests.Response, root: str) -> Any:
        if self.format == "json":
            return parse_json(response.content)
        return parse_xml(response.content, root, strict=self.validate)

    def _receive(self, response: requests.Response, *, root: str) -> Any:
        self.last_response = response
        where = f"{response.request.method} {response.url} -> {response.status_code}"
        if response.status_code >= 400:
            raise self._error(response, where)
        try:
            if self.validate:
                check_content_type(response.headers.get("Content-Type"), self.format)
            doc = self._decode(response, root)
        except AssertionError as error:
            raise AssertionError(f"{where}: {error}") from error
        if self.validate and self.format == "json":
            expected = dict if root in ("discovery", "service_definition") else list
            assert isinstance(doc, expected), f"{where}: the JSON must be {expected.__name__}, got {doc!r:.200}"
        return doc

    def _error(self, response: requests.Response, where: str) -> Open311Error:
        # Only 400, 403 and 404 are the specification's; a 5xx body is read if it can be, not checked.
        checked = self.validate and response.status_code < 500
        try:
            if checked:
                check_content_type(response.headers.get("Content-Type"), self.format)
            errors = normalise_errors(self._decode(response, "errors"), self.format)
            if checked:
                check_errors(errors)
        except AssertionError as error:
            if checked:
                raise AssertionError(f"{where}: not a GeoReport error answer: {error}") from error
            errors = []
        if not isinstance(errors, list):
            errors = []
        return Open311Error(response.status_code, errors, response.text)

    def _single(self, doc: Any, check) -> dict:
        where = f"{self.last_response.request.method} {self.last_response.url}"
        assert isinstance(doc, list) and len(doc) == 1, f"{where}: expected one <request>, got {doc!r:.300}"
        if self.validate:
            check(doc[0], where="request")
        return doc[0]
