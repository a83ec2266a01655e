# SPDX-License-Identifier: AGPL-3.0-or-later
"""Registering incoming documents: numbers, the handler's deadline, search, refusals that change nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from reportlab.pdfgen import canvas

from xaso.core import fonts
from xaso.core.clock.calendar import calendar_for
from xaso.core.notify.models import Message
from xaso.modules.documents import selectors, services
from xaso.modules.documents.models import IncomingDocument, IncomingStatus

pytestmark = pytest.mark.django_db


def received(summary="Về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc", **more):
    return services.Received(sender="Ủy ban Mặt trận Tổ quốc tỉnh", type_code="CV", summary=summary, **more)


def register(users, **more):
    bob = users["bob"]
    return services.incoming_register(actor=bob, commune=bob.commune, received=more.pop("received", received()),
                                      **more)


def text_pdf(words: str) -> SimpleUploadedFile:
    import io

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.setFont(fonts.register(), 12)
    page.drawString(72, 720, words)
    page.save()
    return SimpleUploadedFile("cong-van.pdf", out.getvalue(), content_type="application/pdf")


def test_it_numbers_arrivals_consecutively_from_one_each_year(users):
    first, second = register(users), register(users)
    assert (first.arrival_number, second.arrival_number) == (1, 2)
    next_year = timezone.make_aware(dt.datetime(timezone.localdate().year + 1, 1, 2, 9))
    assert register(users, now=next_year).arrival_number == 1
    assert first.steps.get().transition == "register"


def test_it_takes_a_typed_number_once_and_steps_over_it(users):
    assert register(users, arrival_number=3).arrival_number == 3
    before = IncomingDocument.objects.count()
    with pytest.raises(ValidationError) as refused:
        register(users, arrival_number=3)
    assert refused.value.code == "number_used"
    assert IncomingDocument.objects.count() == before
    numbers = [register(users).arrival_number for _ in range(3)]
    assert numbers == [1, 2, 4]


def test_only_the_clerk_and_leaders_register(users):
    sam = users["sam"]
    with pytest.raises(PermissionDenied):
        services.incoming_register(actor=sam, commune=sam.commune, received=received())
    with pytest.raises(PermissionDenied):  # another commune's chairperson
        services.incoming_register(actor=users["charlie"], commune=sam.commune, received=received())
    assert not IncomingDocument.objects.exists()


def test_a_file_that_is_not_what_it_says_registers_nothing(users):
    fake = SimpleUploadedFile("cong-van.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    with pytest.raises(ValidationError):
        register(users, upload=fake)
    assert not IncomingDocument.objects.exists()


def test_the_same_package_from_the_axis_registers_once(users):
    bob = users["bob"]
    first = services.incoming_register(actor=None, commune=bob.commune, received=received(), channel="axis",
                                       exchange_id="H22:2026:12/UBND-VP")
    again = services.incoming_register(actor=None, commune=bob.commune, received=received(), channel="axis",
                                       exchange_id="H22:2026:12/UBND-VP")
    assert first.pk == again.pk
    assert IncomingDocument.objects.count() == 1


def test_assigning_sets_a_working_day_deadline_and_tells_the_handler(users):
    document = register(users)
    document = services.incoming_assign(actor=users["hana"], document=document, handler=users["sam"],
                                        working_days=5, note="Đề nghị tham mưu trả lời")
    today = timezone.localdate()
    assert document.status == IncomingStatus.ASSIGNED
    assert document.deadline == calendar_for(document.commune.province_id).due_date(today, 5)
    assert document.deadline.weekday() < 5
    message = Message.objects.get(recipient=users["sam"])
    assert "01/" in message.subject and "Ngày hội" in message.body
    document = services.incoming_step(actor=users["sam"], document=document, name="start")
    document = services.incoming_step(actor=users["sam"], document=document, name="finish", note="Đã trả lời")
    assert document.status == IncomingStatus.DONE
    assert [s.transition for s in document.steps.all()] == ["register", "assign", "start", "finish"]


def test_a_handler_from_another_commune_is_refused(users):
    document = register(users)
    with pytest.raises(ValidationError):
        services.incoming_assign(actor=users["hana"], document=document, handler=users["charlie"], working_days=3)
    document.refresh_from_db()
    assert document.status == IncomingStatus.REGISTERED and document.handler is None


def test_only_the_handler_takes_it_up(users):
    document = services.incoming_assign(actor=users["hana"], document=register(users), handler=users["sam"],
                                        working_days=3)
    with pytest.raises(PermissionDenied):
        services.incoming_step(actor=users["olivia"], document=document, name="start")


def test_search_ignores_vietnamese_marks_and_reads_the_pdf_text(users):
    bob = users["bob"]
    register(users, received=received("Công văn về đất đai thôn Đồng Tâm", number_symbol="45/UBND-ĐC"))
    register(users, received=received("Giấy mời họp giao ban"), upload=text_pdf("Kế hoạch phòng chống lụt bão"))
    register(users, received=received("Báo cáo tình hình kinh tế"))

    def found(q):
        return [d.summary for d in selectors.incoming(user=bob, commune=bob.commune, q=q)]

    assert found("cong van") == ["Công văn về đất đai thôn Đồng Tâm"]
    assert found("DAT DAI dong tam") == ["Công văn về đất đai thôn Đồng Tâm"]
    assert found("45/ubnd-dc") == ["Công văn về đất đai thôn Đồng Tâm"]
    assert found("lut bao") == ["Giấy mời họp giao ban"]  # found by the words of its PDF
    assert found("xay dung") == []
