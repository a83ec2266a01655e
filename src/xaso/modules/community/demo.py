# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo village groups: one for every village of the demo communes, opened by each commune's clerk; in
Hạ Long's first village the head pins an announcement, the demo citizen asks a question that the head
answers, and the specialist turns the citizen's message about a blocked drain into a field report.
Everything goes through the services; a second run adds nothing."""

from __future__ import annotations

from datetime import date

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune, Village
from xaso.modules.reports.models import Category

from . import services
from .models import Group, Kind, Membership, Message

SLUGS = {"06688": "halong", "06862": "tienyen", "06994": "vandon"}


def seed(*, today: date) -> dict[str, int]:
    made = {"village groups": 0, "village group messages": 0}
    for code, slug in SLUGS.items():
        commune = Commune.objects.get(pk=code)
        made["village groups"] += services.groups_open_all(actor=User.objects.get(username=f"{slug}-clerk"),
                                                           commune=commune)
    village = Village.objects.filter(commune_id="06688", merged_into__isnull=True).order_by("name").first()
    if village is None:
        return made
    group = Group.objects.get(village=village)
    head = User.objects.get(username="halong-village-head")
    citizen = User.objects.get(username="demo-citizen")
    if not Membership.objects.filter(group=group, user=head, role=Membership.Role.HEAD).exists():
        services.head_appoint(actor=User.objects.get(username="halong-chairperson"), group=group, user=head)
    if not Membership.objects.filter(group=group, user=citizen, left_at__isnull=True).exists():
        services.member_join(actor=citizen, code=group.code)
    if Message.objects.filter(group=group).exists():
        return made
    post = services.message_post
    post(actor=head, group=group, kind=Kind.ANNOUNCEMENT, pinned=True,
         body="Thông báo: 8 giờ sáng Chủ nhật này tổ chức tổng vệ sinh đường làng, mỗi hộ cử một người tham gia.")
    question = post(actor=citizen, group=group, kind=Kind.QUESTION,
                    body="Cho hỏi làm lại căn cước cho con 14 tuổi thì cần mang giấy tờ gì ạ?")
    post(actor=head, group=group, kind=Kind.ANSWER, answer_to=question,
         body="Cháu đi cùng bố hoặc mẹ, mang giấy khai sinh; làm tại công an phường, không mất phí lần đầu.")
    drain = post(actor=citizen, group=group, kind=Kind.POST,
                 body="Cống đầu ngõ 12 bị tắc, mưa xuống là nước tràn vào nhà dân.")
    services.message_to_report(actor=User.objects.get(username="halong-specialist"), message=drain,
                               category=Category.objects.get(commune_id="06688", code="ngap-ung"))
    made["village group messages"] += 4
    return made
