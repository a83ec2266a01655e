# SPDX-License-Identifier: AGPL-3.0-or-later
"""The dossier's life through its services: intake, the clock across Tết, the pause, every hand-over."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.core.audit.models import AuditEvent
from xaso.core.files.models import StoredFile
from xaso.core.workflow import WorkflowError
from xaso.modules.dossiers import services
from xaso.modules.dossiers.models import Dossier, Paper, Status

from .conftest import APPLICANT, at, pdf

D = dt.date


def test_it_receives_at_the_counter_with_a_code_in_the_national_format(receive):
    dossier = receive()
    assert re.fullmatch(r"22\.06688-260212-0001", dossier.code)
    assert receive(idempotency_key=None).code.endswith("-0002")
    assert dossier.status == Status.ACCEPTED and dossier.portal_status == 2
    assert [s.transition for s in dossier.steps.all()] == ["receive", "accept"]
    assert dossier.components.get().paper.file.content_type == "application/pdf"


def test_it_starts_the_clock_today_and_counts_working_days_across_tet(receive):
    # Thu 12 Feb 2026, 10:00, 5 working days: 12, 13, then Tết (16–20 Feb) and the weekends, 23, 24, 25.
    dossier = receive()
    assert dossier.clock_start == D(2026, 2, 12)
    assert dossier.due_date == D(2026, 2, 25)


def test_it_starts_the_clock_on_the_next_working_day_after_the_cut_off(receive):
    late = receive(now=at(2026, 2, 12, 15, 30))
    assert late.clock_start == D(2026, 2, 13)
    assert late.due_date == D(2026, 2, 26)
    just_before = receive(now=at(2026, 2, 12, 14, 59))
    assert just_before.clock_start == D(2026, 2, 12)


def test_it_pauses_for_more_documents_and_moves_the_date_by_the_working_days_paused(receive, users):
    dossier = receive()
    dossier = services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["sam"])
    dossier = services.dossier_start(actor=users["sam"], dossier=dossier)
    dossier = services.dossier_request_documents(actor=users["sam"], dossier=dossier, missing="Bản sao sổ hộ khẩu",
                                                 today=D(2026, 2, 24))
    assert dossier.status == Status.AWAITING_DOCUMENTS and dossier.portal_status == 5
    assert dossier.paused_on == D(2026, 2, 24)
    assert not Dossier.objects.overdue(D(2026, 3, 2)).filter(pk=dossier.pk).exists()  # a paused clock is not late
    dossier = services.dossier_documents_received(actor=users["olivia"], dossier=dossier,
                                                  uploads={"Bổ sung": pdf()}, today=D(2026, 3, 2))
    # Paused 25, 26, 27 Feb and 2 Mar: four working days; 25 Feb + 4 working days = 3 Mar.
    assert (dossier.paused_days, dossier.due_date, dossier.paused_on) == (4, D(2026, 3, 3), None)
    assert dossier.status == Status.PROCESSING


def test_it_travels_the_whole_way_and_keeps_every_hand_over(receive, users):
    d = receive()
    d = services.dossier_assign(actor=users["olivia"], dossier=d, assignee=users["sam"])
    d = services.dossier_start(actor=users["sam"], dossier=d)
    d = services.dossier_submit(actor=users["sam"], dossier=d)
    d = services.dossier_approve(actor=users["hana"], dossier=d)
    d = services.dossier_result_ready(actor=users["sam"], dossier=d, upload=pdf("ket-qua.pdf"),
                                      info=services.PaperInfo(title="Giấy xác nhận tình trạng hôn nhân",
                                                              number="12/2026", valid_until=D(2026, 8, 12)),
                                      now=at(2026, 2, 20))
    assert d.portal_status == 9 and d.resolved_on == D(2026, 2, 20)
    d = services.dossier_return(actor=users["olivia"], dossier=d)
    assert d.portal_status == 10
    rating = services.dossier_rate(actor=users["olivia"], dossier=d, score=5, reasons=["fast", "nonsense"],
                                   channel="1")
    assert rating.reasons == ["fast"]
    d = services.dossier_close(actor=users["olivia"], dossier=d)
    steps = list(d.steps.values_list("transition", "actor__username", "holder__username"))
    assert steps == [("receive", "olivia", "olivia"), ("accept", "olivia", "olivia"), ("assign", "olivia", "sam"),
                     ("start", "sam", "sam"), ("submit", "sam", None), ("approve", "hana", "hana"),
                     ("result_ready", "sam", "sam"), ("return_result", "olivia", None), ("close", "olivia", None)]
    actions = set(AuditEvent.objects.filter(object_id=str(d.pk)).values_list("action", flat=True))
    assert {"xaso.dossiers.dossier.received", "xaso.dossiers.dossier.approve",
            "xaso.dossiers.dossier.close"} <= actions
    result = Paper.objects.get(source=d, kind=Paper.Kind.RESULT)
    assert result.owner_id_number == APPLICANT.id_number and result.number == "12/2026"


def test_it_refuses_an_action_the_state_does_not_allow_and_changes_nothing(receive, users):
    dossier = receive()
    with pytest.raises(WorkflowError) as refused:
        services.dossier_approve(actor=users["hana"], dossier=dossier)
    assert "Approve" in str(refused.value) or "Phê duyệt" in str(refused.value)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.version, dossier.steps.count()) == (Status.ACCEPTED, 1, 2)


def test_it_refuses_a_stale_version_when_two_officers_act_at_once(receive, users):
    dossier = receive()
    seen = dossier.version
    services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["sam"], version=seen)
    with pytest.raises(WorkflowError) as conflict:
        services.dossier_assign(actor=users["hana"], dossier=dossier, assignee=users["olivia"], version=seen)
    assert conflict.value.code == "conflict"
    dossier.refresh_from_db()
    assert dossier.assignee == users["sam"]


def test_it_checks_who_may_act(receive, users):
    dossier = receive()
    with pytest.raises(PermissionDenied):
        services.dossier_accept(actor=users["sam"], dossier=receive(accept=False))
    with pytest.raises(PermissionDenied):
        services.dossier_approve(actor=users["charlie"], dossier=dossier)  # chairperson of another commune
    services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["sam"])
    with pytest.raises(ValidationError):
        services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["charlie"])


def test_it_refuses_missing_components_and_disguised_files_keeping_nothing(receive, users):
    files_before, dossiers_before = StoredFile.objects.count(), Dossier.objects.count()
    with pytest.raises(ValidationError) as missing:
        receive(uploads={})
    assert "Tờ khai" in str(missing.value)
    script = SimpleUploadedFile("to-khai.pdf", b"#!/bin/sh\nrm -rf /\n", content_type="application/pdf")
    with pytest.raises(ValidationError):
        receive(uploads={"Tờ khai": script})
    assert (StoredFile.objects.count(), Dossier.objects.count()) == (files_before, dossiers_before)


def test_it_yields_one_dossier_for_one_idempotency_key(receive):
    first = receive(idempotency_key="form-123")
    again = receive(idempotency_key="form-123", uploads={"Tờ khai": pdf("other.pdf")})
    assert again.pk == first.pk
    assert Dossier.objects.filter(idempotency_key="form-123").count() == 1


def test_it_offers_valid_papers_for_reuse_and_refuses_others(receive, users, commune_a):
    from xaso.modules.dossiers.selectors import reusable_papers

    first = receive()
    paper = first.components.get().paper
    offered = reusable_papers(commune=commune_a, id_number=APPLICANT.id_number, today=D(2026, 3, 1))
    assert list(offered) == [paper]
    second = receive(uploads={}, reuse={"Tờ khai": paper.pk})
    component = second.components.get()
    assert component.reused and component.paper == paper
    stranger = services.Applicant(name="Trần Văn Nam", id_number="001190099999")
    with pytest.raises(ValidationError):
        receive(applicant=stranger, uploads={}, reuse={"Tờ khai": paper.pk})
    Paper.objects.filter(pk=paper.pk).update(valid_until=D(2020, 1, 1))
    with pytest.raises(ValidationError):
        receive(uploads={}, reuse={"Tờ khai": paper.pk})


def test_it_extends_once_to_a_later_working_day_with_an_apology(receive, users):
    dossier = receive()
    with pytest.raises(ValidationError):
        services.dossier_extend(actor=users["hana"], dossier=dossier, new_date=D(2026, 2, 28), reason="Chờ xác minh")
    dossier = services.dossier_extend(actor=users["hana"], dossier=dossier, new_date=D(2026, 3, 4),
                                      reason="Chờ xác minh")
    step = dossier.steps.get(transition="extend")
    assert step.data == {"old_due_date": "2026-02-25", "new_due_date": "2026-03-04"}
    assert dossier.due_date == D(2026, 3, 4) and dossier.status == Status.ACCEPTED
    with pytest.raises(ValidationError):
        services.dossier_extend(actor=users["hana"], dossier=dossier, new_date=D(2026, 3, 10), reason="Lần nữa")


def test_overdue_and_due_soon_are_queries_of_the_day(receive, commune_a):
    from xaso.modules.dossiers.selectors import soon_limit

    dossier = receive()  # due Wed 25 Feb 2026
    assert not Dossier.objects.overdue(D(2026, 2, 25)).exists()
    assert Dossier.objects.overdue(D(2026, 2, 26)).get() == dossier
    # Due soon: within 2 working days: on Mon 23 Feb the horizon is Wed 25 Feb.
    assert Dossier.objects.due_by(D(2026, 2, 23), soon_limit(commune_a, D(2026, 2, 23))).get() == dossier
    assert not Dossier.objects.due_by(D(2026, 2, 12), soon_limit(commune_a, D(2026, 2, 12))).exists()


def test_it_escalates_an_overdue_dossier_to_the_chairperson_once(receive, users):
    from xaso.core.notify.models import Message

    dossier = receive()
    assert services.dossiers_escalate_overdue(today=D(2026, 2, 26)) == 1
    assert services.dossiers_escalate_overdue(today=D(2026, 2, 27)) == 0
    told = Message.objects.filter(recipient=users["hana"], channel="inapp")
    assert told.count() == 1 and dossier.code in told.get().body


def test_it_withdraws_by_the_applicant_online_and_stops_with_a_reason(receive, users):
    dossier = receive()
    with pytest.raises(ValidationError):
        services.dossier_stop(actor=users["hana"], dossier=dossier, reason="  ")
    stopped = services.dossier_stop(actor=users["hana"], dossier=dossier, reason="Người yêu cầu đã mất")
    assert stopped.portal_status == 8
    other = receive()
    with pytest.raises(PermissionDenied):
        services.dossier_withdraw(actor=users["cindy"], dossier=other)  # not hers
    Dossier.objects.filter(pk=other.pk).update(applicant=users["cindy"])
    other.refresh_from_db()
    assert services.dossier_withdraw(actor=users["cindy"], dossier=other).portal_status == 7


def test_it_tells_the_applicant_and_the_portal_after_each_step_they_should_know(receive, users):
    from xaso.core.integrations.models import Delivery
    from xaso.core.notify.models import Message

    dossier = receive()
    sms = Message.objects.filter(channel="sms", address__endswith="912345678")
    assert sms.count() == 1 and "25/02/2026" in sms.get().body  # accepted, with the appointment date
    services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["sam"])
    assert sms.count() == 1  # an internal hand-over is not news to the applicant
    codes = sorted(Delivery.objects.filter(system="national_portal").values_list("payload__status_code", flat=True))
    assert codes == [2, 4]  # accepted on the spot, then in process


def test_the_monthly_report_counts_by_procedure(receive, users, commune_a):
    from xaso.modules.dossiers.selectors import monthly_report

    def resolve(dossier, when):
        d = services.dossier_assign(actor=users["olivia"], dossier=dossier, assignee=users["sam"])
        d = services.dossier_start(actor=users["sam"], dossier=d)
        d = services.dossier_submit(actor=users["sam"], dossier=d)
        d = services.dossier_approve(actor=users["hana"], dossier=d)
        return services.dossier_result_ready(actor=users["sam"], dossier=d, upload=pdf("kq.pdf"),
                                             info=services.PaperInfo(title="Kết quả"), now=when)

    resolve(receive(), at(2026, 2, 24))  # due 25 Feb: on time
    resolve(receive(), at(2026, 2, 27))  # late
    receive(channel="2", assisted=True)  # online, assisted; still pending
    receive(now=at(2026, 3, 2))  # another month
    row = monthly_report(user=users["hana"], commune=commune_a, year=2026, month=2, today=D(2026, 3, 10))[0]
    assert row == {"procedure": "1.000001", "name": "Xác nhận tình trạng hôn nhân", "received": 3,
                   "resolved_on_time": 1, "resolved_late": 1, "pending": 1, "overdue": 1, "online_share": 33.3}
