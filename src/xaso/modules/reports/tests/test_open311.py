# SPDX-License-Identifier: AGPL-3.0-or-later
"""The Open311 GeoReport v2 server, resource by resource, through Django's test client.

tests/test_open311_live.py drives the same server over HTTP with the conformance client; here are the details
the client does not see: what was stored, what is refused and why, the escaping, the limits.
"""

import json
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from defusedxml import ElementTree
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from xaso import testing
from xaso.core.files.models import StoredFile
from xaso.modules.reports import services
from xaso.modules.reports.models import Category, Report, Status

pytestmark = pytest.mark.django_db

A, B = testing.COMMUNE_A, testing.COMMUNE_B
V2 = "/open311/v2"
PLACE = services.Place(latitude=Decimal("20.951000"), longitude=Decimal("107.080000"))


@pytest.fixture
def lights(users):
    return Category.objects.create(commune=users["alice"].commune, code="den-duong", name="Đèn đường hỏng",
                                   group="Hạ tầng", handler=users["sam"])


@pytest.fixture
def rubbish(users):
    return Category.objects.create(commune=users["alice"].commune, code="rac", name="Rác thải",
                                   description="Rác để sai chỗ")


def jpeg() -> bytes:
    out = BytesIO()
    Image.new("RGB", (16, 12), "orange").save(out, "JPEG")
    return out.getvalue()


def file(category, *, description="Đèn trước chợ đêm không sáng", now=None, **reporter):
    return services.report_file(actor=None, commune=category.commune, category=category, description=description,
                                place=PLACE, reporter=services.Reporter(**reporter), now=now)


def post(client, fmt="json", *, headers=None, **fields):
    data = {"jurisdiction_id": A, "service_code": "den-duong", "lat": "20.951", "long": "107.08",
            "description": "Đèn đường không sáng", **fields}
    return client.post(f"{V2}/requests.{fmt}", {k: v for k, v in data.items() if v is not None},
                       headers=headers or {})


def errors(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body, list) and body and all(e["code"] == response.status_code for e in body), body
    return body


def xml(response):
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ElementTree.fromstring(response.content)


# --- discovery and services --------------------------------------------------------------------------------

def test_it_describes_itself_in_both_formats_at_both_places(client):
    doc = client.get(f"{V2}/discovery.json").json()
    assert doc["endpoints"][0]["url"] == "http://testserver/open311/v2"
    assert doc["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert doc["endpoints"][0]["formats"] == ["text/xml", "application/json"]
    assert client.get("/open311/discovery.json").json() == doc
    root = xml(client.get(f"{V2}/discovery.xml"))
    assert root.tag == "discovery" and [f.text for f in root.find("endpoints/endpoint/formats")] == [
        "text/xml", "application/json"]


def test_it_lists_the_open_categories_of_the_commune_asked_for(client, users, lights, rubbish):
    Category.objects.create(commune=lights.commune, code="cu", name="Cũ", active=False)
    Category.objects.create(commune=users["charlie"].commune, code="nuoc", name="Nước")
    listed = client.get(f"{V2}/services.json", {"jurisdiction_id": A}).json()
    assert listed == [
        {"service_code": "rac", "service_name": "Rác thải", "description": "Rác để sai chỗ", "metadata": False,
         "type": "realtime", "keywords": None, "group": None},
        {"service_code": "den-duong", "service_name": "Đèn đường hỏng", "description": None, "metadata": False,
         "type": "realtime", "keywords": None, "group": "Hạ tầng"},
    ]
    root = xml(client.get(f"{V2}/services.xml", {"jurisdiction_id": A}))
    assert [s.findtext("service_code") for s in root.findall("service")] == ["rac", "den-duong"]
    assert root.find("service/keywords").text is None and root.find("service/metadata").text == "false"
    assert [s["service_code"] for s in client.get(f"{V2}/services.json", {"jurisdiction_id": B}).json()] == ["nuoc"]


def test_the_commune_must_be_named_and_exist(client, lights):
    missing = client.get(f"{V2}/services.json")
    assert missing.status_code == 400 and errors(missing)[0]["description"].startswith("jurisdiction_id: ")
    unknown = client.get(f"{V2}/services.json", {"jurisdiction_id": "99999"})
    assert unknown.status_code == 404 and "jurisdiction_id" in errors(unknown)[0]["description"]
    for url in (f"{V2}/requests.json", f"{V2}/services/den-duong.json", f"{V2}/requests/x.json",
                f"{V2}/tokens/x.json"):
        assert client.get(url).status_code == 400, url


def test_a_service_definition_has_no_attributes_and_other_communes_services_are_not_found(client, users, lights):
    assert client.get(f"{V2}/services/den-duong.json", {"jurisdiction_id": A}).json() == {
        "service_code": "den-duong", "attributes": []}
    root = xml(client.get(f"{V2}/services/den-duong.xml", {"jurisdiction_id": A}))
    assert root.tag == "service_definition" and list(root.find("attributes")) == []
    Category.objects.create(commune=users["charlie"].commune, code="nuoc", name="Nước")
    Category.objects.create(commune=lights.commune, code="cu", name="Cũ", active=False)
    for code in ("nuoc", "cu", "khong-co"):
        answer = client.get(f"{V2}/services/{code}.json", {"jurisdiction_id": A})
        assert answer.status_code == 404 and errors(answer)[0]["description"].startswith("service_code: ")


def test_other_formats_paths_and_methods_get_open311_errors(client, lights):
    for url in (f"{V2}/services.csv", f"{V2}/services", f"{V2}/requests/", "/open311/v3/services.json"):
        answer = client.get(url, {"jurisdiction_id": A})
        assert answer.status_code == 404, url
        assert xml(answer).tag == "errors" and xml(answer).findtext("error/code") == "404"
    refused = client.post(f"{V2}/services.json", {"jurisdiction_id": A})
    assert refused.status_code == 405 and refused["Allow"] == "GET, HEAD" and errors(refused)


def test_errors_are_in_the_language_of_the_request(client, settings):
    assert "Hãy" in client.get(f"{V2}/services.json").json()[0]["description"]  # Vietnamese first
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get(f"{V2}/services.json").json()[0]["description"] == (
        "jurisdiction_id: Give the code of the commune (five digits, Decision 19/2025/QĐ-TTg) as jurisdiction_id.")


# --- filing ------------------------------------------------------------------------------------------------

def test_it_files_a_report_and_answers_its_id_without_personal_data(client, lights):
    answer = post(client, email="dan@example.org", first_name="An", last_name="Nguyễn Văn", phone="0912 345 678",
                  device_id="device-77", account_id="acct-88", address_string="Số 12 Hùng Vương")
    report = Report.objects.get()
    assert answer.status_code == 200
    assert answer.json() == [{"service_request_id": report.code, "service_notice": (
        f"Phản ánh {report.code} của bạn đã được tiếp nhận. Hạn giải quyết: {report.due_date:%d/%m/%Y}.")}]
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        "Nguyễn Văn An", "dan@example.org", "0912345678")
    assert report.reporter is None and report.latitude == Decimal("20.951") and report.address == "Số 12 Hùng Vương"
    shown = client.get(f"{V2}/requests/{report.code}.json", {"jurisdiction_id": A}).content.decode()
    for secret in ("dan@example.org", "Nguyễn Văn An", "0912345678", "device-77", "acct-88", report.token):
        assert secret not in shown and secret not in answer.content.decode()


def test_a_signed_in_browser_does_not_file_in_its_users_name(client_for, lights):
    """The endpoint takes no CSRF token: a page elsewhere must not make a citizen's browser file as them."""
    assert post(client_for("cindy")).status_code == 200
    assert Report.objects.get().reporter is None


def test_the_media_upload_becomes_the_requests_media_url(client, lights):
    upload = SimpleUploadedFile("den.jpg", jpeg(), content_type="image/jpeg")
    answer = post(client, "xml", media=upload)
    code = xml(answer).findtext("request/service_request_id")
    report = Report.objects.get(code=code)
    photo = report.photos.get()
    shown = client.get(f"{V2}/requests/{code}.json", {"jurisdiction_id": A}).json()[0]
    assert shown["media_url"] == f"http://testserver/reports/r/{code}/photos/{photo.pk}"
    assert client.get(shown["media_url"])["Content-Type"] == "image/jpeg"


def test_a_file_that_is_not_a_photo_refuses_the_whole_request(client, lights):
    answer = post(client, media=SimpleUploadedFile("x.pdf", b"%PDF-1.4 not a photo", content_type="image/jpeg"))
    assert answer.status_code == 400 and errors(answer)[0]["description"].startswith("media: ")
    assert not Report.objects.exists() and not StoredFile.objects.exists()


@pytest.mark.parametrize(("fields", "starts"), [
    ({"lat": "abc"}, "lat: "),
    ({"long": "Infinity"}, "long: "),
    ({"lat": "95"}, "lat, long: "),
    ({"long": ""}, "lat, long: "),
    ({"lat": "", "long": ""}, "address_string: "),
    ({"description": "   "}, "description: "),
    ({"description": "x" * 4001}, "description: "),
    ({"email": "not-an-address"}, "email: "),
    ({"service_code": ""}, "service_code: "),
])
def test_bad_input_is_refused_with_the_reason_and_nothing_is_filed(client, lights, fields, starts):
    answer = post(client, **fields)
    assert answer.status_code == 400 and errors(answer)[0]["description"].startswith(starts)
    assert not Report.objects.exists()


def test_a_place_outside_the_commune_is_refused(client, lights):
    lights.commune.boundary = {"type": "Polygon", "coordinates": [[[107.06, 20.93], [107.13, 20.93],
                                                                   [107.13, 20.99], [107.06, 20.99],
                                                                   [107.06, 20.93]]]}
    lights.commune.save(update_fields=["boundary"])
    answer = post(client, lat="21.33", long="107.40")
    assert answer.status_code == 400 and "lat, long" in errors(answer)[0]["description"]
    assert not Report.objects.exists()
    assert post(client).status_code == 200 and Report.objects.count() == 1  # inside: filed


def test_a_category_of_another_commune_is_not_a_service_here(client, users, lights):
    Category.objects.create(commune=users["charlie"].commune, code="nuoc", name="Nước")
    answer = post(client, service_code="nuoc")
    assert answer.status_code == 404 and errors(answer) == [
        {"code": 404, "description": "service_code: Hãy chọn một lĩnh vực phản ánh của xã."}]
    assert not Report.objects.exists()


def test_several_problems_are_listed_together(client, lights):
    answer = post(client, lat="x", long="y", headers={"Idempotency-Key": "k" * 81})
    assert [e["description"].split(":")[0] for e in errors(answer)] == ["lat", "long", "Idempotency-Key"]


def test_the_same_idempotency_key_files_once(client, lights):
    first = post(client, headers={"Idempotency-Key": "phone-42-1"}).json()
    again = post(client, headers={"Idempotency-Key": "phone-42-1"}).json()
    assert first[0]["service_request_id"] == again[0]["service_request_id"] and Report.objects.count() == 1
    assert Report.objects.get().idempotency_key == "phone-42-1"


def test_filing_is_limited_per_address(client, lights):
    for _ in range(10):
        assert post(client).status_code == 200
    refused = post(client)
    assert refused.status_code == 429 and errors(refused) and Report.objects.count() == 10
    assert refused["Retry-After"] == "3600"
    assert client.get(f"{V2}/requests.json", {"jurisdiction_id": A}).status_code == 200  # reading is not limited


def test_a_body_too_large_to_read_is_an_open311_error(client, settings, lights):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    answer = post(client, description="đ" * 2000)
    assert answer.status_code == 400 and errors(answer) and not Report.objects.exists()


def test_api_keys_are_required_once_some_are_configured(client, settings, lights):
    settings.XASO_OPEN311_API_KEYS = ["key-of-the-app"]
    assert post(client).status_code == 403
    wrong = post(client, api_key="guess")
    assert wrong.status_code == 403 and errors(wrong)[0]["description"].startswith("api_key: ")
    assert post(client, api_key="key-of-the-app").status_code == 200
    assert "API" in client.get(f"{V2}/discovery.json").json()["key_service"]


# --- reading -----------------------------------------------------------------------------------------------

def test_descriptions_are_text_escaped_in_xml_and_exact_in_json(client, lights):
    text = 'Đèn <script>alert("x")</script> & "cột" 3 > 2'
    report = file(lights, description=text)
    body = client.get(f"{V2}/requests/{report.code}.xml", {"jurisdiction_id": A}).content
    assert b"<script>" not in body and b"&lt;script&gt;" in body and b"&amp; " in body
    assert ElementTree.fromstring(body).findtext("request/description") == text
    assert client.get(f"{V2}/requests/{report.code}.json", {"jurisdiction_id": A}).json()[0]["description"] == text


def test_control_characters_never_break_the_xml(client, lights):
    report = file(lights, description="Đèn\x0b hỏng\x1f")  # filed elsewhere: XML 1.0 cannot carry these
    body = client.get(f"{V2}/requests/{report.code}.xml", {"jurisdiction_id": A}).content
    assert ElementTree.fromstring(body).findtext("request/description") == "Đèn hỏng"
    filed = post(client, description="Cột\x00 đèn\x07 nghiêng", phone="0912\x00345678")
    assert filed.status_code == 400 and errors(filed)[0]["description"].startswith("description: ")
    assert post(client, description="Cột đèn\x07 nghiêng").status_code == 200
    assert Report.objects.get(code__endswith="2").description == "Cột đèn nghiêng"
    for url, status in ((f"{V2}/requests.json?jurisdiction_id={A}&service_code=%00", 400),
                        (f"{V2}/services.json?jurisdiction_id=%00", 400), (f"{V2}/tokens/%00.json", 404)):
        assert client.get(url).status_code == status, url


def test_a_request_shows_its_public_facts_and_its_answer_once_resolved(client, users, lights):
    report = file(lights, name="Người Báo", phone="0912000111")
    report = services.report_step(actor=users["sam"], report=report, name="start")
    report = services.report_resolve(actor=users["sam"], report=report, answer="Đã thay bóng đèn.")
    shown = client.get(f"{V2}/requests/{report.code}.json", {"jurisdiction_id": A}).json()
    assert shown == [{
        "service_request_id": report.code, "status": "closed", "status_notes": "Đã thay bóng đèn.",
        "service_name": "Đèn đường hỏng", "service_code": "den-duong", "description": report.description,
        "agency_responsible": "Phường Hạ Long",
        "requested_datetime": timezone.localtime(report.created_at).isoformat(timespec="seconds"),
        "updated_datetime": timezone.localtime(report.resolved_at).isoformat(timespec="seconds"),
        "expected_datetime": None, "address": None, "address_id": None, "zipcode": None,
        "lat": 20.951, "long": 107.08, "media_url": None}]
    assert shown[0]["requested_datetime"].endswith("+07:00")


def test_an_open_request_says_when_it_is_expected(client, lights):
    report = file(lights)
    shown = client.get(f"{V2}/requests/{report.code}.json", {"jurisdiction_id": A}).json()[0]
    assert shown["status"] == "open" and shown["status_notes"] is None
    assert shown["expected_datetime"] == f"{report.due_date.isoformat()}T23:59:59+07:00"


def test_unknown_merged_and_foreign_requests_are_not_found(client, users, lights):
    earlier, later = file(lights), file(lights)
    services.report_merge(actor=users["olivia"], report=later, into=earlier)
    for code, commune in (("06688-2026-99999", A), (later.code, A), (earlier.code, B)):
        answer = client.get(f"{V2}/requests/{code}.json", {"jurisdiction_id": commune})
        assert answer.status_code == 404 and errors(answer)[0]["description"].startswith("service_request_id: ")


def test_a_token_names_its_request_or_the_one_it_was_merged_into(client, users, lights):
    earlier, later = file(lights), file(lights)
    assert client.get(f"{V2}/tokens/{earlier.token}.json", {"jurisdiction_id": A}).json() == [
        {"service_request_id": earlier.code, "token": earlier.token}]
    services.report_merge(actor=users["olivia"], report=later, into=earlier)
    assert client.get(f"{V2}/tokens/{later.token}.json", {"jurisdiction_id": A}).json() == [
        {"service_request_id": earlier.code, "token": later.token}]
    for token, commune in (("no-such-token", A), (earlier.token, B)):
        answer = client.get(f"{V2}/tokens/{token}.json", {"jurisdiction_id": commune})
        assert answer.status_code == 404 and errors(answer)[0]["description"].startswith("token: ")


def listed(client, **params) -> list[str]:
    answer = client.get(f"{V2}/requests.json", {"jurisdiction_id": A, **params})
    assert answer.status_code == 200, answer.content
    return [r["service_request_id"] for r in answer.json()]


def test_the_list_filters_by_status_service_and_dates(client, users, lights, rubbish):
    now = timezone.now()
    old = file(lights, now=now - timedelta(days=120))
    lamp, bin_ = file(lights, now=now - timedelta(days=2)), file(rubbish, now=now - timedelta(days=1))
    services.report_step(actor=users["sam"], report=lamp, name="start")
    services.report_resolve(actor=users["sam"], report=Report.objects.get(pk=lamp.pk), answer="Xong.")
    assert listed(client) == [bin_.code, lamp.code]  # the last 90 days, newest first
    assert listed(client, status="closed") == [lamp.code]
    assert listed(client, status="open,closed") == listed(client, status=["open", "closed"]) == [bin_.code, lamp.code]
    assert listed(client, status="") == [bin_.code, lamp.code]  # empty is the same as absent
    assert listed(client, service_code="rac") == [bin_.code]
    assert listed(client, service_code="rac,den-duong") == [bin_.code, lamp.code]
    day = timedelta(days=1)
    assert listed(client, start_date=(now - day * 1.5).isoformat()) == [bin_.code]
    assert listed(client, end_date=(now - day * 1.5).isoformat()) == [lamp.code]  # the 90 days before it
    assert listed(client, start_date=(now - day * 130).isoformat(), end_date=(now - day * 50).isoformat()) == [old.code]
    assert listed(client, service_request_id=f"{old.code},{bin_.code}", status="closed") == [bin_.code, old.code]
    assert listed(client, page_size="1") == [bin_.code] and listed(client, page_size="1", page="2") == [lamp.code]


def test_duplicates_and_other_communes_stay_out_of_the_list(client, users, lights):
    earlier, later = file(lights), file(lights)
    services.report_merge(actor=users["olivia"], report=later, into=earlier)
    water = Category.objects.create(commune=users["charlie"].commune, code="nuoc", name="Nước")
    file(water)
    assert listed(client) == [earlier.code]
    assert Report.objects.filter(status=Status.DUPLICATE).count() == 1


@pytest.mark.parametrize(("params", "fields"), [
    ({"start_date": "2026-01-01"}, ["start_date"]),  # no time, no timezone
    ({"start_date": "2026-01-01T00:00:00 07:00"}, ["start_date"]),  # a "+" sent unencoded
    ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"}, ["end_date"]),  # > 90 days
    ({"start_date": "2026-02-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}, ["end_date"]),
    ({"status": "pending", "end_date": "yesterday"}, ["status", "end_date"]),
    ({"page": "0", "page_size": "1001"}, ["page", "page_size"]),
    ({"page_size": "x", "status": "all"}, ["page_size", "status"]),
    ({"page": "9" * 5000}, ["page"]),  # more digits than Python turns into an int
    ({"start_date": "9999-12-31T23:59:59Z"}, ["start_date"]),  # its 90 days end after the year 9999
    ({"end_date": "0001-01-01T00:00:00Z"}, ["end_date"]),
])
def test_bad_filters_are_refused_with_every_reason(client, lights, params, fields):
    answer = client.get(f"{V2}/requests.json", {"jurisdiction_id": A, **params})
    assert answer.status_code == 400
    assert [e["description"].split(":")[0] for e in errors(answer)] == fields


def test_the_ids_override_the_other_filters_even_bad_ones(client, lights):
    report = file(lights)
    assert listed(client, service_request_id=report.code, status="pending", start_date="x") == [report.code]


def test_public_answers_may_be_read_by_apps_in_browsers(client, lights):
    assert client.get(f"{V2}/services.json", {"jurisdiction_id": A})["Access-Control-Allow-Origin"] == "*"
    assert client.get(f"{V2}/services.json")["Access-Control-Allow-Origin"] == "*"  # their errors too
    assert not post(client).has_header("Access-Control-Allow-Origin")


def test_the_list_in_xml_is_the_list_in_json(client, lights):
    file(lights, description="Một & hai")
    as_json = client.get(f"{V2}/requests.json", {"jurisdiction_id": A}).json()
    root = xml(client.get(f"{V2}/requests.xml", {"jurisdiction_id": A}))
    as_xml = [{child.tag: child.text for child in request} for request in root.findall("request")]
    assert [{k: (None if v is None else str(v)) for k, v in r.items()} for r in as_json] == as_xml


def test_it_stays_out_of_the_openapi_schema(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200 and b"open311" not in schema.content
    assert json.loads(schema.content)["paths"]
