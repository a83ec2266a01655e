# SPDX-License-Identifier: AGPL-3.0-or-later
"""The state machine every module uses, once: states, allowed transitions, who may fire them, history.

A module writes its workflow as a table (``workflow.py``: Signalen's allowed-transitions table, DIGIT's
workflow service): each ``Transition`` names the states it leaves from, the state it leads to and the
permission verb it needs. ``Workflow.fire`` is the only way a record changes state:

* it locks the row, so two officials acting on the same record at once are served one after the
  other, and the second finds the state the first left (and is refused if the action no longer fits);
* when the caller passes the ``version`` it showed the user, a record changed since is refused as a
  conflict instead of being overwritten;
* it appends one history row (never edited) and one audit event, in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.core.accounts.permissions import can
from xaso.core.audit import services as audit


class WorkflowError(ValidationError):
    """The action does not fit the record's state, or the record changed since the user saw it."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: the record keeps its state (an extension, a note) but the step is kept
    label: object  # lazy text: the button people press
    verb: str | None = None  # the permission verb an official needs
    # Who else may fire it (the applicant withdrawing their own dossier): user, record -> bool.
    allows: Callable | None = None


class Workflow:
    def __init__(self, *, entity: str, states: type[models.TextChoices], transitions: list[Transition],
                 history: str, field: str = "status"):
        self.entity = entity  # dotted audit prefix, "xaso.dossiers.dossier"
        self.states = states
        self.transitions = {t.name: t for t in transitions}
        self.history = history  # the related name of the record's history rows
        self.field = field
        for t in transitions:
            unknown = (set(t.sources) | {t.target} - {None}) - set(states.values)
            if unknown:
                raise ValueError(f"{entity}.{t.name}: unknown states {unknown}")

    def may(self, user, record, name: str) -> bool:
        t = self.transitions[name]
        return getattr(record, self.field) in t.sources and self._allowed(user, record, t)

    def _allowed(self, user, record, t: Transition) -> bool:
        """Whether the user may fire the transition at all, whatever the record's state."""
        if t.verb and can(user, t.verb, self._commune(record)):
            return True
        return bool(t.allows and user is not None and user.is_authenticated and t.allows(user, record))

    def available(self, user, record) -> list[Transition]:
        return [t for name, t in self.transitions.items() if self.may(user, record, name)]

    def fire(self, record, name: str, *, actor, note: str = "", data: dict | None = None,
             version: int | None = None, apply: Callable | None = None, holder=None):
        """Move ``record`` along ``name``; ``apply(locked_record)`` makes the transition's own changes.

        Returns the locked, saved record. Raises WorkflowError (nothing changed) or PermissionDenied.
        """
        t = self.transitions[name]
        with transaction.atomic():
            locked = type(record).objects.select_for_update(of=("self",)).get(pk=record.pk)
            if not self._allowed(actor, locked, t):
                raise PermissionDenied(t.verb or name)
            if version is not None and locked.version != version:
                raise WorkflowError(_("Someone else changed this record a moment ago. Reload the page and try "
                                      "again."), code="conflict")
            state = getattr(locked, self.field)
            if state not in t.sources:
                raise WorkflowError(
                    _("“%(action)s” is not possible while the record is “%(state)s”.")
                    % {"action": t.label, "state": self.states(state).label}, code="state")
            before = {self.field: state}
            if apply is not None:
                apply(locked)
            target = t.target or state
            setattr(locked, self.field, target)
            locked.version += 1
            locked.save()
            getattr(locked, self.history).create(
                transition=name, from_state=state, to_state=target, actor=actor if _is_user(actor) else None,
                actor_name=str(actor) if _is_user(actor) else "", note=note, data=data or {},
                holder=holder, at=timezone.now())
            audit.record(actor=actor if _is_user(actor) else None, action=f"{self.entity}.{name}", obj=locked,
                         before=before, after={self.field: target, "note": note, **(data or {})})
        return locked

    @staticmethod
    def _commune(record):
        return getattr(record, "commune", None)


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


class Step(models.Model):
    """One fired transition: appended, never edited. A module's history model adds the FK to its record."""

    transition = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField(max_length=200, blank=True)
    # Who holds the record from this step on (the process control sheet reads hand-overs off it).
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(db_index=True)

    class Meta:
        abstract = True
        ordering = ("at", "id")
        verbose_name = gettext_lazy("step")


def escalate_once(overdue, *, action: str, tell: Callable) -> int:
    """Mark each record of ``overdue`` (a queryset of records with an ``escalated_at`` field) as escalated
    and call ``tell(record)`` for it, once per record: the row is locked and checked again, so two runs at
    once (or a second run the same day) tell nobody twice. Audited as ``action``; returns how many.

    The escalation of overdue dossiers, field reports and petitions: each module says which records are
    overdue and whom it tells, the "once" and the audit are here.
    """
    model = overdue.model
    count = 0
    for pk in list(overdue.filter(escalated_at__isnull=True).values_list("pk", flat=True)):
        with transaction.atomic():
            locked = model.objects.select_for_update(of=("self",)).get(pk=pk)
            if locked.escalated_at is not None:
                continue
            locked.escalated_at = timezone.now()
            locked.save(update_fields=["escalated_at"])
            due = getattr(locked, "due_date", None)
            audit.record(actor=None, action=action, obj=locked, after={"due_date": due.isoformat() if due else None})
            tell(locked)
            count += 1
    return count
