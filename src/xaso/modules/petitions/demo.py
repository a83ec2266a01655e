# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo petitions for Phường Hạ Long at different stages, one answered and published, filed through the
services (see xaso.core.demo). Each has an idempotency key, so a second run finds it and adds nothing."""

from __future__ import annotations

from datetime import date

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune

from . import services
from .models import Channel, Petition, Status, Topic

COMMUNE = "06688"
# (key, channel, topic, subject, body, petitioner, consent, how far it goes)
PETITIONS = (
    ("cho-dem", Channel.ONLINE, Topic.ORDER, "Đề nghị sắp xếp lại bãi đỗ xe khu chợ đêm",
     "Buổi tối xe máy đỗ tràn xuống lòng đường Hạ Long, người đi bộ phải đi giữa đường. Đề nghị phường bố trí "
     "bãi đỗ xe và cắm biển.", None, True, "published"),
    ("den-ngo", Channel.COUNTER, Topic.INFRASTRUCTURE, "Kiến nghị lắp đèn chiếu sáng ngõ 12",
     "Ngõ 12 tổ 3 không có đèn, tối đi lại nguy hiểm.", ("Trần Văn Long", "0987000222"), False, "assigned"),
    ("tiep-xuc-cu-tri", Channel.VOTERS, Topic.ENVIRONMENT, "Cử tri kiến nghị nạo vét mương thoát nước",
     "Tại buổi tiếp xúc cử tri, nhiều hộ phản ánh mương thoát nước khu 5 bị bồi lắng, mưa lớn gây ngập.",
     ("Đại diện cử tri khu 5", "0905000333"), False, "accepted"),
    ("tranh-chap", Channel.POST, Topic.LAND, "Đơn đề nghị xem xét quyết định thu hồi đất",
     "Tôi không đồng ý với quyết định thu hồi đất của gia đình tôi.", ("Lê Quang Vinh", "0934000444"), False,
     "returned"),
    ("hoc-phi", Channel.ONLINE, Topic.SOCIAL, "Hỏi về chế độ miễn học phí cho con hộ cận nghèo",
     "Gia đình tôi là hộ cận nghèo, con học lớp 7, xin hỏi thủ tục miễn giảm học phí.", None, False, "received"),
)


def seed(*, today: date) -> dict[str, int]:
    made = {"petitions": 0}
    commune = Commune.objects.get(pk=COMMUNE)
    citizen = User.objects.get(username="demo-citizen")
    clerk = User.objects.get(username="halong-clerk")
    specialist = User.objects.get(username="halong-specialist")
    for key, channel, topic, subject, body, person, consent, stage in PETITIONS:
        idempotency_key = f"demo-petition-{key}"
        if Petition.objects.filter(idempotency_key=idempotency_key).exists():
            continue
        online = channel == Channel.ONLINE
        petition = services.petition_file(
            actor=citizen if online else clerk, commune=commune, channel=channel, topic=topic, subject=subject,
            body=body, consent_to_publish=consent, idempotency_key=idempotency_key,
            petitioner=services.Petitioner() if online else services.Petitioner(name=person[0], phone=person[1]))
        made["petitions"] += 1
        if stage == "returned":
            services.petition_return(actor=clerk, petition=petition, reason=(
                "Nội dung là khiếu nại quyết định hành chính; đề nghị gửi đơn khiếu nại theo Luật Khiếu nại 2011."))
            continue
        if stage == "received":
            continue
        petition = services.petition_accept(actor=clerk, petition=petition)
        if stage == "accepted":
            continue
        petition = services.petition_assign(actor=clerk, petition=petition, assignee=specialist)
        if stage == "assigned":
            continue
        petition = services.petition_answer(actor=specialist, petition=petition, answer=(
            "Phường đã làm việc với Ban quản lý chợ: từ tháng tới bố trí bãi đỗ xe tại sân sau nhà văn hóa khu 2 "
            "và cắm biển cấm đỗ trên đường Hạ Long từ 18 giờ."))
        if petition.status == Status.ANSWERED:
            services.petition_publish(actor=clerk, petition=petition)
    return made
