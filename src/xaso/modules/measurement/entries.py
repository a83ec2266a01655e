# SPDX-License-Identifier: AGPL-3.0-or-later
"""Figures entered by hand: the external measures (synchronisation with the national portal, procedures
updated on time, online payments) that xaso holds no records for. An entry writes the commune-month's
Figure as ``manual`` with who entered it, is audited, and recomputes that month's indicators and score in
the same transaction, so the index shows it at once or not at all.

A figure received from another system is that system's word: an entry never replaces it (the official is
told where it came from).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record

from . import compute, measures, months
from .models import Figure, Origin

ENTER = "measurement.entry.manage"
LARGEST = Decimal("999999999999")  # what the figure's column holds, as whole numbers


def external_measures() -> list[measures.Measure]:
    """The measures a person may enter, in the registry's order."""
    return [m for m in measures.MEASURES.values() if m.kind == measures.EXTERNAL]


def _measure(key: str) -> measures.Measure:
    measure = measures.get(key)
    if measure is None or measure.kind != measures.EXTERNAL:
        raise ValidationError({"measure_key": ValidationError(
            _("“%(key)s” cannot be entered by hand: only the figures xaso cannot count are (%(known)s).")
            % {"key": key, "known": ", ".join(m.key for m in external_measures())}, code="not_external")})
    return measure


def _period(period_key: str, today: datetime.date) -> months.Period:
    try:
        return months.parse(period_key, today)
    except ValidationError as error:
        raise ValidationError({"period_key": ValidationError(error.messages[0], code="period")}) from None


def _whole(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise ValidationError({field: ValidationError(_("Enter a whole number."), code="not_whole")})
    if number < 0:
        raise ValidationError({field: ValidationError(_("The number cannot be negative."), code="negative")})
    if number > LARGEST:
        raise ValidationError({field: ValidationError(_("The number is too large."), code="too_large")})
    return number


def _counts(numerator, denominator) -> tuple[Decimal, Decimal]:
    num, den = _whole(numerator, "numerator"), _whole(denominator, "denominator")
    if den == 0 and num != 0:
        raise ValidationError({"denominator": ValidationError(
            _("With nothing to count (0), the number that succeeded must be 0 too."), code="zero_denominator")})
    if num > den:
        raise ValidationError({"numerator": ValidationError(
            _("The number that succeeded (%(num)s) cannot exceed the number counted (%(den)s).")
            % {"num": num, "den": den}, code="numerator_above")})
    return num, den


def _text(number) -> str | None:
    """A count as the audit trail keeps it: "8", whether it was just typed or read back as 8.00."""
    return None if number is None else f"{Decimal(number).normalize():f}"


def _as_dict(figure: Figure | None) -> dict | None:
    if figure is None:
        return None
    return {"numerator": _text(figure.numerator), "denominator": _text(figure.denominator), "origin": figure.origin,
            "note": figure.note, "entered_by": figure.entered_by_id}


def figure_enter(*, actor, commune, measure_key: str, period_key: str, numerator, denominator, note: str = "",
                 today: datetime.date) -> Figure:
    """Enter (or correct) one external measure's counts for a commune and month; refused with the reason,
    changing nothing, for a measure xaso counts itself, a malformed or future month, impossible counts, or a
    figure another system sent."""
    if not can(actor, ENTER, commune):
        raise PermissionDenied(ENTER)
    measure = _measure(measure_key)
    period = _period(period_key, today)
    num, den = _counts(numerator, denominator)
    note = (note or "").strip()
    if len(note) > Figure._meta.get_field("note").max_length:
        raise ValidationError({"note": ValidationError(_("The note is too long (500 characters at most)."),
                                                       code="note_too_long")})
    with transaction.atomic():
        figure = (Figure.objects.select_for_update()
                  .filter(commune=commune, period=period.key, measure=measure.key).first())
        if figure is not None and figure.origin == Origin.INTEGRATION:
            raise ValidationError(_("The figure of %(measure)s for %(period)s came from another system; it is not "
                                    "replaced by hand. Correct it in the system that sent it.")
                                  % {"measure": measure.label, "period": period.label}, code="from_integration")
        if (figure is not None and figure.origin == Origin.MANUAL and figure.numerator == num
                and figure.denominator == den and figure.note == note):
            return figure  # the same entry again (a resent form): nothing changes, nothing is recorded
        before = _as_dict(figure)
        figure = figure or Figure(commune=commune, period=period.key, measure=measure.key)
        figure.numerator, figure.denominator, figure.note = num, den, note
        figure.origin, figure.entered_by, figure.computed_at = Origin.MANUAL, actor, timezone.now()
        try:
            with transaction.atomic():
                figure.save()
        except IntegrityError:  # the first entry of this figure, made by two people at the same moment
            raise ValidationError(_("Someone entered this figure at the same moment: reload the page and check "
                                    "it."), code="conflict") from None
        record(actor=actor, action="xaso.measurement.figure.entered", obj=figure, before=before,
               after={**_as_dict(figure), "measure": measure.key, "period": period.key})
        compute.recompute({(commune.pk, period.key)}, today=today)
    return figure
