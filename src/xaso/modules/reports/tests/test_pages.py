# SPDX-License-Identifier: AGPL-3.0-or-later
"""The field-report pages: filing from a phone (anonymous allowed), the question about reports nearby,
the public map and page without personal data, the officials' work list and steps, the verdict."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from xaso.core.places.models import Village
from xaso.modules.reports import services
from xaso.modules.reports.models import Category, Report, Status

pytestmark = pytest.mark.django_db

A = "06688"


@pytest.fixture
def lights(users):
    return Category.objects.create(commune=users["alice"].commune, code="den-duong", name="Đèn đường hỏng",
                                   handler=users["sam"])


def form(category, **more):
    return {"idempotency_key": more.pop("key", "k1"), "category": category.pk,
            "description": "Đèn đường trước chợ đêm không sáng", "latitude": "20.951000",
            "longitude": "107.080000", "name": "Nguyễn Thị Dân", "phone": "0912345678", **more}


def test_anyone_files_a_report_and_sees_it_without_personal_data(client, lights):
    answer = client.post(reverse("reports:new", args=[A]), form(lights))
    report = Report.objects.get()
    assert answer.status_code == 302 and answer["Location"] == reverse("reports:report", args=[report.code])
    assert report.reporter is None and report.reporter_phone == "0912345678"
    page = client.get(answer["Location"]).content.decode()
    assert "Đèn đường trước chợ đêm" in page and "0912345678" not in page and "Nguyễn Thị Dân" not in page
    listing = client.get(reverse("reports:index", args=[A])).content.decode()
    assert report.code in listing and "0912345678" not in listing
    geo = client.get(reverse("reports:geojson", args=[A]), {"bbox": "107.0,20.9,107.2,21.0"}).json()
    assert [f["properties"]["code"] for f in geo["features"]] == [report.code]
    assert set(geo["features"][0]["properties"]) == {"code", "category", "status", "status_label", "reported"}
    elsewhere = client.get(reverse("reports:geojson", args=[A]), {"bbox": "105,10,106,11"}).json()
    assert elsewhere["features"] == []


def test_a_report_nearby_is_offered_before_filing_another(client, lights):
    client.post(reverse("reports:new", args=[A]), form(lights))
    again = client.post(reverse("reports:new", args=[A]), form(lights, key="k2", latitude="20.951300"))
    assert again.status_code == 200 and 'id="nearby"' in again.content.decode()
    assert Report.objects.count() == 1
    confirmed = client.post(reverse("reports:new", args=[A]), form(lights, key="k2", latitude="20.951300",
                                                                    confirmed="on"))
    assert confirmed.status_code == 302 and Report.objects.count() == 2


def test_bad_input_is_refused_and_nothing_is_filed(client, lights):
    answer = client.post(reverse("reports:new", args=[A]), form(lights, latitude="", longitude="",
                                                                 phone="12ab"))
    assert answer.status_code == 400 and 'role="alert"' in answer.content.decode()
    lights.commune.boundary = {"type": "Polygon", "coordinates": [[[107.06, 20.93], [107.13, 20.93],
                                                                   [107.13, 20.99], [107.06, 20.99],
                                                                   [107.06, 20.93]]]}
    lights.commune.save(update_fields=["boundary"])
    outside = client.post(reverse("reports:new", args=[A]), form(lights, latitude="21.330000", longitude="107.400000"))
    assert outside.status_code == 400 and "nằm ngoài" in outside.content.decode()
    assert not Report.objects.exists()
    script = client.post(reverse("reports:new", args=[A]), form(
        lights, description='<script>alert("x")</script> đèn hỏng'))
    report = Report.objects.get()
    page = client.get(script["Location"]).content.decode()
    assert "<script>alert" not in page and "&lt;script&gt;" in page  # kept as text, shown escaped
    assert report.description.startswith("<script>")


def test_the_officials_list_downloads_as_geojson_for_a_gis(users, client_for, lights):
    village = Village.objects.create(commune=lights.commune, name="Tổ dân phố 9")
    placed = services.report_file(actor=None, commune=lights.commune, category=lights, description="Đèn hỏng",
                                  place=services.Place(latitude=Decimal("20.951000"), longitude=Decimal("107.080000")),
                                  reporter=services.Reporter(name="Nguyễn Thị Dân", phone="0912000111"))
    services.report_file(actor=None, commune=lights.commune, category=lights, description="Đèn thôn",
                         place=services.Place(village=village), reporter=services.Reporter())
    url = reverse("reports:work", args=[A])
    answer = client_for("sam").get(url, {"export": "geojson", "view": "all"})
    assert answer.status_code == 200 and answer["Content-Type"] == "application/geo+json"
    features = {f["properties"]["code"]: f for f in json.loads(answer.content)["features"]}
    assert features[placed.code]["geometry"] == {"type": "Point", "coordinates": [107.08, 20.951]}
    assert [f["geometry"] for c, f in features.items() if c != placed.code] == [None]  # kept, without a point
    assert features[placed.code]["properties"]["category"] == "Đèn đường hỏng"
    assert "0912000111" not in answer.content.decode()  # the table's columns only: no reporter
    # A table without places is not offered as GeoJSON: the page answers instead of a download.
    figures = client_for("sam").get(reverse("reports:figures", args=[A]), {"export": "geojson", "table": "status"})
    assert figures.status_code == 200 and figures["Content-Type"].startswith("text/html")


def test_an_official_handles_it_and_the_reporter_gives_a_verdict(users, client_for, lights):
    report = services.report_file(actor=users["cindy"], commune=lights.commune, category=lights,
                                  description="Đèn hỏng", place=services.Place(latitude=Decimal("20.95"),
                                                                               longitude=Decimal("107.08")),
                                  reporter=services.Reporter(phone="0912000111"))
    sam = client_for("sam")
    work = sam.get(reverse("reports:work", args=[A])).content.decode()
    assert report.code in work
    case = reverse("reports:case", args=[A, report.code])
    assert "0912000111" in sam.get(case).content.decode()
    sam.post(case, {"action": "start", "version": report.version})
    report.refresh_from_db()
    sam.post(case, {"action": "resolve", "version": report.version, "resolve-answer": "Đã thay bóng đèn."})
    report.refresh_from_db()
    assert report.status == Status.RESOLVED
    cindy = client_for("cindy")
    public = reverse("reports:report", args=[report.code])
    assert "Đã thay bóng đèn." in cindy.get(public).content.decode()
    cindy.post(public, {"rating": "5"})
    report.refresh_from_db()
    assert report.status == Status.CLOSED and report.rating == 5
    assert client_for("charlie").get(case).status_code == 404


def test_a_reporter_who_asked_stays_unknown_to_the_handlers(users, client_for, lights):
    report = services.report_file(actor=None, commune=lights.commune, category=lights, description="Rác",
                                  place=services.Place(address="Chợ Hạ Long"),
                                  reporter=services.Reporter(name="Người giấu tên", phone="0988777666",
                                                             hide_identity=True))
    page = client_for("sam").get(reverse("reports:case", args=[A, report.code])).content.decode()
    assert "0988777666" not in page and "Người giấu tên" not in page


def _phone_photo() -> bytes:
    """A JPEG as a phone takes it: with the place where it was taken in its EXIF."""
    import io

    from PIL import Image

    picture = Image.new("RGB", (64, 48), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825).update({1: "N", 2: (20.0, 57.0, 3.6), 3: "E", 4: (107.0, 4.0, 48.0)})
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_photos_lose_their_location_data_and_get_a_thumbnail(client, lights, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    data = _phone_photo()
    assert b"PhoneMaker" in data
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("reports:new", args=[A]), {
            **form(lights), "photos": [SimpleUploadedFile("den.jpg", data, content_type="image/jpeg")]})
    report = Report.objects.get()
    photo = report.photos.get()
    with photo.file.file.open("rb") as f:
        kept = f.read()
    assert b"PhoneMaker" not in kept and b"Exif" not in kept
    assert photo.thumbnail is not None  # made after commit by the (immediate) task backend
    served = client.get(reverse("reports:photo", args=[report.code, photo.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == kept
    assert answer.status_code == 302
    with photo.thumbnail.file.open("rb") as f:
        assert max(Image.open(f).size) <= 320


def test_with_a_worker_the_thumbnail_is_made_outside_the_request(client, lights, settings, keep_test_connection,
                                                                  django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):  # the task is queued once the report is committed
        answer = client.post(reverse("reports:new", args=[A]), {
            **form(lights), "photos": [SimpleUploadedFile("den.jpg", _phone_photo(), content_type="image/jpeg")]})
    photo = Report.objects.get().photos.get()
    assert answer.status_code == 302 and photo.thumbnail is None  # queued, not made in the request
    assert DBTaskResult.objects.filter(task_path__endswith="make_thumbnail", args_kwargs__args=[photo.pk]).exists()
    call_command("db_worker", "--batch", "--no-startup-delay", "--queue-name", "*", verbosity=0)
    photo.refresh_from_db()
    assert photo.thumbnail is not None and photo.thumbnail.content_type == "image/jpeg"


def test_a_file_that_is_not_a_photo_refuses_the_whole_report(client, lights):
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = client.post(reverse("reports:new", args=[A]), {
        **form(lights), "photos": [SimpleUploadedFile("den.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")]})
    assert answer.status_code == 400 and not Report.objects.exists()


def test_flooding_from_one_address_is_refused(client, lights):
    for n in range(10):
        client.post(reverse("reports:new", args=[A]), form(lights, key=f"k{n}", latitude=f"20.9{n}1000"))
    assert Report.objects.count() == 10
    answer = client.post(reverse("reports:new", args=[A]), form(lights, key="k99", latitude="20.800000"))
    assert answer.status_code == 400 and Report.objects.count() == 10


def test_the_figures_count_by_category_and_measure_time_and_timeliness(users, client_for, lights):
    from datetime import timedelta

    from django.utils import timezone

    late = services.report_file(actor=None, commune=lights.commune, category=lights, description="Đèn 1",
                                place=services.Place(address="Chợ"), reporter=services.Reporter())
    quick = services.report_file(actor=None, commune=lights.commune, category=lights, description="Đèn 2",
                                 place=services.Place(address="Trường"), reporter=services.Reporter())
    services.report_file(actor=None, commune=lights.commune, category=lights, description="Đèn 3",
                         place=services.Place(address="Bến"), reporter=services.Reporter())
    for report in (late, quick):
        services.report_resolve(actor=users["sam"], report=report, answer="Đã sửa.")
    now = timezone.now()
    Report.objects.filter(pk=late.pk).update(created_at=now - timedelta(days=10),
                                             due_date=now.date() - timedelta(days=3))
    Report.objects.filter(pk=quick.pk).update(created_at=now - timedelta(days=2))
    page = client_for("sam").get(reverse("reports:figures", args=[A]),
                                 {"start": (now.date() - timedelta(days=30)).isoformat()}).content.decode()
    assert "<dd>3</dd>" in page and "<dd>2</dd>" in page  # filed, resolved
    assert "6,0" in page or "6.0" in page  # the median of 10 and 2 days
    assert "50%" in page  # one of the two resolved by its date
    csv = client_for("sam").get(reverse("reports:figures", args=[A]), {
        "start": (now.date() - timedelta(days=30)).isoformat(), "table": "category", "export": "csv"})
    assert "Đèn đường hỏng,3" in csv.content.decode("utf-8-sig")
    assert client_for("charlie").get(reverse("reports:figures", args=[A])).status_code == 404


def test_prepared_answers_are_kept_by_the_leaders_and_picked_when_resolving(users, client_for, lights):
    from xaso.core.audit.models import AuditEvent
    from xaso.modules.reports.models import ResponseTemplate

    page = reverse("reports:responses", args=[A])
    # A specialist reads them but may not add one; the chairperson adds them, for a category or for all.
    assert client_for("sam").get(page).status_code == 200
    assert client_for("sam").post(page, {"title": "X", "text": "Y"}).status_code == 403
    hana = client_for("hana")
    assert hana.post(page, {"title": "Đã thay bóng", "category": lights.pk, "active": "on",
                            "text": "Đã thay bóng đèn, tuyến đèn sáng bình thường."}).status_code == 302
    rubbish = Category.objects.create(commune=lights.commune, code="rac", name="Rác thải")
    hana.post(page, {"title": "Rác", "category": rubbish.pk, "active": "on", "text": "Đã thu gom."})
    hana.post(page, {"title": "Chung", "active": "on", "text": "Đã khắc phục xong."})
    twice = hana.post(page, {"title": "Chung", "active": "on", "text": "Khác"})
    assert twice.status_code == 400 and ResponseTemplate.objects.count() == 3  # a title is used once
    general = ResponseTemplate.objects.get(title="Chung")
    hana.post(page, {"id": general.pk, f"t{general.pk}-title": "Chung", f"t{general.pk}-text": "Đã xử lý xong."})
    general.refresh_from_db()
    assert general.text == "Đã xử lý xong." and not general.active  # unticked: no longer offered
    assert AuditEvent.objects.filter(action="xaso.reports.response.saved").count() == 4

    report = services.report_file(actor=users["cindy"], commune=lights.commune, category=lights,
                                  description="Đèn hỏng", place=services.Place(latitude=Decimal("20.95"),
                                                                               longitude=Decimal("107.08")),
                                  reporter=services.Reporter())
    sam, case = client_for("sam"), reverse("reports:case", args=[A, report.code])
    offered = sam.get(case).context["actions"]
    resolve = next(a["form"] for a in offered if a["name"] == "resolve")
    assert [t.title for t in resolve.fields["template"].queryset] == ["Đã thay bóng"]  # its category, offered
    sam.post(case, {"action": "start", "version": report.version})
    report.refresh_from_db()
    empty = sam.post(case, {"action": "resolve", "version": report.version, "resolve-answer": " "})
    assert empty.status_code == 200 and Report.objects.get().status == Status.IN_PROGRESS  # nothing to send
    picked = ResponseTemplate.objects.get(title="Đã thay bóng")
    sam.post(case, {"action": "resolve", "version": report.version, "resolve-template": picked.pk,
                    "resolve-answer": ""})
    report.refresh_from_db()
    assert report.status == Status.RESOLVED and report.public_note == picked.text


def test_another_communes_prepared_answer_cannot_be_changed(users, client_for, lights):
    from xaso.modules.reports.models import ResponseTemplate

    theirs = ResponseTemplate.objects.create(commune=users["charlie"].commune, title="Của xã khác", text="…")
    answer = client_for("hana").post(reverse("reports:responses", args=[A]), {
        "id": theirs.pk, f"t{theirs.pk}-title": "Đổi", f"t{theirs.pk}-text": "Đổi"})
    assert answer.status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Của xã khác"


def test_a_signed_in_person_is_limited_wherever_they_post_from(client_for, lights):
    cindy = client_for("cindy")
    for n in range(10):
        cindy.post(reverse("reports:new", args=[A]), form(lights, key=f"p{n}", latitude=f"20.9{n}1000"),
                   REMOTE_ADDR=f"10.0.0.{n + 1}")
    assert Report.objects.count() == 10
    answer = cindy.post(reverse("reports:new", args=[A]), form(lights, key="p99", latitude="20.800000"),
                        REMOTE_ADDR="10.0.0.99")
    assert answer.status_code == 400 and Report.objects.count() == 10


def test_a_person_follows_their_own_reports_only(users, client, client_for, lights):
    def filed(who):
        return services.report_file(actor=users[who] if who else None, commune=lights.commune, category=lights,
                                    description="Đèn hỏng", place=services.Place(latitude=Decimal("20.95"),
                                                                                 longitude=Decimal("107.08")),
                                    reporter=services.Reporter(name="Người khác" if not who else ""))
    mine, anonymous = filed("cindy"), filed(None)
    page = client_for("cindy").get(reverse("reports:mine")).content.decode()
    assert mine.code in page and anonymous.code not in page
    assert client.get(reverse("reports:mine")).status_code == 302  # sign in first
