# SPDX-License-Identifier: AGPL-3.0-or-later
"""xaso's /open311/v2/ as an existing Open311 app sees it: the conformance client (tests/open311_client.py,
written from the specification) over real HTTP against a live server, every answer checked (validate=True).

What it proves: discovery, the services in both formats alike, filing with a photo (the media extension) and
reading the request back by id and by token, the filters, the specification's error answers, and that no
answer, of any resource in either format, carries the reporter's personal data.
"""

from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
import requests
from django.utils import timezone
from PIL import Image

from open311_client import Open311Client, Open311Error, check_requests, parse_w3c_datetime
from xaso import testing
from xaso.modules.reports import services
from xaso.modules.reports.models import Category, Report

# The live server empties the database after each test; serialized_rollback puts the places back.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

A = testing.COMMUNE_A
# The reporter's personal data: none of it may come back in any answer.
PERSON = {"email": "nguyen.thi.bao.an@example.org", "first_name": "Bảo An", "last_name": "Nguyễn Thị",
          "phone": "0987654321", "device_id": "device-secret-41", "account_id": "account-secret-42"}
PERSONAL = [*PERSON.values(), "Nguyễn Thị Bảo An"]


@pytest.fixture
def categories(users):
    commune = users["alice"].commune
    return {
        "lights": Category.objects.create(commune=commune, code="den-duong", name="Đèn đường hỏng",
                                          group="Hạ tầng", handler=users["sam"]),
        "rubbish": Category.objects.create(commune=commune, code="rac", name="Rác thải",
                                           description="Rác để sai chỗ & lâu ngày"),
    }


@pytest.fixture
def bodies():
    """Every answer the clients received, to search for personal data at the end."""
    return []


@pytest.fixture
def session(bodies):
    with requests.Session() as s:
        s.hooks["response"].append(lambda response, *args, **kwargs: bodies.append(response.content))
        yield s


@pytest.fixture
def client(live_server, session):
    return Open311Client(f"{live_server.url}/open311/v2/", session=session, jurisdiction_id=A)


def jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 30), "orange").save(out, "JPEG")
    return out.getvalue()


def no_personal_data(bodies):
    assert bodies
    for body in bodies:
        text = body.decode("utf-8", "replace")
        for secret in PERSONAL:
            assert secret not in text, f"{secret!r} in an answer: {text[:300]}"


def test_discovery_names_the_endpoint_in_both_formats(client, live_server, bodies):
    for fmt in ("json", "xml"):
        doc = client.with_format(fmt).discovery()
        assert doc["endpoints"][0]["url"] == f"{live_server.url}/open311/v2"
        assert doc["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
        assert set(doc["endpoints"][0]["formats"]) == {"text/xml", "application/json"}
        assert client.with_format(fmt).discovery(f"{live_server.url}/open311/discovery.{fmt}") == doc


def test_the_services_are_the_same_in_json_and_xml(client, categories):
    as_json, as_xml = client.services(), client.with_format("xml").services()
    assert as_json == as_xml
    assert {s["service_code"]: s["service_name"] for s in as_json} == {"den-duong": "Đèn đường hỏng",
                                                                       "rac": "Rác thải"}
    rubbish = next(s for s in as_json if s["service_code"] == "rac")
    assert rubbish["description"] == "Rác để sai chỗ & lâu ngày" and rubbish["metadata"] is False
    assert rubbish["type"] == "realtime"
    for fmt in ("json", "xml"):
        assert client.with_format(fmt).service_definition("den-duong") == {"service_code": "den-duong",
                                                                           "attributes": []}


def test_a_request_with_a_photo_is_read_back_by_id_and_by_token(client, categories, session, bodies):
    answer = client.post_request("den-duong", lat=20.9510123, long=107.08, address_string="Chợ đêm Hạ Long",
                                 description="Đèn đường trước chợ đêm không sáng\nđã ba hôm", **PERSON,
                                 media=(jpeg(), "den.jpg", "image/jpeg"))
    code = answer["service_request_id"]
    assert "token" not in answer and code in answer["service_notice"]  # realtime: the id, not a token
    report = Report.objects.get(code=code)
    assert report.photos.count() == 1 and report.reporter_email == PERSON["email"]

    by_id = client.request(code)
    assert by_id == client.with_format("xml").request(code)
    assert by_id["status"] == "open" and by_id["service_code"] == "den-duong"
    assert by_id["description"] == "Đèn đường trước chợ đêm không sáng\nđã ba hôm"
    assert (by_id["lat"], by_id["long"], by_id["address"]) == (20.951012, 107.08, "Chợ đêm Hạ Long")
    assert by_id["agency_responsible"] == "Phường Hạ Long"
    photo = session.get(by_id["media_url"])
    assert photo.status_code == 200 and photo.headers["Content-Type"] == "image/jpeg"
    assert Image.open(BytesIO(photo.content)).size == (40, 30)

    for fmt in ("json", "xml"):
        assert client.with_format(fmt).token(report.token) == {"service_request_id": code, "token": report.token}
    assert client.requests(service_request_id=code) == [by_id]
    no_personal_data(bodies)


def test_the_requests_filter_by_status_service_and_dates(client, users, categories):
    now = timezone.now()

    def filed(category, days_ago, **reporter):
        return services.report_file(
            actor=None, commune=category.commune, category=category, description=f"{days_ago} ngày trước",
            place=services.Place(latitude=Decimal("20.95"), longitude=Decimal("107.08")),
            reporter=services.Reporter(**reporter), now=now - timedelta(days=days_ago))

    old, lamp, rubbish = filed(categories["lights"], 100), filed(categories["lights"], 3), filed(
        categories["rubbish"], 1, name="Nguyễn Thị Bảo An", phone=PERSON["phone"])
    lamp = services.report_step(actor=users["sam"], report=lamp, name="start")
    services.report_resolve(actor=users["sam"], report=lamp, answer="Đã thay bóng đèn.")

    everything = client.requests()
    check_requests(everything, {}, now=now)
    assert [r["service_request_id"] for r in everything] == [rubbish.code, lamp.code]  # newest first, 90 days
    assert client.with_format("xml").requests() == everything
    closed = client.requests(status="closed")
    assert [(r["service_request_id"], r["status_notes"]) for r in closed] == [(lamp.code, "Đã thay bóng đèn.")]
    assert parse_w3c_datetime(closed[0]["updated_datetime"]) >= parse_w3c_datetime(closed[0]["requested_datetime"])
    assert [r["service_request_id"] for r in client.requests(status="open")] == [rubbish.code]
    assert [r["service_request_id"] for r in client.requests(service_code="rac")] == [rubbish.code]
    assert len(client.requests(service_code=["rac", "den-duong"], status=["open", "closed"])) == 2
    window = client.requests(start_date=now - timedelta(days=110), end_date=now - timedelta(days=50))
    assert [r["service_request_id"] for r in window] == [old.code]
    recent = client.with_format("xml").requests(start_date=now - timedelta(days=2), end_date=now)
    assert [r["service_request_id"] for r in recent] == [rubbish.code]
    assert {r["service_request_id"] for r in client.requests(service_request_id=[old.code, lamp.code])} == {
        old.code, lamp.code}


def errors_of(call) -> Open311Error:
    with pytest.raises(Open311Error) as caught:
        call()
    return caught.value


def test_bad_requests_get_the_specifications_error_lists(client, live_server, categories, session):
    for fmt in ("json", "xml"):
        c = client.with_format(fmt)
        nowhere = Open311Client(f"{live_server.url}/open311/v2/", session=session, format=fmt)
        missing = errors_of(nowhere.services)
        assert missing.status_code == 400 and missing.errors[0]["code"] == 400
        assert "jurisdiction_id" in missing.errors[0]["description"]
        unknown_commune = Open311Client(f"{live_server.url}/open311/v2/", session=session, format=fmt,
                                        jurisdiction_id="99999")
        assert errors_of(unknown_commune.services).status_code == 404
        assert errors_of(lambda c=c: c.service_definition("khong-co")).status_code == 404
        assert errors_of(lambda c=c: c.request(f"{A}-2020-00001")).status_code == 404
        assert errors_of(lambda c=c: c.token("khong-co-token")).status_code == 404
        span = errors_of(lambda c=c: c.requests(start_date="2026-01-01T00:00:00Z", end_date="2026-06-01T00:00:00Z"))
        assert span.status_code == 400 and span.errors[0]["description"].startswith("end_date: ")
        both = errors_of(lambda c=c: c.requests(status="pending", start_date="hôm qua"))
        assert [e["description"].split(":")[0] for e in both.errors] == ["status", "start_date"]
        bad_place = errors_of(lambda c=c: c.post_request("den-duong", lat="north", long=107.08, description="x"))
        assert bad_place.status_code == 400 and bad_place.errors[0]["description"].startswith("lat: ")
        off_earth = errors_of(lambda c=c: c.post_request("den-duong", lat=95, long=107.08, description="x"))
        assert off_earth.status_code == 400 and "Trái Đất" in off_earth.errors[0]["description"]
        not_a_photo = errors_of(lambda c=c: c.post_request(
            "den-duong", lat=20.95, long=107.08, description="x", media=(b"%PDF-1.4", "a.jpg", "image/jpeg")))
        assert not_a_photo.status_code == 400 and not_a_photo.errors[0]["description"].startswith("media: ")
        assert errors_of(lambda c=c: c.post_request("khong-co", lat=20.95, long=107.08,
                                                    description="x")).status_code == 404
    assert not Report.objects.exists()


def test_no_answer_carries_personal_data(client, categories, bodies):
    """Everything an app can read, in both formats, after a report was filed with every personal field."""
    code = client.post_request("rac", lat=20.95, long=107.08, description="Rác ở đầu ngõ", **PERSON)[
        "service_request_id"]
    token = Report.objects.get(code=code).token
    for fmt in ("json", "xml"):
        c = client.with_format(fmt)
        c.discovery(), c.services(), c.service_definition("rac"), c.request(code), c.token(token)
        c.requests(), c.requests(service_request_id=code), c.requests(status="open", service_code="rac")
    no_personal_data(bodies)
    assert len(bodies) == 17
