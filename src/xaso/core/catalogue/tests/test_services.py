# SPDX-License-Identifier: AGPL-3.0-or-later
"""The adoption services: who may change what, and a change that changes nothing records nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from xaso.core import tenancy
from xaso.core.audit.models import AuditEvent
from xaso.core.audit.services import verify
from xaso.core.catalogue import services
from xaso.core.catalogue.models import Adoption, AdoptionEvidence
from xaso.core.files.tests import samples

from .conftest import component, update


def events():
    return list(AuditEvent.objects.values_list("action", flat=True))


def test_it_creates_the_record_on_the_first_change_and_audits_it(users, commune_a):
    c = component("DL", "commune")
    adoption = update(users["alice"], commune_a, c, status="planned", target_date=date(2999, 1, 1))
    assert (adoption.status, adoption.target_date) == ("planned", date(2999, 1, 1))
    assert events() == ["xaso.catalogue.adoption.changed"]
    assert verify().ok


def test_the_same_values_again_record_nothing(users, commune_a):
    c = component("DL", "commune")
    first = update(users["alice"], commune_a, c, status="live", owner=users["bob"], notes=" Biên bản  ")
    again = update(users["alice"], commune_a, c, status="live", owner=users["bob"], notes="Biên bản")
    assert first.pk == again.pk and len(events()) == 1


def test_a_change_records_before_and_after(users, commune_a):
    c = component("DL", "commune")
    update(users["alice"], commune_a, c, status="planned")
    update(users["alice"], commune_a, c, status="live", owner=users["alice"])
    event = AuditEvent.objects.last()
    assert event.before == {"status": "planned", "owner_id": None, "owner": None, "target_date": None, "notes": ""}
    assert event.after["status"] == "live" and event.after["owner_id"] == users["alice"].pk


@pytest.mark.parametrize("who", ["bob", "charlie", "paula", "cindy", "oscar"])
def test_only_those_allowed_may_change_a_record_of_commune_a(users, commune_a, who):
    with pytest.raises(PermissionDenied):
        update(users[who], commune_a, component("DL", "commune"), status="live")
    with tenancy.unscoped():
        assert not Adoption.objects.exists()
    assert events() == []


def test_the_chairperson_of_a_commune_may_change_its_records(users, commune_b):
    assert update(users["charlie"], commune_b, component("DL", "commune"), status="live").status == "live"


def test_a_component_of_another_area_type_is_refused(users, commune_a):
    rural = component("DL", "area", "rural")
    with translation.override("vi"), pytest.raises(ValidationError) as caught:
        update(users["alice"], commune_a, rural, status="live")
    assert "không áp dụng cho Phường Hạ Long" in caught.value.message_dict["component"][0]
    assert events() == []


def test_an_owner_who_is_not_an_official_of_the_commune_is_refused(users, commune_a):
    for outsider in ("charlie", "paula", "cindy"):
        with pytest.raises(ValidationError) as caught:
            update(users["alice"], commune_a, component("DL", "commune"), owner=users[outsider])
        assert "owner" in caught.value.message_dict
    assert events() == []


def test_an_unknown_status_is_refused(users, commune_a):
    with pytest.raises(ValidationError) as caught:
        update(users["alice"], commune_a, component("DL", "commune"), status="done")
    assert "status" in caught.value.message_dict


def test_evidence_is_attached_once_per_content(users, commune_a):
    adoption = update(users["alice"], commune_a, component("DL", "commune"), status="in_progress")
    with tenancy.acting_as(users["alice"]):
        first = services.adoption_add_evidence(actor=users["alice"], adoption=adoption,
                                               upload=SimpleUploadedFile("a.pdf", samples.pdf()))
        again = services.adoption_add_evidence(actor=users["alice"], adoption=adoption,
                                               upload=SimpleUploadedFile("b.pdf", samples.pdf()))
        other = services.adoption_add_evidence(actor=users["alice"], adoption=adoption,
                                               upload=SimpleUploadedFile("c.csv", samples.CSV))
        assert first.pk == again.pk != other.pk and AdoptionEvidence.objects.count() == 2
    assert events().count("xaso.catalogue.adoption.evidence_added") == 2


def test_bob_may_not_attach_evidence(users, commune_a):
    adoption = update(users["alice"], commune_a, component("DL", "commune"), status="in_progress")
    with tenancy.acting_as(users["bob"]), pytest.raises(PermissionDenied):
        services.adoption_add_evidence(actor=users["bob"], adoption=adoption,
                                       upload=SimpleUploadedFile("a.pdf", samples.pdf()))
