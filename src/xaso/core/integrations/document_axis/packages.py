# SPDX-License-Identifier: AGPL-3.0-or-later
"""What travels on the document-exchange axis, as plain dataclasses: a document package and a status package
(QCVN 102:2016, DOMAIN.md §8). Building and reading the wire form is ``edxml.py``; nothing here touches the
database.

Values are normalised when a package is made (text stripped, timestamps in Vietnam time to the second),
because that is all the wire can carry: what is built and read back is equal to what was made.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, fields
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

NAMESPACE = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
DATE_FORMAT = "%Y/%m/%d"  # PromulgationDate, DueDate: 2026/11/29
TIMESTAMP_FORMAT = "%Y/%m/%d %H:%M:%S"  # TraceHeader and status Timestamp: 2026/11/29 14:05:00
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")  # the wire has no zone: every agency writes Vietnam time
# Decision 20/2020/QĐ-TTg: V1V2V3.Z1Z2.Y1Y2.MX1X2, e.g. 000.00.12.H28 (ASCII digits only: "\d" is not).
ORGAN_ID = re.compile(r"[0-9]{3}\.[0-9]{2}\.[0-9]{2}\.[A-Z][0-9]{2}")


class EdxmlError(ValidationError):
    """A package that cannot be built or was refused on reading: a clear, translated message with a code."""


class StatusCode(models.TextChoices):
    """The processing states a receiving agency reports back (QCVN 102:2016 status package).

    Labels carry a context: "done" or "refused" alone would take another app's translation.
    """

    ARRIVED = "01", pgettext_lazy("edxml status", "arrived")
    REFUSED = "02", pgettext_lazy("edxml status", "refused")
    ACCEPTED = "03", pgettext_lazy("edxml status", "accepted")
    ASSIGNED = "04", pgettext_lazy("edxml status", "assigned")
    IN_PROCESS = "05", pgettext_lazy("edxml status", "in process")
    DONE = "06", pgettext_lazy("edxml status", "done")
    RECALLED = "13", pgettext_lazy("edxml status", "recalled")
    RECALL_AGREED = "15", pgettext_lazy("edxml status", "recall agreed")
    RECALL_REFUSED = "16", pgettext_lazy("edxml status", "recall refused")


class Priority(models.IntegerChoices):
    """OtherInfo/Priority. [U] The values past 0 follow the Decree 30/2020 urgency marks in their order."""

    NORMAL = 0, pgettext_lazy("edxml priority", "normal")
    URGENT = 1, pgettext_lazy("edxml priority", "urgent")
    VERY_URGENT = 2, pgettext_lazy("edxml priority", "very urgent")
    IMMEDIATE = 3, pgettext_lazy("edxml priority", "immediate")
    IMMEDIATE_TIMED = 4, pgettext_lazy("edxml priority", "immediate, at a set time")


def organ_id_check(value: str) -> str:
    value = (value or "").strip()
    if not ORGAN_ID.fullmatch(value):
        raise EdxmlError(_("The agency code “%(value)s” is not of the form 000.00.00.H00 (Decision 20/2020/QĐ-TTg)."),
                         code="bad_organ", params={"value": value})
    return value


def wire_time(value: dt.datetime) -> dt.datetime:
    """To the second in Vietnam time; a naive time is taken as Vietnam time."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=VIETNAM)
    return value.astimezone(VIETNAM).replace(microsecond=0)


def _strip_text(instance) -> None:
    for f in fields(instance):
        value = getattr(instance, f.name)
        if isinstance(value, str):
            object.__setattr__(instance, f.name, value.strip())


def _counts(instance, *names: str) -> None:
    for name in names:
        value = getattr(instance, name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise EdxmlError(_("%(element)s must be a whole number, zero or more."), code="bad_number",
                             params={"element": name})


@dataclass(frozen=True)
class Organ:
    """An agency on the axis: its code (OrganId) and how it names itself."""

    id: str
    name: str
    in_charge: str = ""  # OrganizationInCharge: the governing body
    address: str = ""
    email: str = ""
    phone: str = ""

    def __post_init__(self):
        _strip_text(self)
        object.__setattr__(self, "id", organ_id_check(self.id))


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes
    description: str = ""

    def __post_init__(self):
        _strip_text(self)


@dataclass(frozen=True)
class DocumentPackage:
    """One document sent to one or more agencies.

    ``document_id`` must be unique across the whole network: ``make_document_id`` gives the form the axis
    implementations use, led by the sender's agency code so that no two agencies can collide.
    """

    document_id: str
    sender: Organ
    recipients: list[Organ]
    code_number: str
    code_notation: str
    place: str
    promulgation_date: dt.date
    type_code: str
    type_name: str
    subject: str
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: dt.date | None = None
    to_places: list[str] = field(default_factory=list)
    priority: int = Priority.NORMAL
    steering_type: int = 0  # [U] 0 for an ordinary document; the other values' meanings are not public
    promulgation_amount: int = 1
    page_amount: int = 1
    appendixes: int = 0
    trace: list[tuple[str, dt.datetime]] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)

    def __post_init__(self):
        _strip_text(self)
        if not self.document_id:
            raise EdxmlError(_("A document package needs its %(element)s."), code="missing",
                             params={"element": "document_id"})
        for name in ("subject", "type_code"):
            if not getattr(self, name):
                raise EdxmlError(_("A document package needs its %(element)s."), code="missing",
                                 params={"element": name})
        if not self.recipients:
            raise EdxmlError(_("A document package needs at least one recipient."), code="missing",
                             params={"element": "To"})
        _counts(self, "priority", "steering_type", "promulgation_amount", "page_amount", "appendixes")
        object.__setattr__(self, "to_places", [place.strip() for place in self.to_places])
        object.__setattr__(self, "trace", [(organ.strip(), wire_time(at)) for organ, at in self.trace])


@dataclass(frozen=True)
class ResponseFor:
    """Which document a status answers: its DocumentId and the agency that sent it (who gets the status)."""

    organ_id: str
    document_id: str
    code: str = ""  # "12/UBND-VP", as the original carried it
    promulgation_date: dt.date | None = None

    def __post_init__(self):
        _strip_text(self)
        object.__setattr__(self, "organ_id", organ_id_check(self.organ_id))


@dataclass(frozen=True)
class Staff:
    """Who, at the answering agency, handles the document (StaffInfo)."""

    name: str = ""
    department: str = ""
    email: str = ""
    phone: str = ""

    def __post_init__(self):
        _strip_text(self)


@dataclass(frozen=True)
class StatusPackage:
    response_for: ResponseFor
    sender: Organ
    status_code: str
    description: str
    timestamp: dt.datetime
    staff: Staff = field(default_factory=Staff)

    def __post_init__(self):
        _strip_text(self)
        code = str(self.status_code).strip()
        if code not in StatusCode.values:
            raise EdxmlError(_("“%(value)s” is not a status code of QCVN 102:2016."), code="bad_status",
                             params={"value": code})
        object.__setattr__(self, "status_code", StatusCode(code))
        object.__setattr__(self, "timestamp", wire_time(self.timestamp))


def make_document_id(sender_id: str, promulgation_date: dt.date, code_number: str, code_notation: str) -> str:
    """``<agency code>,<yyyy/MM/dd>,<number>/<notation>``, e.g. ``000.00.12.H28,2026/11/29,12/UBND-VP``.

    The form the axis implementations we could read use; the agency code in front makes it unique across the
    network, and the number with the notation is unique within an agency's year.
    """
    code = f"{code_number}/{code_notation}" if code_number else code_notation
    return f"{organ_id_check(sender_id)},{promulgation_date.strftime(DATE_FORMAT)},{code}"
