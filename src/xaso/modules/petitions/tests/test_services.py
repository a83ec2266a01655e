# SPDX-License-Identifier: AGPL-3.0-or-later
"""Filing a petition and its workflow: who may act, consent gating publication, forwarding and returning,
the petitioner told at each step, escalation once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from xaso.core.audit.models import AuditEvent
from xaso.core.notify.models import Message
from xaso.modules.petitions import selectors, services
from xaso.modules.petitions.models import Channel, Kind, Petition, Status

from .conftest import at

pytestmark = pytest.mark.django_db


def assigned(users, petition, to="sam"):
    petition = services.petition_accept(actor=users["bob"], petition=petition)
    return services.petition_assign(actor=users["bob"], petition=petition, assignee=users[to])


def test_only_the_communes_officials_act_and_only_the_assignee_answers(users, file):
    petition = file()
    for outsider in ("charlie", "paula", "cindy", "sam"):  # another commune, the province, the petitioner, no triage
        with pytest.raises(PermissionDenied):
            services.petition_accept(actor=users[outsider], petition=petition)
    petition = assigned(users, petition)
    for other in ("bob", "olivia", "hana", "charlie"):  # even those who assigned it do not answer in its place
        with pytest.raises(PermissionDenied):
            services.petition_answer(actor=users[other], petition=petition, answer="Đã sửa")
    with pytest.raises(ValidationError):
        services.petition_assign(actor=users["bob"], petition=petition, assignee=users["charlie"])
    petition = services.petition_answer(actor=users["sam"], petition=petition, answer="Đã thay bóng đèn.")
    assert petition.status == Status.ANSWERED and petition.answer == "Đã thay bóng đèn."
    assert [s.transition for s in petition.steps.all()] == ["file", "accept", "assign", "answer"]


def test_no_consent_never_published(users, file, commune_a):
    petition = services.petition_answer(actor=users["sam"], petition=assigned(users, file()), answer="Đã sửa")
    with pytest.raises(ValidationError):
        services.petition_publish(actor=users["bob"], petition=petition)
    assert Petition.objects.get(pk=petition.pk).status == Status.ANSWERED
    assert not selectors.published(commune=commune_a).exists()
    # The petitioner agrees after the answer: now it may be published, and then the choice is final.
    services.petition_set_consent(actor=users["cindy"], petition=petition, consent=True)
    published = services.petition_publish(actor=users["bob"], petition=petition)
    assert published.status == Status.PUBLISHED and list(selectors.published(commune=commune_a)) == [published]
    with pytest.raises(ValidationError):
        services.petition_set_consent(actor=users["cindy"], petition=published, consent=False)


def test_a_consent_withdrawn_before_publication_wins(users, file):
    petition = services.petition_answer(actor=users["sam"], petition=assigned(users, file(consent_to_publish=True)),
                                        answer="Đã sửa")
    services.petition_set_consent(actor=None, petition=petition, consent=False)  # by token, signed out
    with pytest.raises(ValidationError):
        services.petition_publish(actor=users["bob"], petition=petition)
    assert AuditEvent.objects.filter(action="xaso.petitions.petition.consent", object_id=str(petition.pk)).count() == 1


def test_filing_twice_with_the_same_key_files_once(users, file):
    first, again = file(idempotency_key="k-1"), file(idempotency_key="k-1")
    assert first.pk == again.pk and Petition.objects.count() == 1
    assert first.code.startswith(f"{first.commune_id}-KN-") and first.petitioner == users["cindy"]


def test_anonymous_and_counter_petitions_need_who_and_how_to_answer(users, file):
    with pytest.raises(ValidationError) as error:
        file(who=None, petitioner=services.Petitioner(name="Dân"))
    assert "phone" in error.value.message_dict
    with pytest.raises(PermissionDenied):  # only an official records what came by post
        file(who="cindy", channel=Channel.POST)
    voters = file(who="bob", channel=Channel.VOTERS, petitioner=services.Petitioner(name="Cử tri khu 5",
                                                                                 address="Khu 5"))
    assert voters.kind == Kind.VOTERS and voters.received_by == users["bob"] and voters.petitioner is None
    assert not Petition.objects.filter(petitioner_name="Dân").exists()


def test_forwarded_or_returned_with_its_reason_and_the_petitioner_told(users, file):
    forwarded = file(who=None)
    with pytest.raises(ValidationError):
        services.petition_forward(actor=users["bob"], petition=forwarded, to=" ", reason="Thuộc thẩm quyền tỉnh")
    forwarded = services.petition_forward(actor=users["bob"], petition=forwarded, to="Sở Xây dựng tỉnh Quảng Ninh",
                                          reason="Việc cấp phép xây dựng thuộc thẩm quyền của Sở.")
    assert forwarded.status == Status.FORWARDED and forwarded.forwarded_to == "Sở Xây dựng tỉnh Quảng Ninh"
    told = Message.objects.filter(address="dan@example.org").order_by("id")
    assert [m.key.rsplit(":", 1)[-1] for m in told] == ["file", "forward"]
    assert "Sở Xây dựng tỉnh Quảng Ninh" in told.last().body
    returned = services.petition_return(actor=users["bob"], petition=file(),
                                        reason="Đây là khiếu nại quyết định hành chính.")
    assert returned.status == Status.RETURNED and Message.objects.filter(recipient=users["cindy"]).count() == 2


def test_overdue_petitions_are_escalated_once(users, file):
    late = assigned(users, file(now=at(2026, 3, 2)))
    file(now=at(2026, 3, 2), subject="Chưa thụ lý")  # received, never accepted: past its acceptance date
    answered = services.petition_answer(actor=users["sam"], petition=assigned(users, file(now=at(2026, 3, 2))),
                                        answer="Xong")
    assert services.petitions_escalate_overdue(today=dt.date(2026, 3, 20)) == 1  # the unaccepted one only
    assert services.petitions_escalate_overdue(today=dt.date(2026, 5, 1)) == 1  # now the assigned one too
    assert services.petitions_escalate_overdue(today=dt.date(2026, 5, 1)) == 0
    call_command("petitions", "escalate")
    assert Message.objects.filter(recipient=users["hana"], key__contains=":escalated:").count() == 2
    assert Message.objects.filter(recipient=users["sam"], key=f"petition:{late.code}:escalated:{users['sam'].pk}")
    assert Petition.objects.get(pk=answered.pk).escalated_at is None
