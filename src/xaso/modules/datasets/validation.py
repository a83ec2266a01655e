# SPDX-License-Identifier: AGPL-3.0-or-later
"""Checking values: one figure against its element (type, allowed values, range), and a whole return
against the dataset (required values, rules between elements, jumps from the last period that need a
comment). The form, the spreadsheet upload, the offline sync and the province import all check here.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Disaggregation, Severity, Sex, ValueType

YES = frozenset({"yes", "có", "co", "x", "1", "true", "đúng"})
NO = frozenset({"no", "không", "khong", "0", "false", "sai"})
MAX_TEXT = 500


def parse_number(raw: str, *, whole: bool = False) -> Decimal:
    """A number as officials type it: "1.234,5" and "1,234.5" and "1234.5" are all accepted; with both
    separators the last one is the decimal mark; "1.234" in a whole-number field is one thousand two
    hundred and thirty-four, as written in Vietnam."""
    s = raw.strip().replace(" ", "").replace("\u00a0", "")
    if "," in s and "." in s:
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_mark == "," else ",", "").replace(",", ".")
    elif "," in s:
        s = s.replace(",", ".") if s.count(",") == 1 and not (whole and re.fullmatch(r"-?\d{1,3},\d{3}", s)) \
            else s.replace(",", "")
    elif s.count(".") > 1 or (whole and re.fullmatch(r"-?\d{1,3}\.\d{3}", s)):
        s = s.replace(".", "")
    if not re.fullmatch(r"-?\d+(\.\d+)?", s):
        raise InvalidOperation(raw)
    return Decimal(s)


def clean_value(element, raw: str) -> tuple[str, Decimal | None]:
    """The value to store (text, number) for what was typed, or ValidationError in the user's language.
    An empty value is ("", None): not given."""
    raw = (raw or "").strip()
    if not raw:
        return "", None
    kind = element.value_type
    if kind == ValueType.TEXT:
        if len(raw) > MAX_TEXT:
            raise ValidationError(_("At most %(n)d characters.") % {"n": MAX_TEXT}, code="length")
        return raw, None
    if kind == ValueType.YES_NO:
        folded = raw.casefold()
        if folded in YES:
            return "yes", Decimal(1)
        if folded in NO:
            return "no", Decimal(0)
        raise ValidationError(_("Answer “có” (yes) or “không” (no)."), code="yes_no")
    if kind == ValueType.CHOICE:
        for choice in element.choices:
            if str(choice).casefold() == raw.casefold():
                return str(choice), None
        raise ValidationError(_("“%(value)s” is not one of: %(choices)s.")
                              % {"value": raw, "choices": ", ".join(map(str, element.choices))}, code="choice")
    try:
        number = parse_number(raw, whole=kind == ValueType.INTEGER)
    except InvalidOperation:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": raw[:40]}, code="number") from None
    if kind == ValueType.INTEGER and number != number.to_integral_value():
        raise ValidationError(_("Give a whole number."), code="integer")
    low = element.minimum if element.minimum is not None else (Decimal(0) if kind == ValueType.PERCENT else None)
    high = element.maximum if element.maximum is not None else (Decimal(100) if kind == ValueType.PERCENT else None)
    if low is not None and number < low:
        raise ValidationError(_("At least %(n)s.") % {"n": _plain(low)}, code="range")
    if high is not None and number > high:
        raise ValidationError(_("At most %(n)s.") % {"n": _plain(high)}, code="range")
    if abs(number) >= Decimal(10) ** 15:
        raise ValidationError(_("The number is too large."), code="range")
    number = number.quantize(Decimal("0.0001"))
    return _plain(number), number


def _plain(number: Decimal) -> str:
    text = format(number.normalize(), "f")
    return text


def clean_category(element, village_id, category: str, villages: set[int]) -> None:
    """Whether a value's place in the return fits its element's disaggregation."""
    if element.disaggregation == Disaggregation.VILLAGE:
        if village_id not in villages:
            raise ValidationError(_("Give the village: this figure is kept by village."), code="village")
    elif element.disaggregation == Disaggregation.SEX:
        if village_id or category not in Sex.values:
            raise ValidationError(_("Give the sex (nam or nữ): this figure is kept by sex."), code="sex")
    elif village_id or category:
        raise ValidationError(_("This figure is kept for the commune as a whole."), code="total")


@dataclass(frozen=True)
class Issue:
    """Something wrong with a return: an ``error`` blocks submission, a ``warning`` needs a comment."""

    code: str  # the element's code, or the rule's
    slot: str
    message: str
    severity: str = Severity.ERROR

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


OPERATORS = {"<=": operator.le, "<": operator.lt, "==": operator.eq, ">=": operator.ge, ">": operator.gt}
_TERM = re.compile(r"^[A-Z0-9][A-Z0-9_.-]*$")


def terms(expression: str) -> list[tuple[int, str]]:
    """``"A + B - 2"`` as [(1, "A"), (1, "B"), (-1, "2")]. Operators stand apart, as codes may hold a dash."""
    tokens = expression.split()
    out, sign = [], 1
    expect_term = True
    for token in tokens:
        if expect_term:
            if not _TERM.match(token):
                raise ValidationError(_("“%(token)s” is not an element code or a number.") % {"token": token},
                                      code="expression")
            out.append((sign, token))
            expect_term = False
        elif token in ("+", "-"):
            sign = -1 if token == "-" else 1  # noqa: S105 (a sign, not a password)
            expect_term = True
        else:
            raise ValidationError(_("Put “+” or “-” between the terms, with spaces around them."), code="expression")
    if expect_term:
        raise ValidationError(_("The expression is incomplete."), code="expression")
    return out


def is_number(token: str) -> bool:
    return bool(re.fullmatch(r"\d+(\.\d+)?", token))


def check_expression(expression: str, codes: set[str]) -> None:
    """A rule's side may only name the dataset's numeric elements (DHIS2 refuses a rule on a missing one)."""
    unknown = [t for _, t in terms(expression) if not is_number(t) and t not in codes]
    if unknown:
        raise ValidationError(_("No numeric element of this dataset has the code %(codes)s.")
                              % {"codes": ", ".join(unknown)}, code="unknown_element")


def evaluate(expression: str, figures: dict[str, Decimal]) -> Decimal | None:
    """The side's value, or None when a figure it needs is missing (the rule is then not checked)."""
    total = Decimal(0)
    for sign, token in terms(expression):
        if is_number(token):
            total += sign * Decimal(token)
        elif figures.get(token) is None:
            return None
        else:
            total += sign * figures[token]
    return total


def rule_holds(rule, figures: dict[str, Decimal]) -> bool | None:
    left, right = evaluate(rule.left, figures), evaluate(rule.right, figures)
    if left is None or right is None:
        return None
    return OPERATORS[rule.operator](left, right)


def jumped(new: Decimal | None, old: Decimal | None, percent: int) -> bool:
    """Whether a figure moved by more than ``percent`` from the last period's (from or to zero counts)."""
    if new is None or old is None or new == old:
        return False
    if old == 0:
        return True
    return abs(new - old) * 100 > abs(old) * percent
