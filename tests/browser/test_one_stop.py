# SPDX-License-Identifier: AGPL-3.0-or-later
"""A dossier travels the whole way through the browser: ticket, intake, receipt, processing with a pause,
approval, return, rating; the display board follows the counter live, and the public look-up shows it."""

import re

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.places.models import Commune
from xaso.modules.dossiers.models import Dossier
from xaso.modules.procedures import seed
from xaso.modules.queue import services as queue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A
PROCEDURE = "1.004873"  # Cấp Giấy xác nhận tình trạng hôn nhân (sample list): one required component
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def center():
    with tenancy.unscoped():
        people = testing.named_users()
        seed.seed_sample_procedures()
        seed.enable_all(A)
        commune = Commune.objects.get(pk=A)
        area = queue.area_add(actor=people["alice"], commune=commune, letter="A", name="Hộ tịch – Chứng thực")
        counter = queue.counter_add(actor=people["alice"], commune=commune, number=1, areas=[area.pk])
    return {"users": people, "counter": counter}


def act(page, action: str, **fields):
    form = page.locator(f"#action-{action}")
    for label, value in fields.items():
        target = form.get_by_label(re.compile(label, re.I))
        if isinstance(value, dict):
            target.set_input_files(files=[value])
        elif target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(label=value)
        else:
            target.fill(value)
    form.get_by_role("button").last.click()
    expect(page.locator(".messages")).to_contain_text("Đã thực hiện")


def test_a_dossier_travels_from_the_ticket_to_the_rating(center, new_context, signed_in, url, tmp_path):
    people = center["users"]
    kiosk = new_context().new_page()
    kiosk.goto(url("queue:kiosk", A))
    kiosk.get_by_role("button", name=re.compile("Hộ tịch")).click()
    expect(kiosk.locator(".ticket-number")).to_have_text("A001")

    board = new_context().new_page()
    board.goto(url("queue:board", A))
    expect(board.locator("#waiting")).to_contain_text("1")

    olivia = signed_in(people["olivia"])
    olivia.goto(url("queue:counter", A, center["counter"].pk))
    olivia.get_by_role("button", name=re.compile("Gọi số tiếp theo")).click()
    expect(olivia.locator(".ticket-number")).to_have_text("A001")
    # The board shows the call without being reloaded.
    expect(board.locator("#called")).to_contain_text("A001", timeout=10_000)
    olivia.get_by_role("button", name=re.compile("Bắt đầu phục vụ")).click()
    olivia.get_by_role("link", name=re.compile("Tiếp nhận hồ sơ")).click()

    olivia.get_by_label(re.compile("Thủ tục")).select_option(PROCEDURE)
    olivia.get_by_role("button", name=re.compile("Tiếp tục")).click()
    olivia.get_by_label(re.compile("Họ và tên người nộp")).fill("Hoàng Thị Lan")
    olivia.get_by_label(re.compile("Số định danh cá nhân")).first.fill("022190007777")
    olivia.get_by_label(re.compile("Điện thoại|Số điện thoại")).first.fill("0912777888")
    olivia.get_by_label(re.compile("Tờ khai cấp Giấy xác nhận")).set_input_files(
        files=[{"name": "to-khai.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    olivia.get_by_label(re.compile("Mục đích sử dụng")).fill("Đăng ký kết hôn")
    olivia.get_by_role("button", name=re.compile("^Tiếp nhận$")).click()
    expect(olivia.locator("h1")).to_contain_text("Hồ sơ")
    expect(olivia.locator(".status").first).to_have_text("Đã tiếp nhận")
    with tenancy.unscoped():
        dossier = Dossier.objects.get(applicant_name="Hoàng Thị Lan")
        assert dossier.ticket.label == "A001"
    receipt = olivia.request.get(url("dossiers:form", A, dossier.code, "01"))
    assert receipt.headers["content-type"] == "application/pdf" and receipt.body().startswith(b"%PDF")

    act(olivia, "assign", **{"chuyên": str(people["sam"])})
    sam = signed_in(people["sam"])
    sam.goto(url("dossiers:detail", A, dossier.code))
    act(sam, "start")
    act(sam, "request_documents", **{"Lý do": "Bản sao giấy khai sinh"})
    expect(sam.locator(".status").first).to_have_text("Chờ bổ sung giấy tờ")
    olivia.goto(url("dossiers:detail", A, dossier.code))
    act(olivia, "documents_received", **{"Giấy tờ đã nhận": {"name": "bo-sung.pdf", "mimeType": "application/pdf",
                                                               "buffer": PDF}})
    sam.goto(url("dossiers:detail", A, dossier.code))
    act(sam, "submit")
    hana = signed_in(people["hana"])
    hana.goto(url("dossiers:detail", A, dossier.code))
    act(hana, "approve")
    sam.goto(url("dossiers:detail", A, dossier.code))
    act(sam, "result_ready", **{"Kết quả": {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": PDF},
                                "^Giấy tờ": "Giấy xác nhận tình trạng hôn nhân"})
    olivia.goto(url("dossiers:detail", A, dossier.code))
    act(olivia, "return_result")
    olivia.get_by_label("5", exact=True).check()
    olivia.get_by_role("button", name=re.compile("Ghi nhận đánh giá")).click()
    expect(olivia.locator("body")).to_contain_text("5/5")
    # The process control sheet lists every hand-over.
    expect(olivia.locator("table").last).to_contain_text("Sam")

    public = new_context().new_page()
    public.goto(url("dossiers:lookup") + f"?code={dossier.code}")
    public.get_by_label(re.compile("4 chữ số cuối")).fill("7888")
    public.get_by_role("button", name=re.compile("Tra cứu")).click()
    expect(public.locator("#found")).to_contain_text(dossier.code)
    expect(public.locator("body")).to_contain_text("Đã trả kết quả")
    expect(public.locator("body")).not_to_contain_text("Hoàng Thị Lan")
