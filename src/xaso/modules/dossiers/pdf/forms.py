# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms 01–07 of Circular 03/2025/TT-VPCP (Appendix I), laid out from a dossier and its history.

The printed words are Vietnamese literals, not translatable strings: these are legal forms issued in
Vietnamese whatever language the official's screen is in (docs/decisions/0017-pdf-forms.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ObjectDoesNotExist
from django.utils import translation
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from ..models import Status
from ..workflow import DOSSIER
from . import layout as L

# --- What the forms read from other apps ---------------------------------------------------------------


@dataclass(frozen=True)
class ProcedureComponent:
    name: str
    original_count: int
    copy_count: int


@dataclass(frozen=True)
class ProcedureInfo:
    code: str
    name: str
    processing_days: int | None
    fee: object
    components: tuple[ProcedureComponent, ...]


def procedure_info(procedure, *, components: bool = False) -> ProcedureInfo:
    """The only reader of the procedures app's field names: a rename there is a change here alone.

    The component list costs a query, so only the receipt asks for it.
    """
    listed = getattr(procedure, "components", None) if components else None
    return ProcedureInfo(
        code=procedure.code, name=procedure.name,
        processing_days=getattr(procedure, "processing_days", None), fee=getattr(procedure, "fee", None),
        components=tuple(ProcedureComponent(c.name, getattr(c, "original_count", 0) or 0,
                                            getattr(c, "copy_count", 0) or 0)
                         for c in (listed.all() if listed is not None else ())))


def center_of(commune) -> tuple[str, str]:
    """The center's name and phone as printed; printing never creates the center's row."""
    try:
        center = commune.service_center
    except ObjectDoesNotExist:
        return f"Trung tâm Phục vụ hành chính công {commune.name}", ""
    return center.name, center.phone


def person(user) -> str:
    return str(user) if user is not None else ""


# What each step of the workflow is called on the control sheet (form 06).
STEP_NAMES = {
    "receive": "Nộp hồ sơ", "accept": "Tiếp nhận hồ sơ, hẹn trả kết quả",
    "request_completion": "Yêu cầu bổ sung, hoàn thiện hồ sơ", "complete": "Người nộp bổ sung, hoàn thiện hồ sơ",
    "refuse": "Từ chối tiếp nhận hồ sơ", "assign": "Chuyển xử lý", "start": "Bắt đầu xử lý",
    "request_documents": "Yêu cầu bổ sung giấy tờ", "documents_received": "Nhận giấy tờ bổ sung",
    "submit": "Trình phê duyệt", "send_back": "Trả lại để xử lý lại", "approve": "Phê duyệt",
    "result_ready": "Có kết quả giải quyết", "forward": "Chuyển cơ quan khác giải quyết",
    "result_received": "Nhận kết quả từ cơ quan giải quyết", "return_result": "Trả kết quả cho người nộp",
    "close": "Kết thúc hồ sơ", "withdraw": "Người nộp rút hồ sơ", "stop": "Dừng giải quyết hồ sơ",
    "extend": "Xin lỗi, gia hạn thời gian giải quyết",
}
STATUS_NAMES = {
    Status.RECEIVED: "Mới tiếp nhận", Status.INCOMPLETE: "Yêu cầu bổ sung hồ sơ", Status.REFUSED: "Từ chối tiếp nhận",
    Status.ACCEPTED: "Đã tiếp nhận", Status.ASSIGNED: "Đã chuyển xử lý", Status.PROCESSING: "Đang xử lý",
    Status.AWAITING_DOCUMENTS: "Chờ bổ sung giấy tờ", Status.AWAITING_APPROVAL: "Chờ phê duyệt",
    Status.APPROVED: "Đã phê duyệt", Status.FORWARDED: "Đã chuyển cơ quan khác", Status.RESULT_READY: "Đã có kết quả",
    Status.RETURNED: "Đã trả kết quả", Status.CLOSED: "Đã kết thúc", Status.WITHDRAWN: "Người nộp đã rút hồ sơ",
    Status.STOPPED: "Dừng giải quyết",
}


def step_name(transition: str) -> str:
    known = STEP_NAMES.get(transition)
    if known:
        return known
    t = DOSSIER.transitions.get(transition)
    with translation.override("vi"):  # a step added to the workflow later still prints its Vietnamese label
        return str(t.label) if t else transition


def status_name(status: str) -> str:
    return STATUS_NAMES.get(status) or status


def money(fee) -> str:
    """'50.000 đồng'; 'Không' for a free procedure; a text fee ('theo quy định') as it is."""
    if fee in (None, ""):
        return ""
    try:
        amount = Decimal(str(fee))
    except InvalidOperation:
        return str(fee)
    if amount == 0:
        return "Không"
    return f"{int(amount):,}".replace(",", ".") + " đồng"


def iso_day(value) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


# --- Pages ----------------------------------------------------------------------------------------------

SLIP_MARGINS = (10 * mm, 10 * mm, 10 * mm, 15 * mm)  # top, right, bottom, left: binding edge on the left
SLIP_WIDTH = L.SLIP[0] - SLIP_MARGINS[1] - SLIP_MARGINS[3]
REGISTER_MARGINS = (15 * mm, 12 * mm, 12 * mm, 20 * mm)
REGISTER_WIDTH = L.REGISTER[0] - REGISTER_MARGINS[1] - REGISTER_MARGINS[3]


class Slip:
    """One A5 form about one dossier."""

    def __init__(self, dossier, form_no: str, day: date):
        self.dossier = dossier
        self.commune = dossier.commune
        self.center, self.phone = center_of(self.commune)
        self.procedure = procedure_info(dossier.procedure, components=form_no == "01")
        self.st = L.styles(10.5)
        self.form_no = form_no
        self.story = L.heading(self.st, commune=self.commune, center_name=self.center, form_no=form_no, day=day,
                               width=SLIP_WIDTH)

    def title(self, title: str, subtitle: str = "") -> None:
        self.story.append(Paragraph(L.text(title), self.st["title"]))
        if subtitle:
            self.story.append(Paragraph(subtitle, self.st["subtitle"]))

    def para(self, markup: str, style: str = "body") -> None:
        self.story.append(Paragraph(markup, self.st[style]))

    def field(self, label: str, value, *, markup: bool = False) -> None:
        if value not in (None, ""):
            self.story.append(L.field(self.st, label, value, markup=markup))

    def applicant(self) -> None:
        d = self.dossier
        self.field("Người nộp hồ sơ", d.applicant_name)
        self.field("Tổ chức", d.organisation)
        self.field("Địa chỉ", d.applicant_address)
        contact = "; ".join(x for x in (d.applicant_phone and f"Điện thoại: {d.applicant_phone}",
                                        d.applicant_email and f"Email: {d.applicant_email}") if x)
        if contact:
            self.para(L.text(contact))
        self.field("Nội dung yêu cầu giải quyết", self.procedure.name)

    def sign(self, *blocks: tuple[str, str, str]) -> None:
        self.story += [Spacer(1, 4 * mm), L.signatures(self.st, list(blocks), SLIP_WIDTH)]

    def pdf(self, title: str) -> bytes:
        return L.build(self.story, pagesize=L.SLIP, title=f"Mẫu số {self.form_no}: {title} — {self.dossier.code}",
                       margins=SLIP_MARGINS)


def _code_line(dossier) -> str:
    return f"Mã hồ sơ: {L.text(dossier.code)}"


def _officer(dossier, step) -> str:
    """Who signs a slip: the official of its step, else whoever last accepted or filed the dossier."""
    if step is not None:
        return step.actor_name or person(step.actor)
    accepted = dossier.steps.filter(transition="accept").order_by("-at", "-id").first()
    if accepted is not None:
        return accepted.actor_name or person(accepted.actor)
    return person(dossier.filed_by) if dossier.filed_by_id and dossier.filed_by_id != dossier.applicant_id else ""


def _day(step, fallback) -> date:
    return L.day_of(step.at if step is not None else fallback)


def receipt(dossier, step, lookup_url: str) -> bytes:
    """Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả."""
    slip = Slip(dossier, "01", _day(step, dossier.accepted_at or dossier.received_at))
    st = slip.st
    slip.title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ", _code_line(dossier))
    slip.para(f"{L.text(slip.center)} đã tiếp nhận hồ sơ của:")
    slip.applicant()
    slip.para("1. Thành phần hồ sơ nộp gồm:")
    counts = {c.name: c for c in slip.procedure.components}
    rows = [[Paragraph(h, st["cell_head"]) for h in ("STT", "Tên giấy tờ", "Hình thức", "Số lượng")]]
    for number, component in enumerate(dossier.components.all(), 1):
        listed = counts.get(component.name)
        kind = "Bản điện tử (kho dữ liệu)" if component.reused else "Bản chính" if component.original else "Bản sao"
        count = (listed.original_count if component.original else listed.copy_count) if listed else 0
        rows.append([Paragraph(str(number), st["cell_center"]), Paragraph(L.text(component.name), st["cell"]),
                     Paragraph(kind, st["cell"]), Paragraph(str(count or 1), st["cell_center"])])
    if len(rows) == 1:
        rows.append(["", Paragraph("Không có giấy tờ kèm theo.", st["cell"]), "", ""])
    slip.story.append(L.grid(rows, [SLIP_WIDTH * w for w in (0.09, 0.53, 0.25, 0.13)]))
    slip.story.append(Spacer(1, 3))
    days = dossier.processing_days or slip.procedure.processing_days
    slip.field("2. Thời gian giải quyết hồ sơ theo quy định", f"{days} ngày làm việc" if days else "")
    slip.field("3. Thời gian nhận hồ sơ", L.when(dossier.received_at))
    due = f"<b>ngày {L.dmy(dossier.due_date)}</b>" if dossier.due_date else "sẽ được thông báo sau"
    slip.field("4. Thời gian trả kết quả giải quyết hồ sơ", due, markup=True)
    slip.field("5. Phí, lệ phí", L.text(money(slip.procedure.fee)), markup=True)
    code = f"<b>{L.text(dossier.code)}</b>"
    if lookup_url:
        how = Paragraph(f"6. Tra cứu tình trạng giải quyết hồ sơ: quét mã QR bên cạnh hoặc truy cập địa chỉ dưới "
                        f"đây và nhập mã hồ sơ {code}.<br/>{L.text(lookup_url)}", st["left"])
        box = L.layout_table([[how, L.qr(lookup_url, 20 * mm)]], [SLIP_WIDTH - 22 * mm, 22 * mm],
                             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("ALIGN", (1, 0), (1, 0), "RIGHT"))
        slip.story.append(box)
    else:
        slip.para(f"6. Tra cứu tình trạng giải quyết hồ sơ: nhập mã hồ sơ {code} trên Cổng dịch vụ công.")
    slip.sign(("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)", dossier.applicant_name),
              ("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _officer(dossier, step)))
    return slip.pdf("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")


def completion_request(dossier, step) -> bytes:
    """Form 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ (what is missing: the step's note)."""
    slip = Slip(dossier, "02", _day(step, dossier.received_at))
    slip.title("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", _code_line(dossier))
    slip.applicant()
    slip.field("Ngày nhận hồ sơ", L.dmy(dossier.received_at))
    slip.para("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:")
    slip.para(L.lines(step.note if step else ""))
    contact = slip.center + (f", số điện thoại {slip.phone}" if slip.phone else "")
    slip.para(f"Trong quá trình bổ sung, hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ {L.text(contact)} "
              "để được hướng dẫn.")
    slip.sign(("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", _officer(dossier, step)))
    return slip.pdf("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")


def refusal(dossier, step) -> bytes:
    """Form 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ (the reason: the step's note)."""
    slip = Slip(dossier, "03", _day(step, dossier.received_at))
    slip.title("PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ", _code_line(dossier))
    slip.para(f"{L.text(slip.center)} tiếp nhận hồ sơ của:")
    slip.applicant()
    slip.field("Ngày nhận hồ sơ", L.dmy(dossier.received_at))
    slip.para("Qua xem xét, cơ quan, đơn vị thông báo không tiếp nhận, giải quyết hồ sơ này với lý do cụ thể "
              "như sau:")
    slip.para(L.lines(step.note if step else ""))
    slip.para("Xin thông báo để Ông/Bà được biết và thực hiện./.")
    slip.sign(("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", _officer(dossier, step)))
    return slip.pdf("Phiếu từ chối tiếp nhận giải quyết hồ sơ")


def apology(dossier, step) -> bytes:
    """Form 04: Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết (old and new dates in the step)."""
    data = step.data if step else {}
    old, new = iso_day(data.get("old_due_date")), iso_day(data.get("new_due_date")) or dossier.due_date
    slip = Slip(dossier, "04", _day(step, dossier.received_at))
    slip.title("VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT", _code_line(dossier))
    name = L.text(dossier.applicant_name)
    slip.para(f"Kính gửi: Ông/Bà <b>{name}</b>", "center")
    slip.story.append(Spacer(1, 4))
    slip.para(f"Ngày {L.dmy(dossier.received_at)}, {L.text(slip.center)} tiếp nhận hồ sơ của Ông/Bà {name}, "
              f"mã hồ sơ {L.text(dossier.code)}, đề nghị giải quyết thủ tục {L.text(slip.procedure.name)}.")
    slip.field("Thời hạn trả kết quả giải quyết hồ sơ theo giấy hẹn", f"ngày {L.dmy(old)}" if old else "")
    slip.para("Tuy nhiên đến nay, cơ quan, đơn vị chưa giải quyết xong hồ sơ của Ông/Bà với lý do:")
    slip.para(L.lines(step.note if step else ""))
    slip.para("Sự chậm trễ này đã gây phiền hà cho Ông/Bà. Cơ quan, đơn vị trân trọng xin lỗi Ông/Bà và đề nghị "
              f"gia hạn thời gian giải quyết, trả kết quả đến <b>ngày {L.dmy(new)}</b>.")
    slip.para("Xin trân trọng cảm ơn sự hợp tác của Ông/Bà./.")
    slip.sign(("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _officer(dossier, step)))
    return slip.pdf("Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết")


def stop_notice(dossier, step) -> bytes:
    """Form 05: Thông báo dừng giải quyết hồ sơ (the reason: the step's note)."""
    slip = Slip(dossier, "05", _day(step, dossier.received_at))
    slip.title("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", _code_line(dossier))
    name = L.text(dossier.applicant_name)
    slip.para(f"Kính gửi: Ông/Bà <b>{name}</b>", "center")
    slip.story.append(Spacer(1, 4))
    slip.para(f"Ngày {L.dmy(dossier.received_at)}, {L.text(slip.center)} tiếp nhận hồ sơ của Ông/Bà {name}, "
              f"mã hồ sơ {L.text(dossier.code)}, đề nghị giải quyết thủ tục {L.text(slip.procedure.name)}.")
    slip.para("Cơ quan, đơn vị thông báo dừng giải quyết hồ sơ nêu trên với lý do:")
    slip.para(L.lines(step.note if step else ""))
    slip.para("Xin thông báo để Ông/Bà được biết./.")
    slip.sign(("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "(Ký, ghi rõ họ tên và đóng dấu)", _officer(dossier, step)))
    return slip.pdf("Thông báo dừng giải quyết hồ sơ")


def control_sheet(dossier) -> bytes:
    """Form 06: Phiếu kiểm soát quá trình giải quyết hồ sơ, one row per step of the history.

    A row's giver is whoever held the dossier before the step (the applicant, for the filing), its
    receiver the holder the step named; a step that names no holder (a submission for approval) leaves
    it blank, and the next holder receives from the last one named.
    """
    slip = Slip(dossier, "06", L.day_of(dossier.received_at))
    st = slip.st
    slip.title("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", _code_line(dossier))
    slip.applicant()
    slip.field("Ngày nhận hồ sơ", L.when(dossier.received_at))
    slip.field("Ngày hẹn trả kết quả", L.dmy(dossier.due_date))
    slip.field("Cơ quan giải quyết hồ sơ", dossier.forwarded_to or slip.center)
    head = ("STT", "Bên giao", "Bên nhận", "Thời gian giao, nhận", "Hạn xử lý", "Nội dung, kết quả")
    rows = [[Paragraph(h, st["cell_head"]) for h in head]]
    holder = ""
    for number, step in enumerate(dossier.steps.select_related("actor", "holder").order_by("at", "id"), 1):
        # The applicant hands the dossier in; after that, whoever held it hands it on.
        giver = holder or (dossier.applicant_name if step.transition == "receive" else
                           step.actor_name or person(step.actor))
        receiver = person(step.holder)
        due = iso_day(step.data.get("due_date") or step.data.get("new_due_date"))
        result = f"<b>{L.text(step_name(step.transition))}</b>"
        if step.note:
            result += f"<br/><i>{L.lines(step.note)}</i>"
        rows.append([Paragraph(str(number), st["cell_center"]), Paragraph(L.text(giver), st["cell"]),
                     Paragraph(L.text(receiver), st["cell"]),
                     Paragraph(f"{L.hm(step.at)}<br/>{L.dmy(step.at)}", st["cell_center"]),
                     Paragraph(L.dmy(due), st["cell_center"]), Paragraph(result, st["cell"])])
        holder = receiver or holder
    slip.story.append(L.grid(rows, [SLIP_WIDTH * w for w in (0.07, 0.19, 0.19, 0.15, 0.14, 0.26)]))
    return slip.pdf("Phiếu kiểm soát quá trình giải quyết hồ sơ")


def register(center, dossiers, *, start: date, end: date) -> bytes:
    """Form 07: Sổ theo dõi hồ sơ, the dossiers received from ``start`` up to (not including) ``end``."""
    st = L.styles(10.5)
    commune = center.commune
    story = L.heading(st, commune=commune, center_name=center.name, form_no="07", day=None, width=REGISTER_WIDTH)
    story.append(Paragraph("SỔ THEO DÕI HỒ SƠ", st["title"]))
    story.append(Paragraph(f"Từ ngày {L.dmy(start)} đến ngày {L.dmy(end - timedelta(days=1))}", st["subtitle"]))
    head = ("STT", "Mã hồ sơ", "Tên thủ tục hành chính", "Tên cá nhân, tổ chức", "Nhận hồ sơ", "Hẹn trả kết quả",
            "Chuyển xử lý, đang xử lý", "Trả kết quả", "Ghi chú")
    rows = [[Paragraph(h, st["cell_head"]) for h in head]]
    if hasattr(dossiers, "select_related"):
        dossiers = dossiers.select_related("procedure", "assignee")
    for number, d in enumerate(dossiers, 1):
        applicant = L.text(d.applicant_name) + (f"<br/>{L.text(d.organisation)}" if d.organisation else "")
        handling = L.text(f"Chuyển {d.forwarded_to}" if d.forwarded_to else person(d.assignee))
        handling += ("<br/>" if handling else "") + L.text(status_name(d.status))
        notes = []
        if d.extensions:
            notes.append("Đã gia hạn")
        if d.resolved_on and d.due_date and d.resolved_on > d.due_date:
            notes.append("Trễ hạn")
        rows.append([Paragraph(str(number), st["cell_center"]), Paragraph(L.text(d.code), st["cell"]),
                     Paragraph(L.text(procedure_info(d.procedure).name), st["cell"]),
                     Paragraph(applicant, st["cell"]),
                     Paragraph(f"{L.hm(d.received_at)}<br/>{L.dmy(d.received_at)}", st["cell_center"]),
                     Paragraph(L.dmy(d.due_date), st["cell_center"]), Paragraph(handling, st["cell"]),
                     Paragraph(L.dmy(d.returned_at), st["cell_center"]),
                     Paragraph(L.text("; ".join(notes)), st["cell"])])
    if len(rows) == 1:
        rows.append(["", "", Paragraph("Không có hồ sơ nào trong kỳ.", st["cell"]), "", "", "", "", "", ""])
    widths = (0.035, 0.15, 0.21, 0.14, 0.075, 0.075, 0.14, 0.075, 0.10)
    story.append(L.grid(rows, [REGISTER_WIDTH * w for w in widths]))
    return L.build(story, pagesize=L.REGISTER, title=f"Mẫu số 07: Sổ theo dõi hồ sơ — {center.name}",
                   margins=REGISTER_MARGINS)
