# SPDX-License-Identifier: AGPL-3.0-or-later
import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xaso.core.audit.models import AuditEvent
from xaso.core.integrations.models import LgspRecord
from xaso.modules.datasets import services
from xaso.modules.datasets.models import Return, Source, Status, Value, ValueChange
from xaso.modules.datasets.services import Entry
from xaso.testing import COMMUNE_A, COMMUNE_B

TODAY = datetime.date(2026, 11, 20)


def _open(users, dataset, commune=COMMUNE_A, period="2026Q3", who="alice"):
    from xaso.core.places.models import Commune

    return services.return_open(actor=users[who], dataset=dataset, commune=Commune.objects.get(pk=commune),
                                period_key=period, today=TODAY)


def _fill(users, ret, villages, **over):
    a1, a2 = villages["a1"].pk, villages["a2"].pk
    entries = [Entry("HH", "120", a1), Entry("HH", "80", a2), Entry("POOR", "12", a1), Entry("POOR", "8", a2),
               Entry("DOSSIERS", over.get("dossiers", "30")), Entry("ONLINE", over.get("online", "20")),
               Entry("RATE", "45,5"), Entry("WIFI", "có")]
    return services.values_save(actor=users["alice"], ret=ret, entries=entries)


def test_it_opens_a_return_once_with_what_xaso_knows(users, dataset, villages):
    ret = _open(users, dataset)
    assert (ret.period_start, ret.period_end, ret.due_date) == (
        datetime.date(2026, 7, 1), datetime.date(2026, 9, 30), datetime.date(2026, 10, 10))
    prefilled = {v.element.code: v for v in ret.values.select_related("element")}
    assert set(prefilled) == {"DOSSIERS", "ONLINE"}  # the elements with a source, nothing typed
    assert prefilled["DOSSIERS"].source == Source.PREFILL and prefilled["DOSSIERS"].text == "0"
    assert _open(users, dataset).pk == ret.pk


def test_it_refuses_a_future_period_and_a_commune_of_another_province(users, dataset):
    with pytest.raises(ValidationError) as exc:
        _open(users, dataset, period="2027Q1")
    assert exc.value.code == "future"
    with pytest.raises(ValidationError):
        _open(users, dataset, period="2026M07")  # a month, not a quarter
    with pytest.raises(PermissionDenied):
        _open(users, dataset, commune=COMMUNE_B)  # alice is an official of A
    assert not Return.objects.exists()


def test_it_refuses_the_whole_batch_with_every_fault_and_stores_nothing(users, dataset, villages):
    ret = _open(users, dataset)
    before = Value.objects.count()
    bad = [Entry("HH", "mười", villages["a1"].pk, row=2), Entry("POOR", "-1", villages["a1"].pk, row=3),
           Entry("RATE", "120", row=4), Entry("HH", "5", row=5), Entry("NOPE", "1", row=6),
           Entry("HH", "10", villages["b1"].pk, row=7), Entry("POOR", "3", villages["a2"].pk, row=8)]
    with pytest.raises(ValidationError) as exc:
        services.values_save(actor=users["alice"], ret=ret, entries=bad)
    messages = exc.value.messages
    assert len(messages) == 6 and messages[0].startswith("dòng 2, HH")  # in the site's first language
    assert Value.objects.count() == before


def test_it_keeps_every_change_of_a_value(users, dataset, villages):
    ret = _open(users, dataset)
    _fill(users, ret, villages)
    services.values_save(actor=users["sam"], ret=ret, entries=[Entry("HH", "1.250", villages["a1"].pk)])
    value = Value.objects.get(ret=ret, element__code="HH", village=villages["a1"])
    assert (value.text, value.number, value.version, value.updated_by) == ("1250", 1250, 2, users["sam"])
    change = ValueChange.objects.get(value=value)
    assert (change.old_text, change.new_text, change.actor) == ("120", "1250", users["sam"])
    rate = Value.objects.get(ret=ret, element__code="RATE")
    assert rate.text == "45.5"


def test_it_shows_a_conflict_instead_of_overwriting(users, dataset, villages):
    ret = _open(users, dataset)
    _fill(users, ret, villages)  # HH[a1] is at version 1
    services.values_save(actor=users["sam"], ret=ret, entries=[Entry("HH", "121", villages["a1"].pk)],
                         seen_versions={("HH", f"v{villages['a1'].pk}"): 1})
    saved = services.values_save(actor=users["alice"], ret=ret,
                                 entries=[Entry("HH", "999", villages["a1"].pk), Entry("WIFI", "không")],
                                 seen_versions={("HH", f"v{villages['a1'].pk}"): 1, ("WIFI", ""): 1},
                                 source=Source.OFFLINE)
    assert saved.changed == 1 and [(c.element, c.theirs, c.yours) for c in saved.conflicts] == [("HH", "121", "999")]
    assert Value.objects.get(ret=ret, element__code="HH", village=villages["a1"]).text == "121"
    assert Value.objects.get(ret=ret, element__code="WIFI").text == "no"


def test_a_rule_violation_blocks_submission(users, dataset, villages):
    ret = _open(users, dataset)
    _fill(users, ret, villages, online="40")
    with pytest.raises(ValidationError) as exc:
        services.return_submit(actor=users["bob"], ret=ret)
    assert exc.value.messages == ["Hồ sơ trực tuyến không được nhiều hơn tổng số hồ sơ."]
    assert Return.objects.get(pk=ret.pk).status == Status.DRAFT


def test_a_jump_from_the_last_period_needs_a_comment(users, dataset, villages):
    last = _open(users, dataset, period="2026Q2")
    _fill(users, last, villages)
    ret = _open(users, dataset)
    _fill(users, ret, villages, dossiers="90")
    issues = services.return_check(ret)
    assert [(i.code, i.severity) for i in issues] == [("DOSSIERS", "warning")]
    services.values_save(actor=users["alice"], ret=ret, entries=[Entry("DOSSIERS", "90", comment="Đợt cao điểm")])
    assert services.return_check(ret) == []


def test_approval_locks_the_return_and_publishes_it_once(users, dataset, villages, django_capture_on_commit_callbacks):
    ret = _open(users, dataset)
    _fill(users, ret, villages)
    ret = services.return_submit(actor=users["bob"], ret=ret)
    assert ret.on_time is False  # submitted after 10 October
    with pytest.raises(PermissionDenied):
        services.return_approve(actor=users["hana"], ret=ret)  # the province approves this dataset
    with django_capture_on_commit_callbacks(execute=True):
        ret = services.return_approve(actor=users["paula"], ret=ret)
    assert ret.status == Status.APPROVED
    with pytest.raises(ValidationError) as exc:
        services.values_save(actor=users["alice"], ret=ret, entries=[Entry("WIFI", "không")])
    assert exc.value.code == "locked"
    record = LgspRecord.objects.get()
    assert record.payload["dataset"] == "QN.Q1" and record.payload["period"] == "2026Q3"
    assert {"element": "WIFI", "value": "yes"}.items() <= next(
        v for v in record.payload["values"] if v["element"] == "WIFI").items()
    assert AuditEvent.objects.filter(action="xaso.datasets.return.approve").count() == 1


def test_returned_for_correction_with_a_note_then_resubmitted(users, dataset, villages):
    ret = _open(users, dataset)
    _fill(users, ret, villages)
    ret = services.return_submit(actor=users["bob"], ret=ret)
    with pytest.raises(ValidationError):
        services.return_send_back(actor=users["paula"], ret=ret, note=" ")
    ret = services.return_send_back(actor=users["paula"], ret=ret, note="Kiểm tra lại số hộ nghèo thôn Khu 2")
    assert ret.status == Status.RETURNED and ret.steps.last().note.startswith("Kiểm tra")
    services.values_save(actor=users["alice"], ret=ret, entries=[Entry("POOR", "7", villages["a2"].pk)])
    first = ret.first_submitted_at
    ret = services.return_submit(actor=users["bob"], ret=ret)
    assert ret.first_submitted_at == first and ret.status == Status.SUBMITTED
