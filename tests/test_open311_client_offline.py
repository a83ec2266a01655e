# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Open311 client (tests/open311_client.py) against a tiny fake server, without xaso.

The fake serves the examples of the GeoReport v2 specification (wiki.open311.org/GeoReport_v2 and its Service
Discovery page), quoted below as published. Where an example is not valid, or disagrees with its twin in the
other format, the test applies the smallest correction visibly (`.replace`) and says why; docs/open311.md lists
these among the specification's ambiguities.
"""

import json
import threading
import urllib.parse
from datetime import UTC, datetime, timedelta, timezone
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from open311_client import (
    Open311Client,
    Open311Error,
    check_attribute,
    check_discovery,
    check_errors,
    check_post_response,
    check_request,
    check_requests,
    check_service,
    check_service_definition,
    check_token,
    parse_json,
    parse_w3c_datetime,
    parse_xml,
)

# --- the specification's examples (GeoReport_v2, "Example response" of each method) ----------------------

SPEC_SERVICES_XML = """<?xml version="1.0" encoding="utf-8"?>
<services>
    <service>
        <service_code>001</service_code>
        <service_name>Cans left out 24x7</service_name>
        <description>Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.</description>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>sanitation</group>
    </service>
    <service>
        <service_code>002</service_code>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>street</group>
        <service_name>Construction plate shifted</service_name>
        <description>Metal construction plate covering the street or sidewalk has been moved.</description>
    </service>
    <service>
        <service_code>003</service_code>
        <metadata>true</metadata>
        <type>realtime</type>
        <keywords>lorem, ipsum, dolor</keywords>
        <group>street</group>
        <service_name>Curb or curb ramp defect</service_name>
        <description>Sidewalk curb or ramp has problems such as cracking, missing pieces, holes, and/or chipped curb.</description>
    </service>
</services>
"""  # noqa: E501 (quoted as published)

SPEC_SERVICES_JSON = """[
  {
    "service_code":001,
    "service_name":"Cans left out 24x7",
    "description":"Garbage or recycling cans that have been left out for more than 24 hours after collection. Violators will be cited.",
    "metadata":true,
    "type":"realtime",
    "keywords":"lorem, ipsum, dolor",
    "group":"sanitation"
  },
  {
    "service_code":002,
    "metadata":true,
    "type":"realtime",
    "keywords":"lorem, ipsum, dolor",
    "group":"street",
    "service_name":"Construction plate shifted",
    "description":"Metal construction plate covering the street or sidewalk has been moved."
  },
  {
    "service_code":003,
    "metadata":true,
    "type":"realtime",
    "keywords":"lorem, ipsum, dolor",
    "group":"street",
    "service_name":"Curb or curb ramp defect",
    "description":"Sidewalk curb or ramp has problems such as cracking, missing pieces, holes, and/or chipped curb."
  }
]"""  # noqa: E501 (quoted as published)
# `001` is not JSON (RFC 8259 forbids leading zeros), and as the number 1 it would lose the code: written as the
# string the XML carries.
SERVICES_JSON = SPEC_SERVICES_JSON
for _code in ("001", "002", "003"):
    SERVICES_JSON = SERVICES_JSON.replace(f'"service_code":{_code}', f'"service_code":"{_code}"')

SPEC_DEFINITION_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_definition>
    <service_code>DMV66</service_code>
    <attributes>
        <attribute>
            <variable>true</variable>
            <code>WHISHETN</code>
            <datatype>singlevaluelist</datatype>
            <required>true</required>
            <datatype_description></datatype_description>
            <order>1</order>
            <description>What is the ticket/tag/DL number?</description>
            <values>
                <value>
                    <key>123</key>
                    <name>Ford</name>
                </value>
                <value>
                    <key>124</key>
                    <name>Chrysler</name>
                </value>
            </values>
        </attribute>
    </attributes>
</service_definition>
"""

SPEC_DEFINITION_JSON = """{
  "service_code":"DMV66",
  "attributes":[
    {
      "variable":true,
      "code":"WHISHETN",
      "datatype":"singlevaluelist",
      "required":true,
      "datatype_description":null,
      "order":1,
      "description":"What is the ticket/tag/DL number?",
      "values":[
        {
          "key":123,
          "name":"Ford"
        },
        {
          "key":124,
          "name":"Chrysler"
        }
      ]
    }
  ]
}"""

# The example request of POST Service Request, as published (body of a application/x-www-form-urlencoded POST).
SPEC_POST_BODY = (
    "api_key=xyz&jurisdiction_id=city.gov&service_code=001&lat=37.76524078&long=-122.4212043"
    "&address_string=1234+5th+street&email=smit333%40sfgov.edu&device_id=tt222111&account_id=123456"
    "&first_name=john&last_name=smith&phone=111111111&description=A+large+sinkhole+is+destroying+the+street"
    "&media_url=http%3A%2F%2Ffarm3.static.flickr.com%2F2002%2F2212426634_5ed477a060.jpg"
    "&attribute[WHISPAWN]=123456&attribute[WHISDORN]=COISL001"
)

SPEC_POST_RESPONSE_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>293944</service_request_id>
        <service_notice>
            The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code
        </service_notice>
        <account_id/>
    </request>
</service_requests>
"""  # noqa: E501 (quoted as published)

SPEC_POST_RESPONSE_JSON = """[
  {
    "service_request_id":293944,
    "service_notice":"The City will inspect and require the responsible party to correct within 24 hours and/or issue a Correction Notice or Notice of Violation of the Public Works Code",
    "account_id":null
  }
]"""  # noqa: E501 (quoted as published)

SPEC_TOKEN_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <token>12345</token>
    </request>
</service_requests>
"""

SPEC_TOKEN_JSON = """[
  {
    "service_request_id":638344,
    "token":12345
  }
]"""

SPEC_REQUESTS_XML = """<?xml version="1.0" encoding="utf-8"?>
<service_requests>
    <request>
        <service_request_id>638344</service_request_id>
        <status>closed</status>
        <status_notes>Duplicate request.</status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-14T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-14T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-15T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638344.jpg </media_url>
    </request>
    <request>
        <service_request_id>638349</service_request_id>
        <status>open</status>
        <status_notes></status_notes>
        <service_name>Sidewalk and Curb Issues</service_name>
        <service_code>006</service_code>
        <description></description>
        <agency_responsible></agency_responsible>
        <service_notice></service_notice>
        <requested_datetime>2010-04-19T06:37:38-08:00</requested_datetime>
        <updated_datetime>2010-04-19T06:37:38-08:00</updated_datetime>
        <expected_datetime>2010-04-19T06:37:38-08:00</expected_datetime>
        <address>8TH AVE and JUDAH ST</address>
        <address_id>545483</address_id>
        <zipcode>94122</zipcode>
        <lat>37.762221815</lat>
        <long>-122.4651145</long>
        <media_url>http://city.gov.s3.amazonaws.com/requests/media/638349.jpg </media_url>
    </request>
</service_requests>
"""

SPEC_REQUESTS_JSON = """[
  {
    "service_request_id":638344,
    "status":"closed",
    "status_notes":"Duplicate request.",
    "service_name":"Sidewalk and Curb Issues",
    "service_code":006,
    "description":null,
    "agency_responsible":null,
    "service_notice":null,
    "requested_datetime":"2010-04-14T06:37:38-08:00",
    "updated_datetime":"2010-04-14T06:37:38-08:00",
    "expected_datetime":"2010-04-15T06:37:38-08:00",
    "address":"8TH AVE and JUDAH ST",
    "address_id":545483,
    "zipcode":94122,
    "lat":37.762221815,
    "long":-122.4651145,
    "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg "
  },
  {
    "service_request_id":638349,
    "status":"open",
    "status_notes":null,
    "service_name":"Sidewalk and Curb Issues",
    "service_code":006,
    "description":null,
    "agency_responsible":null,
    "service_notice":null,
    "requested_datetime":"2010-04-19T06:37:38-08:00",
    "updated_datetime":"2010-04-19T06:37:38-08:00",
    "expected_datetime":"2010-04-19T06:37:38-08:00",
    "address":"8TH AVE and JUDAH ST",
    "address_id":545483,
    "zipcode":94122,
    "lat":37.762221815,
    "long":-122.4651145,
    "media_url":"http://city.gov.s3.amazonaws.com/requests/media/638349.jpg"
  }
]"""
# `006` is not JSON; and a URL ends at the space the published media_url carries (the XML's is trimmed as element
# text, the JSON twins disagree on it): both corrected.
REQUESTS_JSON = SPEC_REQUESTS_JSON.replace('"service_code":006', '"service_code":"006"').replace('.jpg "', '.jpg"')
REQUESTS_XML = SPEC_REQUESTS_XML.replace(".jpg </media_url>", ".jpg</media_url>")

SPEC_ERROR_XML = """<?xml version="1.0" encoding="utf-8"?>
<errors>
    <error>
        <code>403</code>
        <description>Invalid api_key received -- can't proceed with create_request.</description>
    </error>
</errors>
"""

SPEC_ERROR_JSON = """[
  {
    "code":403,
    "description":"Invalid api_key received -- can't proceed with create_request."
  }
]"""

# Service Discovery, "Examples".
SPEC_DISCOVERY_XML = """<?xml version="1.0" encoding="UTF-8"?>
<discovery>
    <changeset>2011-02-03 14:18</changeset>
    <contact>You can email or call for assistance api@mycity.org +1 (555) 555-5555</contact>
    <key_service>You can request a key here: http://api.mycity.gov/api_key/request</key_service>
    <endpoints>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/v2</url>
            <changeset>2010-11-23 09:01</changeset>
            <type>production</type>
            <formats>
                <format>text/xml</format>
            </formats>
        </endpoint>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v2</specification>
            <url>http://open311.mycity.gov/test/v2</url>
            <changeset>2010-10-02 09:01</changeset>
            <type>test</type>
            <formats>
                <format>text/xml</format>
                <format>application/json</format>
            </formats>
        </endpoint>
        <endpoint>
            <specification>http://wiki.open311.org/GeoReport_v3</specification>
            <url>http://open311.mycity.gov/v3</url>
            <changeset>2011-02-03 14:18</changeset>
            <type>test</type>
            <formats>
                <format>text/xml</format>
                <format>application/json</format>
            </formats>
        </endpoint>
    </endpoints>
</discovery>
"""

SPEC_DISCOVERY_JSON = """{
  "changeset":"2011-02-03 14:18",
  "contact":"You can email or call for assistance api@mycity.org +1 (555) 555-5555",
  "key_service":"You can request a key here: http://api.mycity.gov/api_key/request",
  "endpoints":[
    {
      "specification":"http://wiki.open311.org/GeoReport_v2",
      "url":"http://open311.mycity.gov/v2",
      "changeset":"2010-11-23 09:01",
      "type":"production",
      "formats":[
        "text/xml"
      ]
    },
    {
      "specification":"http://wiki.open311.org/GeoReport_v2",
      "url":"http://open311.mycity.gov/test/v2",
      "changeset":"2010-10-02 09:01",
      "type":"test",
      "formats":[
        "text/xml",
        "application/json"
      ]
    },
    {
      "specification":"http://wiki.open311.org/GeoReport_v3",
      "url":"http://open311.mycity.gov/v3",
      "changeset":"2011-02-03 14:18",
      "type":"test",
      "formats":[
        "text/xml",
        "application/json"
      ]
    }
  ]
}"""

XML_TYPE = "text/xml; charset=utf-8"
JSON_TYPE = "application/json; charset=utf-8"

# --- the fake server ---------------------------------------------------------------------------------------


class FakeOpen311:
    """Canned answers by (method, path); every request received is kept for the tests to read."""

    def __init__(self):
        self.routes: dict[tuple[str, str], tuple[int, str, bytes]] = {}
        self.received: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urllib.parse.urlsplit(self.path)
                fake.received.append(
                    {
                        "method": self.command,
                        "path": parts.path,
                        "query": parts.query,
                        "headers": dict(self.headers),
                        "body": self.rfile.read(length),
                    }
                )
                status, content_type, body = fake.routes.get(
                    (self.command, parts.path), (404, "text/html", b"<h1>Not Found</h1>")
                )
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, format, *args):  # the test output stays quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/open311/v2/"
        # A short poll keeps the shutdown at each test's end quick.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    def serve(self, method: str, resource: str, body: str | bytes, content_type: str | None = None, status=200):
        """`resource` is relative to the endpoint and carries its extension, e.g. "services.xml"."""
        if content_type is None:
            content_type = XML_TYPE if resource.endswith(".xml") else JSON_TYPE
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[(method, "/open311/v2/" + resource)] = (status, content_type, data)

    @property
    def last(self) -> dict:
        return self.received[-1]


@pytest.fixture
def fake():
    server = FakeOpen311()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join()


@pytest.fixture
def clients(fake):
    """A JSON and an XML client on one session."""
    session = requests.Session()
    return Open311Client(fake.url, session=session), Open311Client(fake.url, session=session, format="xml")


# --- reading: both formats give the same structures ----------------------------------------------------------


def test_it_reads_the_spec_services_alike_in_xml_and_json(fake, clients):
    fake.serve("GET", "services.xml", SPEC_SERVICES_XML)
    fake.serve("GET", "services.json", SERVICES_JSON)
    as_json, as_xml = clients

    services = as_json.services()

    assert services == as_xml.services() == as_json.with_format("xml").services()
    assert [s["service_code"] for s in services] == ["001", "002", "003"]
    assert services[0] == {
        "service_code": "001",
        "service_name": "Cans left out 24x7",
        "description": "Garbage or recycling cans that have been left out for more than 24 hours after collection. "
        "Violators will be cited.",
        "metadata": True,
        "type": "realtime",
        "keywords": "lorem, ipsum, dolor",
        "group": "sanitation",
    }
    assert fake.received[0]["path"] == "/open311/v2/services.json"
    assert fake.received[1]["path"] == "/open311/v2/services.xml"


def test_it_refuses_the_published_services_json_because_001_is_not_json():
    with pytest.raises(AssertionError, match="not JSON"):
        parse_json(SPEC_SERVICES_JSON.encode())
    # Corrected as a number, the code would be 1: why codes are strings in JSON.
    assert json.loads(SPEC_SERVICES_JSON.replace(":001", ":1").replace(":002", ":2").replace(":003", ":3"))


def test_it_reads_the_spec_service_definition_alike(fake, clients):
    fake.serve("GET", "services/DMV66.xml", SPEC_DEFINITION_XML)
    fake.serve("GET", "services/DMV66.json", SPEC_DEFINITION_JSON)
    as_json, as_xml = clients

    definition = as_json.service_definition("DMV66")

    assert definition == as_xml.service_definition("DMV66")
    assert definition == {
        "service_code": "DMV66",
        "attributes": [
            {
                "variable": True,
                "code": "WHISHETN",
                "datatype": "singlevaluelist",
                "required": True,
                "datatype_description": None,
                "order": 1,
                "description": "What is the ticket/tag/DL number?",
                "values": [{"key": "123", "name": "Ford"}, {"key": "124", "name": "Chrysler"}],
            }
        ],
    }


def test_it_quotes_the_service_code_in_the_path(fake):
    fake.serve("GET", "services/a%2Fb%20c.json", '{"service_code": "a/b c", "attributes": []}')

    assert Open311Client(fake.url).service_definition("a/b c") == {"service_code": "a/b c", "attributes": []}
    assert fake.last["path"] == "/open311/v2/services/a%2Fb%20c.json"


def test_it_reads_the_spec_post_response_alike(fake, clients):
    as_json, as_xml = clients
    fake.serve("POST", "requests.json", SPEC_POST_RESPONSE_JSON)
    fake.serve("POST", "requests.xml", SPEC_POST_RESPONSE_XML)

    created = as_json.post_request("001", lat=37.76524078, long=-122.4212043)

    assert created == as_xml.post_request("001", lat=37.76524078, long=-122.4212043)
    assert created == {
        "service_request_id": "293944",
        "service_notice": "The City will inspect and require the responsible party to correct within 24 hours "
        "and/or issue a Correction Notice or Notice of Violation of the Public Works Code",
        "account_id": None,
    }


def test_it_reads_the_spec_token_alike(fake, clients):
    as_json, as_xml = clients
    fake.serve("GET", "tokens/12345.json", SPEC_TOKEN_JSON)
    fake.serve("GET", "tokens/12345.xml", SPEC_TOKEN_XML)

    assert as_json.token("12345") == as_xml.token("12345") == {"service_request_id": "638344", "token": "12345"}
    fake.serve("GET", "tokens/999.json", SPEC_TOKEN_JSON)
    with pytest.raises(AssertionError, match=r"request\.token: asked for '999'"):
        as_json.token("999")


def test_it_reads_the_spec_requests_alike(fake, clients):
    as_json, as_xml = clients
    fake.serve("GET", "requests.json", REQUESTS_JSON)
    fake.serve("GET", "requests.xml", REQUESTS_XML)

    found = as_json.requests()

    assert found == as_xml.requests()
    assert [r["service_request_id"] for r in found] == ["638344", "638349"]
    first = found[0]
    assert first["service_code"] == "006"
    assert first["address_id"] == "545483" and first["zipcode"] == "94122"
    assert first["lat"] == 37.762221815 and first["long"] == -122.4651145
    assert first["description"] is None and first["agency_responsible"] is None
    assert first["media_url"] == "http://city.gov.s3.amazonaws.com/requests/media/638344.jpg"
    assert found[1]["status_notes"] is None


def test_it_reads_one_request_as_a_dict(fake, clients):
    as_json, as_xml = clients
    one_json = json.dumps(json.loads(REQUESTS_JSON)[:1])
    fake.serve("GET", "requests/638344.json", one_json)
    first_only = REQUESTS_XML[: REQUESTS_XML.index("</request>") + len("</request>")] + "\n</service_requests>\n"
    fake.serve("GET", "requests/638344.xml", first_only)

    record = as_json.request("638344")

    assert record == as_xml.request("638344")
    assert record["service_request_id"] == "638344" and record["status"] == "closed"
    fake.serve("GET", "requests/1.json", one_json)
    with pytest.raises(AssertionError, match="asked for '1'"):
        as_json.request("1")


def test_it_reads_the_spec_discovery_alike(fake, clients):
    as_json, as_xml = clients
    fake.serve("GET", "discovery.json", SPEC_DISCOVERY_JSON)
    fake.serve("GET", "discovery.xml", SPEC_DISCOVERY_XML)

    discovery = as_json.discovery()

    assert discovery == as_xml.discovery()
    assert discovery["endpoints"][0]["formats"] == ["text/xml"]
    assert discovery["endpoints"][1]["formats"] == ["text/xml", "application/json"]


def test_it_keeps_spark_lists_for_one_child_and_none():
    one = SPEC_DEFINITION_XML.replace(
        """                <value>
                    <key>124</key>
                    <name>Chrysler</name>
                </value>
""",
        "",
    )
    assert parse_xml(one.encode(), "service_definition")["attributes"][0]["values"] == [{"key": "123", "name": "Ford"}]
    empty = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        "<service_definition><service_code>X</service_code><attributes/></service_definition>"
    )
    assert parse_xml(empty.encode(), "service_definition") == {"service_code": "X", "attributes": []}
    assert parse_xml(b'<?xml version="1.0" encoding="UTF-8"?><service_requests/>', "service_requests") == []


def test_it_tells_an_empty_element_from_an_absent_one():
    doc = parse_xml(SPEC_POST_RESPONSE_XML.encode(), "service_requests")[0]
    assert doc["account_id"] is None
    assert "token" not in doc


def test_it_accepts_the_spec_namespace_and_refuses_a_foreign_one():
    spec = SPEC_TOKEN_XML.replace(
        "<service_requests>", '<service_requests xmlns="http://wiki.open311.org/GeoReport_v2">'
    )
    assert parse_xml(spec.encode(), "service_requests") == [{"service_request_id": "638344", "token": "12345"}]
    foreign = SPEC_TOKEN_XML.replace("<service_requests>", '<service_requests xmlns="urn:other">')
    with pytest.raises(AssertionError, match="foreign namespace"):
        parse_xml(foreign.encode(), "service_requests")


def test_it_requires_the_xml_declaration_and_root(fake):
    fake.serve("GET", "services.xml", SPEC_SERVICES_XML.split("\n", 1)[1])
    with pytest.raises(AssertionError, match="declaration"):
        Open311Client(fake.url, format="xml").services()
    fake.serve("GET", "services.xml", SPEC_TOKEN_XML)
    with pytest.raises(AssertionError, match="root element is <service_requests>, not <services>"):
        Open311Client(fake.url, format="xml").services()


def test_it_checks_the_content_type(fake):
    fake.serve("GET", "services.json", SERVICES_JSON, content_type="text/html; charset=utf-8")
    with pytest.raises(AssertionError, match="not application/json"):
        Open311Client(fake.url).services()
    fake.serve("GET", "services.xml", SPEC_SERVICES_XML, content_type="text/xml")
    with pytest.raises(AssertionError, match="charset=utf-8"):
        Open311Client(fake.url, format="xml").services()
    fake.serve("GET", "services.json", SERVICES_JSON, content_type="application/json")
    assert len(Open311Client(fake.url).services()) == 3


def test_it_names_a_field_of_the_wrong_json_type(fake):
    fake.serve("GET", "services.json", SERVICES_JSON.replace('"metadata":true', '"metadata":"true"', 1))
    with pytest.raises(AssertionError, match=r"services\[0\]\.metadata: must be true or false"):
        Open311Client(fake.url).services()


def test_it_names_a_repeated_xml_field(fake):
    fake.serve(
        "GET", "services.xml", SPEC_SERVICES_XML.replace("<group>street</group>", "<group>a</group><group>b</group>", 1)
    )
    with pytest.raises(AssertionError, match=r"services\[1\]\.group: must be a string, got \['a', 'b'\]"):
        Open311Client(fake.url, format="xml").services()


# --- errors --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("format, body", [("json", SPEC_ERROR_JSON), ("xml", SPEC_ERROR_XML)])
def test_it_raises_the_spec_error_list(fake, format, body):
    fake.serve("POST", f"requests.{format}", body, status=403)

    with pytest.raises(Open311Error) as raised:
        Open311Client(fake.url, api_key="wrong", format=format).post_request("001", address_string="1 Main St")

    assert raised.value.status_code == 403
    assert raised.value.errors == [
        {"code": 403, "description": "Invalid api_key received -- can't proceed with create_request."}
    ]


def test_it_keeps_several_errors_and_codes_that_are_not_numbers(fake):
    body = json.dumps(
        [
            {"code": 400, "description": "service_code was not provided"},
            {"code": "E_LAT", "description": "lat without long"},
        ]
    )
    fake.serve("GET", "services/x.json", body, status=400)

    with pytest.raises(Open311Error) as raised:
        Open311Client(fake.url).service_definition("x")

    assert [e["code"] for e in raised.value.errors] == [400, "E_LAT"]


def test_it_refuses_an_error_answer_that_is_not_geo_report(fake):
    with pytest.raises(AssertionError, match="not a GeoReport error answer"):
        Open311Client(fake.url).request("404")  # the fake's own 404 page is HTML
    with pytest.raises(Open311Error) as raised:
        Open311Client(fake.url, validate=False).request("404")
    assert raised.value.status_code == 404 and raised.value.errors == []
    fake.serve("GET", "requests.json", "[]", status=400)
    with pytest.raises(AssertionError, match="at least one error"):
        Open311Client(fake.url).requests()


def test_it_raises_a_server_error_without_judging_its_body(fake):
    fake.serve("GET", "services.json", "Internal Server Error", content_type="text/plain", status=500)
    with pytest.raises(Open311Error) as raised:
        Open311Client(fake.url).services()
    assert raised.value.status_code == 500 and raised.value.errors == []
    assert raised.value.body == "Internal Server Error"


# --- what the client sends -----------------------------------------------------------------------------------


def test_it_posts_the_spec_example_request_form_encoded(fake):
    fake.serve("POST", "requests.xml", SPEC_POST_RESPONSE_XML)
    client = Open311Client(fake.url, api_key="xyz", format="xml", jurisdiction_id="city.gov")

    client.post_request(
        "001",
        lat=37.76524078,
        long=-122.4212043,
        address_string="1234 5th street",
        email="smit333@sfgov.edu",
        device_id="tt222111",
        account_id="123456",
        first_name="john",
        last_name="smith",
        phone="111111111",
        description="A large sinkhole is destroying the street",
        media_url="http://farm3.static.flickr.com/2002/2212426634_5ed477a060.jpg",
        attributes={"WHISPAWN": "123456", "WHISDORN": "COISL001"},
    )

    sent = fake.last
    assert sent["method"] == "POST" and sent["path"] == "/open311/v2/requests.xml" and sent["query"] == ""
    assert sent["headers"]["Content-Type"] == "application/x-www-form-urlencoded; charset=utf-8"
    assert urllib.parse.parse_qsl(sent["body"].decode("ascii")) == urllib.parse.parse_qsl(SPEC_POST_BODY)


def test_it_posts_utf8_and_multivaluelist_attributes(fake):
    fake.serve("POST", "requests.json", SPEC_POST_RESPONSE_JSON)

    Open311Client(fake.url).post_request(
        "den-duong",
        address_string="Thôn Đông, xã Hòa Bình",
        description="Đèn đường hỏng\nở ngã ba",
        attributes={"LOAI": ["den", "cot"], "GIO": datetime(2026, 3, 1, 19, 30, tzinfo=timezone(timedelta(hours=7)))},
    )

    body = fake.last["body"].decode("ascii")  # percent-encoded UTF-8 only
    assert urllib.parse.parse_qsl(body) == [
        ("service_code", "den-duong"),
        ("address_string", "Thôn Đông, xã Hòa Bình"),
        ("description", "Đèn đường hỏng\nở ngã ba"),
        ("attribute[LOAI][]", "den"),
        ("attribute[LOAI][]", "cot"),
        ("attribute[GIO]", "2026-03-01T19:30:00+07:00"),
    ]
    assert "api_key" not in body  # none was given


def test_it_uploads_media_as_the_multipart_field_media(fake):
    fake.serve("POST", "requests.json", SPEC_POST_RESPONSE_JSON)
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256))

    Open311Client(fake.url, api_key="k").post_request(
        "001",
        lat=21.0285,
        long=105.8542,
        description="Ổ gà",
        attributes={"SIZE": "lon"},
        media=(picture, "o-ga.png", "image/png"),
    )

    content_type = fake.last["headers"]["Content-Type"]
    assert content_type.startswith("multipart/form-data; boundary=")
    message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + fake.last["body"])
    parts = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
    assert list(parts) == ["api_key", "service_code", "lat", "long", "description", "attribute[SIZE]", "media"]
    media = parts["media"]
    assert media.get_filename() == "o-ga.png"
    assert media.get_content_type() == "image/png"
    assert media.get_payload(decode=True) == picture
    assert parts["lat"].get_payload(decode=True) == b"21.0285"
    assert parts["description"].get_payload(decode=True).decode("utf-8") == "Ổ gà"


def test_it_sends_the_spec_sample_query_of_get_requests(fake):
    fake.serve("GET", "requests.xml", '<?xml version="1.0" encoding="utf-8"?>\n<service_requests/>')
    client = Open311Client(fake.url, format="xml", jurisdiction_id="city.gov")

    assert (
        client.requests(
            start_date=datetime(2010, 5, 24, tzinfo=UTC), end_date=datetime(2010, 6, 24, tzinfo=UTC), status="open"
        )
        == []
    )

    # The sample URL of GET Service Requests, to the character.
    assert (
        fake.last["query"]
        == "start_date=2010-05-24T00:00:00Z&end_date=2010-06-24T00:00:00Z&status=open&jurisdiction_id=city.gov"
    )


def test_it_sends_lists_comma_delimited_and_offsets_escaped(fake):
    fake.serve("GET", "requests.json", "[]")
    hanoi = timezone(timedelta(hours=7))

    Open311Client(fake.url).requests(
        service_request_id=["12", "13"],
        service_code=("001", "002"),
        status=["open", "closed"],
        start_date=datetime(2026, 1, 1, tzinfo=hanoi),
        end_date="2026-02-01T00:00:00Z",
        page=None,
    )

    query = fake.last["query"]
    assert query == (
        "service_request_id=12,13&service_code=001,002&status=open,closed"
        "&start_date=2026-01-01T00:00:00%2B07:00&end_date=2026-02-01T00:00:00Z"
    )
    assert urllib.parse.parse_qs(query)["start_date"] == ["2026-01-01T00:00:00+07:00"]


def test_it_sends_an_empty_filter_when_asked_and_refuses_naive_datetimes(fake):
    fake.serve("GET", "requests.json", "[]")
    Open311Client(fake.url).requests(status="")
    assert fake.last["query"] == "status="
    with pytest.raises(ValueError, match="timezone"):
        Open311Client(fake.url).requests(start_date=datetime(2026, 1, 1))


def test_it_uses_the_session_and_jurisdiction_it_is_given(fake):
    fake.serve("GET", "discovery.json", SPEC_DISCOVERY_JSON)
    fake.serve("GET", "services.json", SERVICES_JSON)
    session = requests.Session()
    session.headers["X-From-Test"] = "yes"
    client = Open311Client(fake.url.rstrip("/"), session=session, jurisdiction_id="261128")

    client.services()
    assert fake.last["headers"]["X-From-Test"] == "yes"
    assert fake.last["path"] == "/open311/v2/services.json" and fake.last["query"] == "jurisdiction_id=261128"
    client.discovery()
    assert fake.last["query"] == ""  # discovery is not per jurisdiction


def test_it_knows_only_json_and_xml():
    with pytest.raises(ValueError, match="json or xml"):
        Open311Client("http://127.0.0.1:1/open311/v2/", format="csv")


# --- the checks on their own ---------------------------------------------------------------------------------


def spec_request() -> dict:
    """The first request of the specification's example, as the client reads it."""
    return json.loads(REQUESTS_JSON)[0] | {
        "service_request_id": "638344",
        "service_code": "006",
        "address_id": "545483",
        "zipcode": "94122",
    }


def test_it_passes_the_spec_examples():
    check_request(spec_request())
    check_requests([spec_request()])
    check_service(json.loads(SERVICES_JSON)[0])
    check_discovery(json.loads(SPEC_DISCOVERY_JSON))
    check_errors(json.loads(SPEC_ERROR_JSON))
    check_post_response({"service_request_id": "293944", "service_notice": "…", "account_id": None}, "realtime")
    check_token({"service_request_id": "638344", "token": "12345"}, "12345")
    check_token({"service_request_id": None, "token": "12345"})


@pytest.mark.parametrize(
    "change, message",
    [
        ({"status": "pending"}, r"request\.status: must be one of open, closed"),
        ({"requested_datetime": "2010-04-14 06:37:38"}, r"request\.requested_datetime: .* not a W3C datetime"),
        ({"requested_datetime": "2010-04-14T06:37:38"}, r"request\.requested_datetime: .* with a timezone"),
        ({"updated_datetime": "2010-04-13T06:37:38-08:00"}, r"request\.updated_datetime: .* is before"),
        ({"lat": 91.0}, r"request\.lat: must be between -90 and 90"),
        ({"long": None}, r"request: lat and long come together"),
        ({"service_request_id": 638344}, r"request\.service_request_id: must be a string identifier"),
        ({"service_code": None}, r"request\.service_code: must not be empty"),
        ({"description": "x" * 4001}, r"request\.description: is 4001 characters, over 4000"),
        ({"media_url": "http://city.gov/a.jpg "}, r"request\.media_url: must be an absolute http\(s\) URL"),
        ({"media_url": "/media/a.jpg"}, r"request\.media_url: must be an absolute http\(s\) URL"),
    ],
)
def test_it_names_the_request_field_at_fault(change, message):
    with pytest.raises(AssertionError, match=message):
        check_request(spec_request() | change)


@pytest.mark.parametrize("field", ["service_request_id", "status", "service_name", "address", "lat", "media_url"])
def test_it_wants_each_listed_request_field(field):
    request = spec_request()
    del request[field]
    with pytest.raises(AssertionError, match=rf"request\.{field}: missing"):
        check_request(request)


@pytest.mark.parametrize("field", ["status_notes", "agency_responsible", "service_notice", "expected_datetime"])
def test_it_lets_may_not_be_returned_fields_go(field):
    request = spec_request()
    del request[field]
    check_request(request)


def test_it_holds_the_server_to_the_filters():
    closed, opened = json.loads(REQUESTS_JSON)
    for record in (closed, opened):
        record.update(service_request_id=str(record["service_request_id"]), address_id="545483", zipcode="94122")
    with pytest.raises(AssertionError, match=r"\[0\]\.status: 'closed' not asked for"):
        check_requests([closed, opened], {"status": "open"})
    with pytest.raises(AssertionError, match=r"\[1\]\.service_code: '006' not asked for"):
        check_requests([closed | {"service_code": "001"}, opened], {"service_code": "001,002"})
    with pytest.raises(AssertionError, match=r"requested_datetime: 2010-04-14T06:37:38-08:00 is before"):
        check_requests([closed], {"start_date": datetime(2010, 4, 15, tzinfo=UTC)})
    with pytest.raises(AssertionError, match="is after"):
        check_requests([opened], {"end_date": "2010-04-19T14:00:00Z"})
    # service_request_id overrides every other filter.
    check_requests([closed], {"service_request_id": "638344,1", "status": "open"})
    with pytest.raises(AssertionError, match="also got"):
        check_requests([closed, opened], {"service_request_id": ["638344"]})
    # With no dates, the last 90 days.
    check_requests([closed], now=datetime(2010, 7, 13, tzinfo=UTC))
    with pytest.raises(AssertionError, match="is before"):
        check_requests([closed], now=datetime(2010, 7, 14, tzinfo=UTC))
    with pytest.raises(AssertionError, match="listed twice"):
        check_requests([closed, closed])
    with pytest.raises(AssertionError, match="over the first 1000"):
        check_requests([opened | {"service_request_id": str(n)} for n in range(1001)])


def test_it_names_the_service_definition_field_at_fault():
    definition = json.loads(SPEC_DEFINITION_JSON)
    attribute = definition["attributes"][0] | {"values": [{"key": "123", "name": "Ford"}]}
    check_attribute(attribute)
    with pytest.raises(AssertionError, match=r"attribute\.values: a singlevaluelist must offer at least one value"):
        check_attribute(attribute | {"values": []})
    with pytest.raises(AssertionError, match=r"attribute\.values: only a list datatype offers values"):
        check_attribute(attribute | {"datatype": "string"})
    with pytest.raises(AssertionError, match=r"attribute\.datatype: must be one of"):
        check_attribute(attribute | {"datatype": "boolean", "values": []})
    with pytest.raises(AssertionError, match=r"attribute\.order: must be a positive integer, got 0"):
        check_attribute(attribute | {"order": 0})
    with pytest.raises(AssertionError, match=r"values\[1\]\.key: '123' is not unique"):
        check_attribute(attribute | {"values": [{"key": "123", "name": "A"}, {"key": "123", "name": "B"}]})
    two = {"service_code": "DMV66", "attributes": [attribute, attribute | {"code": "OTHER"}]}
    with pytest.raises(AssertionError, match=r"attributes\[1\]\.order: 1 is used by another attribute"):
        check_service_definition(two)
    with pytest.raises(AssertionError, match="asked for 'X'"):
        check_service_definition({"service_code": "DMV66", "attributes": []}, "X")


def test_it_wants_an_id_or_a_token_after_post():
    with pytest.raises(AssertionError, match="both a service_request_id and a token"):
        check_post_response({"service_request_id": "1", "token": "t"})
    with pytest.raises(AssertionError, match="a batch service returns a token"):
        check_post_response({"service_request_id": "1"}, "batch")
    with pytest.raises(AssertionError, match="a realtime service returns it at once"):
        check_post_response({"token": "t"}, "realtime")
    with pytest.raises(AssertionError, match="a blackbox service returns none"):
        check_post_response({"service_request_id": "1"}, "blackbox")
    check_post_response({"service_notice": "Thank you"}, "blackbox")


def test_it_wants_every_discovery_field_and_xml_for_v2():
    discovery = json.loads(SPEC_DISCOVERY_JSON)
    del discovery["key_service"]
    with pytest.raises(AssertionError, match=r"discovery\.key_service: missing"):
        check_discovery(discovery)
    discovery = json.loads(SPEC_DISCOVERY_JSON)
    discovery["endpoints"][1]["formats"] = ["application/json"]
    with pytest.raises(AssertionError, match=r"endpoints\[1\]\.formats: XML is a required format"):
        check_discovery(discovery)
    discovery["endpoints"][1].update(formats=["text/xml"], type="staging")
    with pytest.raises(AssertionError, match=r"endpoints\[1\]\.type: must be one of production, test"):
        check_discovery(discovery)


def test_it_wants_a_code_and_a_description_per_error():
    with pytest.raises(AssertionError, match=r"errors\[0\]\.description: missing"):
        check_errors([{"code": 400}])
    with pytest.raises(AssertionError, match=r"errors\[0\]\.code: missing"):
        check_errors([{"description": "bad"}])


def test_it_reads_w3c_datetimes_as_the_spec_does():
    # "1994-11-05T08:15:30-05:00 corresponds to ... 1994-11-05T13:15:30Z corresponds to the same instant."
    assert parse_w3c_datetime("1994-11-05T08:15:30-05:00") == parse_w3c_datetime("1994-11-05T13:15:30Z")
    assert parse_w3c_datetime("2010-01-01T00:00Z") == datetime(2010, 1, 1, tzinfo=UTC)
    assert parse_w3c_datetime("2010-01-01T00:00:00.5+07:00").microsecond == 500000
    for wrong in ("1994-11-05", "1994-11-05T08:15:30", "1994-11-05 08:15:30Z", "1994-13-05T08:15:30Z"):
        with pytest.raises(ValueError):
            parse_w3c_datetime(wrong)
