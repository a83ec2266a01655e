# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from xaso.core import tenancy
from xaso.core.audit import triggers
from xaso.core.audit.models import AuditEvent
from xaso.core.audit.services import record, verify
from xaso.core.places.models import Commune


def _three_events(actor):
    commune = Commune.objects.get(pk="06688")
    for i in range(3):
        record(actor=actor, action="xaso.test.changed", obj=commune, before={"n": i}, after={"n": i + 1})
    return list(AuditEvent.objects.order_by("id"))


@pytest.fixture
def tamperer():
    """Someone who dropped the triggers. DDL is transactional on SQLite and PostgreSQL alike, so the
    test's rollback puts them back."""
    triggers.run(connection, triggers.REMOVE)


def test_it_chains_each_event_to_the_one_before(users):
    events = _three_events(users["alice"])
    assert events[0].prev_hash == "0" * 64
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[0].actor_label == "alice" and events[0].commune_id == "06688"
    assert events[2].before == {"n": 2} and events[2].after == {"n": 3}
    verdict = verify()
    assert verdict.ok and verdict.checked == 3


def test_the_database_refuses_to_change_an_event(users):
    event = _three_events(users["alice"])[1]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="xaso.test.hidden")
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "xaso.test.changed"


def test_verify_names_the_first_broken_link(users, tamperer):
    events = _three_events(users["alice"])
    AuditEvent.objects.filter(pk=events[1].pk).update(after={"n": 99})
    verdict = verify()
    assert not verdict.ok and verdict.broken_id == events[1].pk and verdict.checked == 1
    with pytest.raises(CommandError, match=f"event {events[1].pk}"):
        call_command("audit", "verify")


def test_verify_names_the_event_after_a_removed_one(users, tamperer):
    events = _three_events(users["alice"])
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    verdict = verify()
    assert not verdict.ok and verdict.broken_id == events[2].pk


def test_verify_notices_a_removed_last_event(users, tamperer):
    events = _three_events(users["alice"])
    AuditEvent.objects.filter(pk=events[-1].pk).delete()
    verdict = verify()
    assert not verdict.ok and "missing" in verdict.reason


def test_a_rolled_back_change_leaves_no_event(users):
    with pytest.raises(RuntimeError), transaction.atomic():
        _three_events(users["alice"])
        raise RuntimeError("the change failed half-way")
    assert AuditEvent.objects.count() == 0 and verify().ok


def test_it_records_where_a_change_came_from(users, rf, settings):
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7", HTTP_USER_AGENT="Firefox")
    commune = Commune.objects.get(pk="06688")
    with tenancy.activate(request):
        direct = record(actor=users["alice"], action="xaso.test.changed", obj=commune)
        settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"  # behind the province's proxy
        proxied = record(actor=users["alice"], action="xaso.test.changed", obj=commune)
        request.META["HTTP_X_REAL_IP"] = "not-an-address"
        garbled = record(actor=users["alice"], action="xaso.test.changed", obj=commune)
    assert (direct.ip, direct.user_agent) == ("10.0.0.1", "Firefox")
    assert proxied.ip == "203.0.113.7" and garbled.ip is None
    assert verify().ok
