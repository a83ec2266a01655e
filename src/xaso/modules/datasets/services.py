# SPDX-License-Identifier: AGPL-3.0-or-later
"""Writes on returns: opening one for a period (pre-filled from xaso's own records), saving values (from
the form, a spreadsheet, an offline browser), and each step of its workflow.

Every entry path calls ``values_save``: the whole batch is checked first and refused with the list of
faults, nothing stored; otherwise each changed value appends its old value to its history. A value saved
from a page the official opened earlier (or filled offline) carries the version it saw: a value changed
since is a conflict, shown to them, never overwritten.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import can, require
from xaso.core.audit.services import record
from xaso.core.places.models import Village

from . import periods, sources, validation
from .models import (
    APPROVER_ROLES,
    Disaggregation,
    PeriodType,
    Return,
    Severity,
    Sex,
    Source,
    Value,
    ValueChange,
    slot_of,
)
from .workflow import ENTER, RETURN


@dataclass(frozen=True)
class Entry:
    """One figure as given: the element's code, where in the return (a village, a sex, or the total), the
    value as typed and a comment. ``row`` names where it came from (a spreadsheet's row) for messages."""

    element: str
    raw: str
    village_id: int | None = None
    category: str = ""
    comment: str = ""
    row: int | None = None

    @property
    def slot(self) -> str:
        return slot_of(self.village_id, self.category)


@dataclass(frozen=True)
class Conflict:
    element: str
    slot: str
    theirs: str
    yours: str
    changed_by: str


@dataclass
class Saved:
    changed: int = 0
    conflicts: list[Conflict] = field(default_factory=list)


def _fault(entry: Entry, message: str) -> str:
    where = _("row %(row)d") % {"row": entry.row} if entry.row else entry.element
    if entry.row and entry.element:
        where = f"{where}, {entry.element}"
    return f"{where}: {message}"


def return_open(*, actor, dataset, commune, period_key: str, today=None) -> Return:
    """The commune's return for the period, made (and pre-filled) the first time it is opened."""
    require(actor, ENTER, commune)
    if dataset.published_at is None or not dataset.reports(commune):
        raise ValidationError(_("This commune does not report this dataset."), code="not_reporting")
    period = periods.parse(dataset.period_type, period_key)
    today = today or timezone.localdate()
    if not periods.open_for_entry(dataset.period_type, period, today):
        raise ValidationError(_("The period %(period)s has not started yet.") % {"period": period.label},
                              code="future")
    existing = Return.objects.filter(dataset=dataset, commune=commune, period=period.key).first()
    if existing is not None:
        return existing
    due = (period.due(dataset.due_days) if dataset.period_type != PeriodType.ONCE
           else timezone.localdate(dataset.published_at) + datetime.timedelta(days=dataset.due_days))
    try:
        with transaction.atomic():
            ret = Return.objects.create(dataset=dataset, commune=commune, period=period.key,
                                        period_start=period.start, period_end=period.end, due_date=due,
                                        template_version=dataset.version)
            _prefill(ret, period)
            record(actor=actor, action="xaso.datasets.return.opened", obj=ret, after={"period": period.key})
    except IntegrityError:  # opened by a colleague at the same moment: theirs is the one
        return Return.objects.get(dataset=dataset, commune=commune, period=period.key)
    return ret


def _prefill(ret: Return, period) -> None:
    """Fill the figures xaso knows, for the period's days; never over a figure the commune typed."""
    now = timezone.now()
    rows = []
    villages = None
    for item in ret.dataset.members():
        element = item.element
        source = sources.SOURCES.get(element.source)
        if source is None:
            continue
        if element.disaggregation == Disaggregation.VILLAGE:
            if source.by_village is None:
                continue
            if villages is None:
                villages = set(Village.objects.filter(commune=ret.commune, merged_into__isnull=True)
                               .values_list("pk", flat=True))
            counts = source.by_village(ret.commune, period.start, period.end)
            cells = [(v, counts.get(v, 0)) for v in villages]
        elif element.disaggregation == Disaggregation.NONE:
            cells = [(None, source.total(ret.commune, period.start, period.end))]
        else:
            continue
        for village_id, n in cells:
            text, number = validation.clean_value(element, str(n))
            rows.append(Value(ret=ret, element=element, village_id=village_id, slot=slot_of(village_id, ""),
                              text=text, number=number, source=Source.PREFILL, updated_at=now))
    Value.objects.bulk_create(rows)


def _villages(commune) -> set[int]:
    return set(Village.objects.filter(commune=commune, merged_into__isnull=True).values_list("pk", flat=True))


def check_entries(ret: Return, entries: Iterable[Entry]) -> list[tuple[Entry, str, object]]:
    """Each entry with its element and cleaned (text, number); ValidationError listing every fault."""
    members = {item.element.code: item.element for item in ret.dataset.members()}
    villages = _villages(ret.commune)
    faults, checked, seen = [], [], set()
    for entry in entries:
        element = members.get(entry.element)
        if element is None:
            faults.append(_fault(entry, _("no element of this dataset has this code.")))
            continue
        try:
            validation.clean_category(element, entry.village_id, entry.category, villages)
            cleaned = validation.clean_value(element, entry.raw)
        except ValidationError as exc:
            faults.append(_fault(entry, exc.messages[0]))
            continue
        if len(entry.comment) > validation.MAX_TEXT:
            faults.append(_fault(entry, _("the comment is too long.")))
            continue
        if (entry.element, entry.slot) in seen:
            faults.append(_fault(entry, _("this figure is given twice.")))
            continue
        seen.add((entry.element, entry.slot))
        checked.append((entry, element, cleaned))
    if faults:
        raise ValidationError(faults, code="invalid")
    return checked


def values_save(*, actor, ret: Return, entries: Iterable[Entry], source: str = Source.FORM,
                seen_versions: dict[tuple[str, str], int] | None = None) -> Saved:
    """Save a batch of figures into an open return: all or nothing.

    ``seen_versions`` maps (element code, slot) to the version the user saw (0: none yet); a value changed
    since is returned as a conflict and left as it is, the rest is saved.
    """
    require(actor, ENTER, ret.commune)
    entries = list(entries)
    checked = check_entries(ret, entries)
    saved = Saved()
    now = timezone.now()
    with transaction.atomic():
        locked = Return.objects.select_for_update(of=("self",)).get(pk=ret.pk)
        if not locked.is_editable:
            raise ValidationError(_("This return is %(status)s: its figures can no longer be changed.")
                                  % {"status": locked.get_status_display().lower()}, code="locked")
        current = {(v.element_id, v.slot): v for v in
                   Value.objects.select_for_update().filter(ret=locked, element__in={e.pk for _, e, _ in checked})}
        for entry, element, (text, number) in checked:
            value = current.get((element.pk, entry.slot))
            seen = None if seen_versions is None else seen_versions.get((entry.element, entry.slot), 0)
            if seen is not None and (value.version if value else 0) != seen:
                if value is None or value.text != text or value.comment != entry.comment.strip():
                    saved.conflicts.append(Conflict(entry.element, entry.slot, value.text if value else "", text,
                                                    str(value.updated_by or "") if value else ""))
                continue
            if value is None:
                if not text:
                    continue
                Value.objects.create(ret=locked, element=element, village_id=entry.village_id,
                                     category=entry.category, slot=entry.slot, text=text, number=number,
                                     comment=entry.comment.strip(), source=source, updated_by=actor, updated_at=now)
                saved.changed += 1
                continue
            if value.text == text and value.comment == entry.comment.strip():
                continue
            ValueChange.objects.create(value=value, old_text=value.text, new_text=text, old_comment=value.comment,
                                       source=source, actor=actor, actor_name=str(actor), at=now)
            value.text, value.number, value.comment = text, number, entry.comment.strip()
            value.source, value.updated_by, value.updated_at = source, actor, now
            value.version += 1
            value.save()
            saved.changed += 1
        if saved.changed:
            record(actor=actor, action="xaso.datasets.values.saved", obj=locked,
                   after={"changed": saved.changed, "source": source})
    return saved


def figures(ret: Return) -> tuple[dict[str, object], dict[tuple[str, str], Value]]:
    """The return's totals per element code (numbers summed over villages or sexes) and its values by
    (code, slot)."""
    cells = {(v.element.code, v.slot): v for v in ret.values.select_related("element")}
    totals: dict[str, object] = {}
    for (code, _slot), v in cells.items():
        if v.number is not None:
            totals[code] = (totals.get(code) or 0) + v.number
    return totals, cells


def previous_values(ret: Return) -> dict[tuple[str, str], Value]:
    """The same commune's values of the last period, shown beside the form and compared for jumps."""
    period = periods.parse(ret.dataset.period_type, ret.period).previous()
    if period is None:
        return {}
    rows = Value.objects.filter(ret__dataset=ret.dataset, ret__commune=ret.commune, ret__period=period.key)
    return {(v.element.code, v.slot): v for v in rows.select_related("element")}


def return_check(ret: Return) -> list[validation.Issue]:
    """Everything that stands between the return and its submission (errors) or that needs a comment
    (warnings): required figures, the dataset's rules, jumps from the last period without a comment."""
    totals, cells = figures(ret)
    issues: list[validation.Issue] = []
    villages = _villages(ret.commune)
    for item in ret.dataset.members():
        element = item.element
        slots = {Disaggregation.NONE: [""], Disaggregation.SEX: list(Sex.values),
                 Disaggregation.VILLAGE: [f"v{v}" for v in sorted(villages)]}[element.disaggregation]
        if item.required and any(not (cells.get((element.code, s)) and cells[(element.code, s)].text)
                                 for s in slots):
            issues.append(validation.Issue(element.code, "", _("%(code)s %(name)s: a figure is missing.")
                                           % {"code": element.code, "name": element.name}))
    by_village = {item.element.code for item in ret.dataset.members()
                  if item.element.disaggregation == Disaggregation.VILLAGE}
    names = dict(Village.objects.filter(pk__in=villages).values_list("pk", "name"))
    for rule in ret.dataset.rules.all():
        codes = {t for _sign, t in validation.terms(f"{rule.left} + {rule.right}") if not validation.is_number(t)}
        if codes and codes <= by_village:  # a rule between figures kept by village holds in every village
            for village_id in sorted(villages):
                cell = {code: v.number for (code, slot), v in cells.items() if slot == slot_of(village_id, "")}
                if validation.rule_holds(rule, cell) is False:
                    issues.append(validation.Issue(rule.code, slot_of(village_id, ""),
                                                   f"{names[village_id]}: {rule.message}", rule.severity))
        elif validation.rule_holds(rule, totals) is False:
            issues.append(validation.Issue(rule.code, "", rule.message, rule.severity))
    previous = previous_values(ret)
    for (code, slot), value in cells.items():
        old = previous.get((code, slot))
        if old and validation.jumped(value.number, old.number, ret.dataset.jump_percent) and not value.comment:
            issues.append(validation.Issue(code, slot, _("%(code)s changed from %(old)s to %(new)s since the last "
                                                         "period: explain it in a comment.")
                                           % {"code": code, "old": old.text, "new": value.text}, Severity.WARNING))
    return issues


def _blocking(issues: list[validation.Issue]) -> list[str]:
    # A warning blocks too until it is explained: a warning is only raised for a value without a comment.
    return [i.message for i in issues]


def return_submit(*, actor, ret: Return, version: int | None = None) -> Return:
    faults = _blocking(return_check(ret))
    if faults:
        raise ValidationError(faults, code="incomplete")

    def apply(locked):
        locked.submitted_at = timezone.now()
        locked.first_submitted_at = locked.first_submitted_at or locked.submitted_at

    return RETURN.fire(ret, "submit", actor=actor, version=version, apply=apply)


def _require_approver(actor, ret: Return) -> None:
    if not actor.is_superuser and actor.role not in APPROVER_ROLES[ret.dataset.approver]:
        raise PermissionDenied("datasets.return.approve")


def return_approve(*, actor, ret: Return, version: int | None = None, note: str = "") -> Return:
    """Approve and lock; the approved figures are published to the province's data-sharing platform."""
    _require_approver(actor, ret)

    def apply(locked):
        locked.approved_at = timezone.now()
        approvals = locked.steps.filter(transition="approve").count() + 1
        from xaso.core.integrations import lgsp

        from .sharing import return_payload

        lgsp.publish(key=f"{locked.pk}.{approvals}", payload=return_payload(locked))

    return RETURN.fire(ret, "approve", actor=actor, version=version, note=note, apply=apply)


def return_send_back(*, actor, ret: Return, note: str, version: int | None = None, unlock: bool = False) -> Return:
    """Return for correction (or unlock an approved return): the note tells the commune what to fix."""
    _require_approver(actor, ret)
    if not note.strip():
        raise ValidationError({"note": _("Say what must be corrected.")})

    def apply(locked):
        locked.approved_at = None

    return RETURN.fire(ret, "unlock" if unlock else "send_back", actor=actor, version=version, note=note.strip(),
                       apply=apply)


def may_approve(user, ret: Return) -> bool:
    return (can(user, "datasets.return.approve", ret.commune)
            and (user.is_superuser or user.role in APPROVER_ROLES[ret.dataset.approver]))
