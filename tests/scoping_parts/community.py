# SPDX-License-Identifier: AGPL-3.0-or-later
"""A village group of commune A with a resident's messages carrying the secret markers (one of them
hidden by a moderator, one reported as abusive): only its members and A's officials read it."""

from xaso import testing
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Village
from xaso.modules.community import services
from xaso.modules.community.models import Flag, Group, Kind, Membership, Message, Receipt

GENERIC = {}
PUBLIC_ABOUT_A = set()


def private(commune, users, secrets):
    village = Village.objects.create(commune=commune, name="Tổ dân phố Cộng Đồng")
    group = services.group_open(actor=users["alice"], village=village)
    rita = testing.make_user("rita", Role.CITIZEN, oidc_subject="fake-rita")
    services.member_join(actor=rita, code=group.code)
    services.message_post(actor=users["alice"], group=group, kind=Kind.ANNOUNCEMENT, pinned=True,
                          body=f"Thông báo {secrets[0]}")
    question = services.message_post(actor=rita, group=group, kind=Kind.QUESTION, body=secrets[1])
    hidden = services.message_post(actor=rita, group=group, kind=Kind.POST, body=secrets[2])
    services.message_hide(actor=users["alice"], message=hidden, reason="Không phù hợp")
    services.message_flag(actor=users["alice"], message=question, reason=f"Lý do {secrets[2]}")
    return {"group_id": group.pk, "message_id": question.pk}


def state():
    return [
        sorted(Group.objects.values_list("pk", "code")),
        sorted(Membership.objects.values_list("pk", "role", "left_at", "blocked_at")),
        sorted(Message.objects.values_list("pk", "version", "pinned", "hidden_at", "report_id", "procedure_id")),
        sorted(Flag.objects.values_list("pk", "decided_at")),
        Receipt.objects.count(),
    ]
