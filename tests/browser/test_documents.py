# SPDX-License-Identifier: AGPL-3.0-or-later
"""An official document goes the whole way in the browser: the clerk registers an incoming letter, a
specialist drafts the reply from a template, the clerk reviews it, the chairperson approves and signs it
with her key, the clerk numbers, seals and issues it; the issued PDF verifies as valid on the public
page, and a byte-altered copy is reported as modified."""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.signing import pki
from xaso.core.signing import services as signing
from xaso.modules.documents.models import OutgoingDocument

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

A = testing.COMMUNE_A
PASSPHRASE, SEAL_PASSPHRASE = "mật khẩu của chủ tịch", "mật khẩu con dấu"


@pytest.fixture
def office():
    # pyHanko runs its coroutines with asyncio.run(), which refuses to start inside the event loop that
    # Playwright's sync API keeps in this thread: the keys are made in a thread of their own.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(_office).result()


def _office():
    with tenancy.unscoped():
        people = testing.named_users()
        authority = pki.Authority.create("Xaso Browser Test CA")
        signing.trust_anchor_add(actor=people["paula"], pem_or_der=authority.pem, name="Test CA")
        hana = people["hana"]
        cert, key = authority.issue("Nguyễn Thị Hà", title="Chủ tịch")
        signing.signing_key_add_pkcs12(actor=people["alice"], commune=hana.commune, owner=hana, kind="personal",
                                       data=pki.pkcs12(cert, key, [authority.certificate], PASSPHRASE),
                                       passphrase=PASSPHRASE, label="Chữ ký số của chủ tịch")
        cert, key = authority.issue("Ủy ban nhân dân phường Hạ Long", kind="organisation")
        signing.signing_key_add_pkcs12(actor=people["alice"], commune=hana.commune, owner=None, kind="organisation",
                                       data=pki.pkcs12(cert, key, [authority.certificate], SEAL_PASSPHRASE),
                                       passphrase=SEAL_PASSPHRASE, label="Con dấu")
    return people


def act(page, action: str, **fields):
    form = page.locator(f"#action-{action}")
    for label, value in fields.items():
        target = form.get_by_label(re.compile(label, re.I))
        if target.evaluate("e => e.tagName") == "SELECT":
            target.select_option(index=0)
        else:
            target.fill(value)
    form.get_by_role("button").last.click()


def test_a_reply_is_drafted_signed_sealed_issued_and_verified(office, signed_in, new_context, url):
    bob = signed_in(office["bob"])
    bob.goto(url("documents:incoming_new", A))
    bob.get_by_label(re.compile("Nơi gửi|Cơ quan gửi")).fill("Sở Nội vụ tỉnh Quảng Ninh")
    bob.get_by_label(re.compile("^Số, ký hiệu")).fill("125/SNV-CCVC")
    bob.get_by_label(re.compile("Trích yếu")).fill("Về việc báo cáo số lượng cán bộ, công chức năm 2026")
    bob.get_by_role("button", name=re.compile("Vào sổ")).click()
    expect(bob.locator("h1")).to_contain_text("01/")
    incoming_url = bob.url

    sam = signed_in(office["sam"])
    sam.goto(incoming_url)
    sam.get_by_role("link", name=re.compile("Soạn văn bản trả lời")).click()
    sam.get_by_role("link", name=re.compile("^Công văn$")).click()
    sam.get_by_label(re.compile("Trích yếu")).fill("V/v báo cáo số lượng cán bộ, công chức năm 2026")
    sam.get_by_label(re.compile("Nội dung")).fill(
        "Thực hiện Công văn số 125/SNV-CCVC, Ủy ban nhân dân phường báo cáo: tổng số 42 cán bộ, công chức.")
    sam.get_by_label(re.compile("^Người ký")).select_option(label=str(office["hana"]))
    sam.get_by_role("button", name=re.compile("Lưu dự thảo")).click()
    expect(sam.locator("#status")).to_have_text("Dự thảo")
    draft_url = sam.url
    docx = sam.request.get(sam.locator("#files a").first.get_attribute("href"))
    assert docx.body()[:2] == b"PK"
    act(sam, "submit")
    expect(sam.locator("#status")).to_have_text("Đang kiểm tra")

    bob.goto(draft_url)
    act(bob, "review")
    hana = signed_in(office["hana"])
    hana.goto(draft_url)
    act(hana, "approve")
    expect(hana.locator("#status")).to_have_text("Đã phê duyệt")
    act(hana, "sign", **{"Khóa ký số": "", "Mật khẩu": "sai mật khẩu"})
    expect(hana.locator(".messages")).to_contain_text("Mật khẩu hoặc mã PIN không đúng")
    expect(hana.locator("#status")).to_have_text("Đã phê duyệt")
    act(hana, "sign", **{"Khóa ký số": "", "Mật khẩu": PASSPHRASE})
    expect(hana.locator("#status")).to_have_text("Đã ký")

    bob.goto(draft_url)
    act(bob, "issue", **{"Khóa ký số": "", "Mật khẩu": SEAL_PASSPHRASE})
    expect(bob.locator("h1")).to_contain_text("01/UBND")
    issued = bob.request.get(bob.locator("#issued-pdf").get_attribute("href")).body()
    assert issued.startswith(b"%PDF")
    with tenancy.unscoped():
        assert OutgoingDocument.objects.get().number_symbol == "01/UBND"

    anyone = new_context().new_page()
    anyone.goto(url("documents:verify"))
    anyone.get_by_label(re.compile("PDF")).set_input_files(
        files=[{"name": "cong-van.pdf", "mimeType": "application/pdf", "buffer": issued}])
    anyone.get_by_role("button", name=re.compile("Kiểm tra")).click()
    expect(anyone.locator("#verification")).to_contain_text("Nguyễn Thị Hà")
    expect(anyone.locator("#verification .ok")).to_be_visible()

    altered = bytearray(issued)
    altered[altered.index(b"/MediaBox") + 1] = ord("N")
    anyone.get_by_label(re.compile("PDF")).set_input_files(
        files=[{"name": "sua.pdf", "mimeType": "application/pdf", "buffer": bytes(altered)}])
    anyone.get_by_role("button", name=re.compile("Kiểm tra")).click()
    expect(anyone.locator("#verification")).to_contain_text(re.compile("sửa đổi|thay đổi"))
    expect(anyone.locator("#verification .ok")).to_have_count(0)
