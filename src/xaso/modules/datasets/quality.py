# SPDX-License-Identifier: AGPL-3.0-or-later
"""The quality of a dataset's returns, by the six principles the model asks of commune data (DL12: data that
is "đúng, đủ, sạch, sống, thống nhất, dùng chung"), for the whole province and for each commune.

Each principle is a share from 0 to 100 over the returns of the chosen periods of the communes that must
report the dataset; it is "—" (None) when nothing could be measured yet, and the overall score is the mean
of the principles that could. Every share is pooled (the province's score counts every return once, it is
not a mean of the communes' scores).

* **Correct (đúng)**: of the returns the approver has decided — approved, or sent back at least once — the
  share approved without ever being returned for correction or unlocked. A figure the approver had to send
  back was not right the first time.
* **Complete (đủ)**: of the cells of the returns submitted or approved (each element once for the commune,
  twice by sex, once per current village by village), the share filled. Every element counts, optional
  ones too: required cells cannot be left empty at submission, so counting them alone would read 100 by
  construction.
* **Clean (sạch)**: of the numbers in the returns submitted or approved, the share without an unexplained
  jump: a change from the same cell of the period before larger than the dataset's threshold
  (``validation.jumped``) with no comment saying why.
* **Live (sống)**: of the returns expected (due date passed, or already submitted), the share first
  submitted by the due date: the timeliness of the status grid.
* **Consistent (thống nhất)**: of the pairs (return submitted or approved, validation rule) that can be
  checked (every figure the rule names is there), the share where the rule holds on the return's totals
  (``validation.rule_holds`` on the totals ``services.figures`` computes, here for all returns at once).
* **Shared (dùng chung)**: of the approved returns, the share whose latest approval has been delivered to
  the province's data-sharing platform (an ``integrations.Delivery`` to "lgsp" marked sent).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.integrations.models import Delivery
from xaso.core.outbox import Status as DeliveryStatus
from xaso.core.places.models import Village

from . import periods, validation
from .models import Dataset, Disaggregation, ReturnStep, Status, Value
from .selectors_province import Rate, status_grid

PRINCIPLES = (
    ("correct", pgettext_lazy("data quality", "Correct")),
    ("complete", pgettext_lazy("data quality", "Complete")),
    ("clean", pgettext_lazy("data quality", "Clean")),
    ("live", pgettext_lazy("data quality", "Live")),
    ("consistent", pgettext_lazy("data quality", "Consistent")),
    ("shared", pgettext_lazy("data quality", "Shared")),
)
EXPLAINED = {
    "correct": _("Returns approved without being sent back for correction."),
    "complete": _("Cells filled in the returns submitted."),
    "clean": _("Figures without an unexplained jump from the period before."),
    "live": _("Expected returns submitted by their due date."),
    "consistent": _("Checks between figures that hold."),
    "shared": _("Approved returns delivered to the data-sharing platform."),
}
WITH_DATA = frozenset({Status.SUBMITTED, Status.APPROVED})


@dataclass
class Score:
    """One commune's (or the province's) tallies per principle."""

    commune: object = None
    rates: dict[str, Rate] = field(default_factory=lambda: {key: Rate() for key, _label in PRINCIPLES})

    def percent(self, key: str) -> int | None:
        return self.rates[key].percent

    @property
    def overall(self) -> int | None:
        known = [p for key, _label in PRINCIPLES if (p := self.percent(key)) is not None]
        return round(sum(known) / len(known)) if known else None

    def merge(self, other: Score) -> None:
        for key, rate in other.rates.items():
            self.rates[key].done += rate.done
            self.rates[key].expected += rate.expected


@dataclass
class Quality:
    dataset: Dataset
    periods: list[periods.Period]
    total: Score
    communes: list[Score]


@dataclass(frozen=True)
class _Ret:
    pk: int
    commune_id: str
    period: str
    status: str


def scores(dataset: Dataset, period_list: list[periods.Period], *, area_type: str = "",
           today: datetime.date | None = None) -> Quality:
    """The six principles for the dataset over the periods, for each reporting commune and in total."""
    today = today or timezone.localdate()
    grid = status_grid(dataset, period_list, area_type=area_type, today=today)
    per_commune = {row.commune.pk: Score(row.commune) for row in grid.rows}
    rets = []
    for row in grid.rows:
        for cell in row.cells:
            if cell.expected(today):
                per_commune[cell.commune_id].rates["live"].add(bool(cell.on_time))
            if cell.ret_id is not None:
                rets.append(_Ret(cell.ret_id, cell.commune_id, cell.period.key, cell.status))
    _correct_and_shared(rets, per_commune)
    _from_values(dataset, period_list, rets, per_commune)
    total = Score()
    for score in per_commune.values():
        total.merge(score)
    return Quality(dataset, period_list, total, list(per_commune.values()))


def _correct_and_shared(rets: list[_Ret], per_commune: dict[str, Score]) -> None:
    steps = defaultdict(dict)
    for ret_id, transition, n in (ReturnStep.objects.filter(ret_id__in=[r.pk for r in rets],
                                                            transition__in=("approve", "send_back", "unlock"))
                                  .values_list("ret_id", "transition").annotate(n=Count("pk")).order_by()):
        steps[ret_id][transition] = n
    approved = [r for r in rets if r.status == Status.APPROVED]
    # services.return_approve publishes each approval under the key "<return>.<approvals so far>".
    latest = {r.pk: f"{r.pk}.{steps[r.pk].get('approve', 1)}" for r in approved}
    sent = set(Delivery.objects.filter(system="lgsp", status=DeliveryStatus.SENT, key__in=latest.values())
               .values_list("key", flat=True))
    for r in rets:
        sent_back = bool(steps[r.pk].get("send_back") or steps[r.pk].get("unlock"))
        if r.status == Status.APPROVED or sent_back:
            per_commune[r.commune_id].rates["correct"].add(r.status == Status.APPROVED and not sent_back)
        if r.status == Status.APPROVED:
            per_commune[r.commune_id].rates["shared"].add(latest[r.pk] in sent)


def _cells_expected(dataset: Dataset, communes) -> dict[str, dict[int, int]]:
    """Per commune, the number of cells each element has in one return (villages as they are now)."""
    villages = dict(Village.objects.filter(commune_id__in=communes, merged_into__isnull=True)
                    .values_list("commune_id").annotate(n=Count("pk")).order_by())
    members = [(item.element_id, item.element.disaggregation) for item in dataset.members()]
    out = {}
    for commune in communes:
        per = {Disaggregation.NONE: 1, Disaggregation.SEX: 2, Disaggregation.VILLAGE: villages.get(commune, 0)}
        out[commune] = {element: per[kind] for element, kind in members}
    return out


def _from_values(dataset: Dataset, period_list, rets: list[_Ret], per_commune: dict[str, Score]) -> None:
    """Complete, clean and consistent: read off the values of the returns with data, in two queries."""
    with_data = {r.pk: r for r in rets if r.status in WITH_DATA}
    if not with_data:
        return
    before = {p.key: prev.key for p in period_list if (prev := p.previous()) is not None}
    rows = (Value.objects.filter(ret__dataset=dataset, ret__period__in=[*before.values(), *before.keys()],
                                 ret__commune_id__in=list(per_commune))
            .values_list("ret_id", "ret__commune_id", "ret__period", "element_id", "slot", "number", "text",
                         "comment"))
    numbers, filled, mine = {}, defaultdict(lambda: defaultdict(int)), []
    for ret_id, commune, period, element, slot, number, text, comment in rows:
        numbers[(commune, period, element, slot)] = number
        if ret_id in with_data:
            mine.append((commune, period, element, slot, number, comment))
            filled[ret_id][element] += bool(text)
    cells = _cells_expected(dataset, list(per_commune))
    for ret_id, ret in with_data.items():
        for element, n in cells[ret.commune_id].items():
            score = per_commune[ret.commune_id].rates["complete"]
            score.done += min(filled[ret_id][element], n)
            score.expected += n
    jump = dataset.jump_percent
    for commune, period, element, slot, number, comment in mine:
        if number is None:
            continue
        old = numbers.get((commune, before.get(period), element, slot)) if period in before else None
        per_commune[commune].rates["clean"].add(bool(comment) or not validation.jumped(number, old, jump))
    _consistent(dataset, with_data, per_commune)


def _consistent(dataset: Dataset, with_data: dict, per_commune: dict[str, Score]) -> None:
    rules = list(dataset.rules.all())
    if not rules:
        return
    totals = defaultdict(dict)  # as services.figures: numbers summed over villages or sexes, per element code
    for ret_id, code, total in (Value.objects.filter(ret_id__in=list(with_data), number__isnull=False)
                                .values_list("ret_id", "element__code").annotate(total=Sum("number")).order_by()):
        totals[ret_id][code] = total
    for ret_id, ret in with_data.items():
        for rule in rules:
            holds = validation.rule_holds(rule, totals[ret_id])
            if holds is not None:
                per_commune[ret.commune_id].rates["consistent"].add(holds)
