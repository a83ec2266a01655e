# SPDX-License-Identifier: AGPL-3.0-or-later
"""Filing a field report (routing, deadline, duplicates nearby) and its workflow to the reporter's verdict."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from xaso.core.clock.calendar import calendar_for
from xaso.core.places.models import Village
from xaso.core.workflow import WorkflowError
from xaso.modules.reports import services
from xaso.modules.reports.models import Category, Report, Route, Status

pytestmark = pytest.mark.django_db

# Near Hạ Long's night market; 0.001° of latitude is about 111 m.
LAT, LON = Decimal("20.951000"), Decimal("107.080000")


@pytest.fixture
def lights(users):
    commune = users["alice"].commune
    return Category.objects.create(commune=commune, code="den-duong", name="Đèn đường hỏng", deadline_days=3,
                                   handler=users["sam"])


def file(users, category, *, who="cindy", village=None, lat=LAT, lon=LON, **more):
    return services.report_file(
        actor=users[who] if who else None, commune=users["alice"].commune, category=category,
        description=more.pop("description", "Đèn đường trước nhà số 12 không sáng"),
        place=services.Place(latitude=lat, longitude=lon, village=village),
        reporter=more.pop("reporter", services.Reporter()), **more)


def test_a_report_is_routed_and_gets_its_deadline(users, lights):
    report = file(users, lights)
    assert report.status == Status.ASSIGNED and report.handler == users["sam"]
    assert report.code.startswith(f"{lights.commune_id}-{timezone.localdate().year}-")
    cal = calendar_for(lights.commune.province_id)
    assert report.due_date == cal.due_date(cal.start_day(report.created_at, None), 3)
    assert report.reporter == users["cindy"] and report.reporter_name == str(users["cindy"])


def test_a_village_rule_wins_over_the_category_handler(users, lights):
    village = Village.objects.create(commune=lights.commune, name="Tổ dân phố 9")
    Route.objects.create(category=lights, village=village, handler=users["olivia"])
    assert file(users, lights, village=village).handler == users["olivia"]
    assert file(users, lights).handler == users["sam"]


def test_bad_places_and_categories_are_refused_and_nothing_is_filed(users, lights):
    other = Category.objects.create(commune=users["charlie"].commune, code="rac", name="Rác thải")
    with pytest.raises(ValidationError):
        file(users, other)
    with pytest.raises(ValidationError):
        file(users, lights, lat=Decimal("95"))
    with pytest.raises(ValidationError):
        file(users, lights, lat=None, lon=None)  # nowhere at all
    with pytest.raises(ValidationError):
        file(users, lights, lat=LAT, lon=None)
    with pytest.raises(ValidationError):
        file(users, lights, description="   ")
    assert not Report.objects.exists()


def test_an_anonymous_report_and_a_retried_one(users, lights):
    first = file(users, lights, who=None, reporter=services.Reporter(email="dan@example.org"),
                 idempotency_key="abc")
    again = file(users, lights, who=None, reporter=services.Reporter(email="dan@example.org"),
                 idempotency_key="abc")
    assert first.pk == again.pk and first.reporter is None and first.token


def test_open_reports_of_the_same_category_nearby_are_offered(users, lights):
    close = file(users, lights, lat=LAT + Decimal("0.0005"))  # about 55 m north
    file(users, lights, lat=LAT + Decimal("0.005"))  # about 550 m: too far
    other = Category.objects.create(commune=lights.commune, code="rac", name="Rác thải")
    file(users, other)  # same place, another category
    resolved = file(users, lights)
    services.report_resolve(actor=users["sam"], report=resolved, answer="Đã thay bóng đèn")
    assert services.nearby(category=lights, latitude=LAT, longitude=LON) == [close]


def test_from_assignment_to_the_reporters_verdict(users, lights):
    unrouted = Category.objects.create(commune=lights.commune, code="cay-do", name="Cây đổ")
    report = file(users, unrouted)
    assert report.status == Status.NEW and report.handler is None
    report = services.report_step(actor=users["olivia"], report=report, name="triage")
    report = services.report_assign(actor=users["olivia"], report=report, handler=users["bob"])
    report = services.report_step(actor=users["bob"], report=report, name="start")
    with pytest.raises(ValidationError):
        services.report_resolve(actor=users["bob"], report=report, answer=" ")
    report = services.report_resolve(actor=users["bob"], report=report, answer="Đã thay bóng đèn mới.")
    assert report.status == Status.RESOLVED and report.public_note == "Đã thay bóng đèn mới."
    with pytest.raises(PermissionDenied):
        services.report_rate(actor=users["olivia"], report=report, rating=5)
    report = services.report_rate(actor=users["cindy"], report=report, rating=2, comment="Đèn lại hỏng")
    assert report.status == Status.ASSIGNED and report.handler == users["bob"]  # reopened, same handler
    report = services.report_resolve(actor=users["bob"], report=report, answer="Đã thay cả chấn lưu.")
    report = services.report_rate(actor=users["cindy"], report=report, rating=5)
    assert report.status == Status.CLOSED and report.rating == 5
    assert [s.transition for s in report.steps.all()] == [
        "file", "triage", "assign", "start", "resolve", "reopen", "resolve", "close"]


def test_only_the_commune_routes_and_only_the_handler_resolves(users, lights):
    report = file(users, lights)  # routed to Sam
    with pytest.raises(PermissionDenied):
        services.report_assign(actor=users["charlie"], report=report, handler=users["bob"])
    with pytest.raises(ValidationError):
        services.report_assign(actor=users["olivia"], report=report, handler=users["charlie"])
    with pytest.raises(PermissionDenied):
        services.report_resolve(actor=users["bob"], report=report, answer="không phải việc của tôi")
    report.refresh_from_db()
    assert report.status == Status.ASSIGNED and report.handler == users["sam"]


def test_a_duplicate_follows_the_earlier_report(users, lights):
    earlier, later = file(users, lights), file(users, lights, who="cindy")
    later = services.report_merge(actor=users["olivia"], report=later, into=earlier)
    assert later.status == Status.DUPLICATE and later.duplicate_of == earlier
    with pytest.raises(WorkflowError):
        services.report_merge(actor=users["olivia"], report=later, into=earlier)


def test_an_overdue_report_is_escalated_once_to_the_chairperson_and_the_handler(users, lights):
    from datetime import timedelta

    from django.core.management import call_command

    from xaso.core.notify.models import Message

    report = file(users, lights)
    Report.objects.filter(pk=report.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    fresh = file(users, lights, lat=LAT + Decimal("0.01"))  # not due yet
    call_command("reports", "escalate")
    call_command("reports", "escalate")
    told = Message.objects.filter(key__startswith=f"report:{report.code}:escalated", channel="inapp")
    assert sorted(m.recipient.username for m in told) == ["hana", "sam"]
    assert not Message.objects.filter(key__startswith=f"report:{fresh.code}:escalated").exists()


def test_a_place_outside_the_communes_boundary_is_refused(users, lights):
    commune = lights.commune
    commune.boundary = {"type": "Polygon", "coordinates": [[[107.06, 20.93], [107.13, 20.93], [107.13, 20.99],
                                                            [107.06, 20.99], [107.06, 20.93]]]}
    commune.save(update_fields=["boundary"])
    assert file(users, lights).status == Status.ASSIGNED  # inside
    with pytest.raises(ValidationError) as refused:
        file(users, lights, lat=Decimal("21.330000"), lon=Decimal("107.400000"))  # in Tiên Yên
    assert refused.value.code == "outside" and commune.name in refused.value.messages[0]
    assert Report.objects.count() == 1
    # Without a point there is nothing to check: a village of the commune is enough.
    village = Village.objects.create(commune=commune, name="Tổ dân phố 9")
    assert file(users, lights, lat=None, lon=None, village=village).village == village
