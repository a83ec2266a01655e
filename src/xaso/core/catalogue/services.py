# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writing adoption records: every change goes through here, atomic, row-locked and audited.

A change that changes nothing records nothing, so a form submitted twice (a double click, a retry
after a dropped connection) leaves one event in the audit trail, and the same evidence file sent
twice is attached once.
"""

from __future__ import annotations

import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import require
from xaso.core.accounts.roles import COMMUNE_ROLES
from xaso.core.audit.services import record
from xaso.core.files.services import file_check, file_store
from xaso.core.places.models import Commune

from .models import Adoption, AdoptionEvidence, Component, Status
from .seed import area_name
from .selectors import CHANGE

CHANGED = "xaso.catalogue.adoption.changed"
EVIDENCE_ADDED = "xaso.catalogue.adoption.evidence_added"


def not_applicable_message(component: Component, commune: Commune) -> str:
    return _("Component %(code)s does not apply to %(commune)s, whose area type is %(area)s.") % {
        "code": component.code, "commune": commune.name, "area": area_name(commune.area_type)}


def owner_error(owner, commune: Commune) -> str | None:
    """Why this person may not own a component of the commune's roadmap, or None if they may."""
    if owner is None:
        return None
    if owner.commune_id != commune.pk or owner.role not in COMMUNE_ROLES or not owner.is_active:
        return _("%(person)s is not an official of %(commune)s.") % {"person": owner, "commune": commune.name}
    return None


def clean_notes(notes: str | None) -> str:
    # Browsers send CRLF, API clients LF, some keyboards decomposed marks: one form, so that the same
    # text sent again is recognised as no change.
    text = unicodedata.normalize("NFC", notes or "").replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def snapshot(adoption: Adoption) -> dict:
    return {
        "status": adoption.status,
        "owner_id": adoption.owner_id,
        "owner": str(adoption.owner) if adoption.owner_id else None,
        "target_date": adoption.target_date.isoformat() if adoption.target_date else None,
        "notes": adoption.notes,
    }


def adoption_update(*, actor, commune: Commune, component: Component, status: str, owner=None,
                    target_date: date | None = None, notes: str = "") -> Adoption:
    """Set a commune's record of one component (creating it on the first change); audited as
    ``xaso.catalogue.adoption.changed`` with the fields before and after."""
    require(actor, CHANGE, commune)
    errors = {}
    if not component.applies_to(commune):
        errors["component"] = not_applicable_message(component, commune)
    if status not in Status.values:
        errors["status"] = _("“%(value)s” is not a status; choose one of: %(choices)s.") % {
            "value": status, "choices": ", ".join(Status.values)}
    if errors:
        raise ValidationError(errors)
    values = {"status": Status(status).value, "owner": owner, "target_date": target_date, "notes": clean_notes(notes)}

    def locked():
        # of=self: lock the record only (the owner is an outer join, which PostgreSQL cannot lock).
        return (Adoption.objects.select_for_update(of=("self",)).select_related("owner")
                .filter(commune=commune, component=component))

    with transaction.atomic():
        adoption = locked().first()
        if adoption is None:
            if problem := owner_error(owner, commune):
                raise ValidationError({"owner": problem})
            try:
                with transaction.atomic():
                    adoption = Adoption.objects.create(commune=commune, component=component, **values)
            except IntegrityError:  # created by a concurrent request since we looked: update that one
                adoption = locked().get()
            else:
                record(actor=actor, action=CHANGED, obj=adoption, before=None, after=snapshot(adoption))
                return adoption
        if owner is not None and owner.pk != adoption.owner_id and (problem := owner_error(owner, commune)):
            raise ValidationError({"owner": problem})
        before = snapshot(adoption)
        for name, value in values.items():
            setattr(adoption, name, value)
        after = snapshot(adoption)
        if after == before:
            return adoption
        adoption.save(update_fields=["status", "owner", "target_date", "notes", "updated_at"])
        record(actor=actor, action=CHANGED, obj=adoption, before=before, after=after)
    return adoption


def adoption_add_evidence(*, actor, adoption: Adoption, upload) -> AdoptionEvidence:
    """Attach a file as evidence (stored through ``files.services.file_store``); audited on the adoption
    as ``xaso.catalogue.adoption.evidence_added``. A file already attached is not attached again."""
    commune = adoption.commune
    require(actor, CHANGE, commune)
    checked = file_check(upload)
    with transaction.atomic():
        locked = Adoption.objects.select_for_update(of=("self",)).get(pk=adoption.pk)
        existing = (AdoptionEvidence.objects.select_related("file")
                    .filter(adoption=locked, file__sha256=checked.sha256).first())
        if existing is not None:
            return existing
        stored = file_store(actor=actor, commune=commune, upload=upload)
        evidence = AdoptionEvidence.objects.create(adoption=locked, file=stored,
                                                   added_by=actor if getattr(actor, "pk", None) else None)
        record(actor=actor, action=EVIDENCE_ADDED, obj=locked, after={
            "file_id": stored.pk, "file": stored.original_name, "sha256": stored.sha256})
    return evidence
