# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's bulk import of values (DHIS2's dataValueSets import): a long CSV of one dataset,

    commune,period,element,village,sex,value,comment

one figure a line, for any of the province's communes and any started period. It loads years of history
kept elsewhere, or a sector's own figures, without anyone re-typing them.

**All or nothing.** The whole file runs in one transaction. Every row is checked (the same checks as the
form: ``validation.clean_value`` and ``clean_category``); if any row is at fault the transaction is rolled
back and the first faults are listed with their row numbers, with their total count. A value that already
exists is updated and its old value appended to its history; a new one is inserted. A return the import
needs is created (a draft, without pre-filling: the file is the source); a submitted or approved return is
refused, since its figures are locked.

**Memory does not grow with the file.** The file is read as a stream, in chunks of ``CHUNK`` rows; checked
rows go into a temporary staging table of the database (PostgreSQL: ``COPY … FROM STDIN``; SQLite:
``executemany``), and the rest is three statements the two databases share: the duplicate check, the
history, then one ``INSERT … SELECT … ON CONFLICT DO UPDATE``. Only the caches of the dataset's elements,
the province's communes, their villages and the returns touched stay in memory; those grow with the
province, not with the file. See bench/data_import.py for its cost against the database's own bulk load.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field
from itertools import islice

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from xaso.core.accounts.permissions import can
from xaso.core.audit.services import record
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Commune, Province, Village, village_name_key

from . import periods, validation
from .models import (
    EDITABLE,
    Dataset,
    Disaggregation,
    PeriodType,
    Return,
    Sex,
    Source,
    Value,
    ValueChange,
    ValueType,
)
from .services import Entry, _fault

IMPORT = "datasets.values.import"
COLUMNS = ("commune", "period", "element", "village", "sex", "value", "comment")
REQUIRED = ("commune", "period", "element", "value")
CHUNK = 5_000
MAX_FAULTS = 200
STAGE, RETURNS = "xaso_import_stage", "xaso_import_returns"  # temporary tables of the import's transaction
_SEXES = {"nam": Sex.MALE.value, "male": Sex.MALE.value, "nữ": Sex.FEMALE.value, "nu": Sex.FEMALE.value,
          "female": Sex.FEMALE.value}
_BY = {Disaggregation.NONE: 0, Disaggregation.VILLAGE: 1, Disaggregation.SEX: 2}


@dataclass
class ImportResult:
    rows: int = 0  # figures read
    inserted: int = 0
    updated: int = 0  # changed, with their old value kept in the history
    unchanged: int = 0  # the same as stored, or empty where nothing is stored
    returns_created: int = 0


@dataclass
class _Faults:
    shown: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0

    def add(self, row: int, code: str, message: str) -> None:
        self.count += 1
        if len(self.shown) < MAX_FAULTS:
            # services._fault: the one "row N, CODE: message" format of every entry path.
            self.shown.append((row, _fault(Entry(element=code, raw="", row=row), message)))

    def error(self) -> ValidationError:
        head = (_("Nothing was imported: %(n)d faults were found; the first %(shown)d are listed.")
                if self.count > len(self.shown) else _("Nothing was imported: %(n)d faults were found."))
        listed = [text for _row, text in sorted(self.shown, key=lambda f: f[0])]
        return ValidationError([head % {"n": self.count, "shown": len(self.shown)}, *listed], code="invalid")


# --- Who may import -----------------------------------------------------------------------------------


def dataset_for_import(*, user, province_code: str, dataset_code: str) -> Dataset:
    """The province's dataset the user may import into: 404 for an unknown one and for officials of other
    provinces alike (an outsider learns nothing), 403 for a role without the verb."""
    province = Province.objects.filter(code=str(province_code).strip()).first()
    if province is None or not covers(user, province):
        raise Http404
    dataset = Dataset.objects.filter(province=province, code=dataset_code).first()
    if dataset is None:
        raise Http404
    if not may_import(user, dataset):
        raise PermissionDenied(IMPORT)
    return dataset


def may_import(user, dataset) -> bool:
    return can(user, IMPORT) and covers(user, dataset.province)


# --- Checking rows ------------------------------------------------------------------------------------


class _Element:
    """What a row's check needs of an element, prepared once per import."""

    __slots__ = ("pk", "code", "by", "plain", "decimal", "low", "high", "exact", "model")

    def __init__(self, model):
        self.pk, self.code, self.model = model.pk, model.code, model
        self.by = _BY[model.disaggregation]  # 0: commune total, 1: by village, 2: by sex
        kind, low, high = model.value_type, model.minimum, model.maximum
        # Plain digits ("120") are stored as written when the element is a count or amount with no upper
        # bound and no lower bound above zero: the common case, checked without Decimal.
        self.plain = kind in (ValueType.INTEGER, ValueType.NUMBER) and high is None and (low is None or low <= 0)
        # A plain decimal ("45.5") of a number or a rate, checked in ten-thousandths (the stored precision)
        # with integers. Anything else ("1.234" in a whole number, "45,5", "045") goes to clean_value.
        self.decimal = kind in (ValueType.NUMBER, ValueType.PERCENT)
        if kind == ValueType.PERCENT:
            low, high = (0 if low is None else low), (100 if high is None else high)
        self.low = None if low is None else int(low * 10_000)
        self.high = None if high is None else int(high * 10_000)
        # Answers written exactly as clean_value reads them, with what it stores for them.
        self.exact: dict[str, tuple[str, str | None]] = {}
        if kind == ValueType.YES_NO:
            self.exact = {**{w: ("yes", "1") for w in validation.YES}, **{w: ("no", "0") for w in validation.NO}}
        elif kind == ValueType.CHOICE:
            self.exact = {str(c): (str(c), None) for c in model.choices}

    def decimal_text(self, raw: str) -> str | None:
        """``raw`` if it is a plain decimal within bounds that clean_value would store unchanged, else None."""
        whole, _dot, fraction = raw.partition(".")
        if not (whole.isdigit() and whole.isascii() and len(whole) < 16 and (whole[0] != "0" or len(whole) == 1)):
            return None
        if fraction and not (fraction.isdigit() and fraction.isascii() and len(fraction) <= 4 and fraction[-1] != "0"):
            return None
        scaled = int(whole) * 10_000 + (int(fraction.ljust(4, "0")) if fraction else 0)
        if (self.low is not None and scaled < self.low) or (self.high is not None and scaled > self.high):
            return None
        return raw


# Where a figure goes: (village id, category, slot).
_TOTAL = (None, "", "")
_SEX_CELLS = {word: (None, sex, sex) for word, sex in _SEXES.items()}


class _Context:
    """The caches of one import: elements, communes and their villages, periods, and the returns. They grow
    with the province and the periods in the file, never with its rows."""

    def __init__(self, dataset: Dataset, today):
        self.dataset, self.today = dataset, today
        self.elements = {i.element.code: _Element(i.element) for i in dataset.members()}
        extra = set(dataset.communes.values_list("pk", flat=True))
        self.communes = {c.pk for c in Commune.objects.filter(province_id=dataset.province_id)
                         if not dataset.area_types or c.area_type in dataset.area_types or c.pk in extra}
        # Each commune's active villages by name as stored and by name key: {name: (id, "", "v<id>")}.
        self.villages: dict[str, dict[str, tuple]] = {c: {} for c in self.communes}
        self.village_ids: dict[str, set[int]] = {c: set() for c in self.communes}
        for commune, pk, name in (Village.objects.filter(commune_id__in=self.communes, merged_into__isnull=True)
                                  .values_list("commune_id", "pk", "name")):
            self.villages[commune][name] = self.villages[commune][village_name_key(name)] = (pk, "", f"v{pk}")
            self.village_ids[commune].add(pk)
        # A return the file names: [number in the staging table, villages, commune, period, first row, its code].
        # The returns themselves are looked up (or made) once, after the whole file is read.
        self.returns: dict[tuple[str, str], list] = {}
        self.cells: dict[tuple[str, str], list] = {}  # (commune, period) as written → the same lists
        self.bad: dict[tuple[str, str], str] = {}
        self.created = 0

    def where(self, commune_raw: str, period_raw: str, n: int, code: str) -> list:
        """The return a row goes to (see ``returns``); ValidationError if the commune or period is wrong."""
        key = (commune_raw, period_raw)
        found = self.cells.get(key)
        if found is not None:
            return found
        if key in self.bad:
            raise ValidationError(self.bad[key])
        try:
            commune = self._commune(commune_raw.strip())
            period = self._period(period_raw)
        except ValidationError as exc:
            self.bad[key] = exc.messages[0]
            raise
        found = self.returns.get((commune, period))
        if found is None:
            found = self.returns[(commune, period)] = [len(self.returns) + 1, self.villages[commune], commune,
                                                       period, n, code]
        self.cells[key] = found
        return found

    def _commune(self, code: str) -> str:
        fixed = code.zfill(5) if code.isdigit() else code  # Excel drops the leading zero of "06688"
        if fixed in self.communes:
            return fixed
        if Commune.objects.filter(pk=fixed, province_id=self.dataset.province_id).exists():
            raise ValidationError(_("the commune %(code)s does not report this dataset.") % {"code": fixed})
        raise ValidationError(_("no commune of this province has the code “%(code)s”.") % {"code": code[:20]})

    def _period(self, raw: str) -> str:
        period = periods.parse(self.dataset.period_type, raw)
        if not periods.open_for_entry(self.dataset.period_type, period, self.today):
            raise ValidationError(_("The period %(period)s has not started yet.") % {"period": period.label})
        return period.key


def _sex(raw: str) -> str | None:
    folded = raw.casefold()
    found = _SEXES.get(folded)
    if found is None:
        found = next((s.value for s in Sex if str(s.label).casefold() == folded), None)
    return found


def _place(ctx: _Context, el: _Element, where: list, village: str, sex: str) -> tuple:
    """(village id, category, slot) of a row; ValidationError in the words of validation.clean_category."""
    village_id = None
    if village:
        names = where[1]
        cell = names.get(village) or names.get(village_name_key(village))
        if cell is None:
            raise ValidationError(_("no village of this commune is called “%(name)s”.") % {"name": village[:100]})
        names[village] = cell  # this spelling, found at once next time
        village_id = cell[0]
    category = ""
    if sex:
        category = _sex(sex)
        if category is None:
            raise ValidationError(_("“%(value)s” is not a sex: write “nam” or “nữ”.") % {"value": sex[:20]})
    validation.clean_category(el.model, village_id, category, ctx.village_ids[where[2]])
    return village_id, category, (f"v{village_id}" if village_id else category)


def _careful(ctx: _Context, n: int, fields: tuple, faults: _Faults):
    """A row off the common path, checked in full: (element, where, place, text, number, comment), or None
    when it is blank or at fault (the fault is recorded)."""
    if not any(fields):
        return None  # a blank line, or one of only commas (Excel writes them)
    commune, period, code, village, sex, raw, comment = (f.strip() for f in fields)
    el = ctx.elements.get(code)
    if el is None:
        faults.add(n, code, _("no element of this dataset has this code."))
        return None
    try:
        where = ctx.where(commune, period, n, code)
        place = _place(ctx, el, where, village, sex)
        text, number = validation.clean_value(el.model, raw)
    except ValidationError as exc:
        faults.add(n, code, exc.messages[0])
        return None
    if len(comment) > validation.MAX_TEXT:
        faults.add(n, code, _("the comment is too long."))
        return None
    return el, where, place, text, None if number is None else str(number), comment


class _Columns:
    """Where each column is, from the file's first line (any order; village, sex and comment optional)."""

    def __init__(self, header: list[str] | None):
        names = [(h or "").strip().lstrip("\ufeff").casefold() for h in header or []]
        missing = [c for c in REQUIRED if c not in names]
        if missing:
            raise ValidationError(_("The first line must name the columns: %(columns)s (missing: %(missing)s).")
                                  % {"columns": ",".join(COLUMNS), "missing": ", ".join(missing)}, code="header")
        self.positions = tuple(names.index(c) if c in names else None for c in COLUMNS)
        self.canonical = self.positions == tuple(range(len(COLUMNS)))  # then a row unpacks as it is
        self.width = max(p for p in self.positions if p is not None) + 1

    def split(self, row: list[str]) -> tuple[str, ...]:
        if len(row) < self.width:
            row = row + [""] * (self.width - len(row))
        return tuple("" if p is None else row[p] for p in self.positions)


def _check(ctx: _Context, chunk: list[list[str]], n: int, columns: _Columns, faults: _Faults) -> list[tuple]:
    """The chunk's rows as staging tuples.

    The common row (known element and return, a plain number or an exact answer, no comment) is checked
    here with dictionary lookups; any other goes through ``_careful``, which has the last word."""
    staged = []
    append, cells, elements, canonical = staged.append, ctx.cells, ctx.elements, columns.canonical
    for row in chunk:
        n += 1
        fields = row if canonical and len(row) == 7 else columns.split(row)
        commune, period, code, village, sex, raw, comment = fields
        el, where, cell, text = elements.get(code), cells.get((commune, period)), None, None
        if el is not None and where is not None and not comment:
            by = el.by
            if by == 1:
                cell = None if sex else where[1].get(village)
            elif by == 0:
                cell = None if village or sex else _TOTAL
            else:
                cell = None if village else _SEX_CELLS.get(sex)
            if cell is not None:
                if el.plain and raw.isdigit() and raw.isascii() and len(raw) < 16 and (raw[0] != "0" or len(raw) == 1):
                    text = number = raw
                elif el.decimal:
                    text = number = el.decimal_text(raw)
                elif (exact := el.exact.get(raw)) is not None:
                    text, number = exact
        if text is None:
            checked = _careful(ctx, n, fields, faults)
            if checked is None:
                continue
            el, where, cell, text, number, comment = checked
        append((n, where[0], el.pk, cell[0], cell[1], cell[2], text, number, comment))
    return staged


# --- The database's part ------------------------------------------------------------------------------

_STAGE_COLUMNS = "row_no, key_no, element_id, village_id, category, slot, text, number, comment"


def _create_stage(cursor) -> None:
    """The staging table (the checked rows) and the map from its return numbers to the returns' ids."""
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(f"DROP TABLE IF EXISTS {RETURNS}")
    cursor.execute(f"CREATE TEMPORARY TABLE {STAGE} (row_no integer NOT NULL, key_no integer NOT NULL, "
                   "element_id bigint NOT NULL, village_id bigint NULL, category varchar(8) NOT NULL, "
                   "slot varchar(16) NOT NULL, text varchar(500) NOT NULL, number numeric(20, 4) NULL, "
                   "comment varchar(500) NOT NULL)")
    cursor.execute(f"CREATE TEMPORARY TABLE {RETURNS} (key_no integer NOT NULL PRIMARY KEY, ret_id bigint NOT NULL)")


def _stage(cursor, rows: list) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":  # COPY: the server's bulk load, rows sent as they are written
        with cursor.cursor.copy(f"COPY {STAGE} ({_STAGE_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        cursor.executemany(f"INSERT INTO {STAGE} ({_STAGE_COLUMNS}) "  # noqa: S608 (our names, no input)
                           "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)


def _open_returns(cursor, ctx: _Context, faults: _Faults) -> None:
    """The returns the file names, locked for the import's length; the missing ones created as drafts (unlike
    return_open, not pre-filled: the file is the source). A submitted or approved one is a fault."""
    dataset, wanted = ctx.dataset, ctx.returns

    def existing():
        found = {}
        for pk, commune, period, status in (
                Return.objects.select_for_update().filter(dataset=dataset, commune_id__in={c for c, _p in wanted},
                                                          period__in={p for _c, p in wanted})
                .values_list("pk", "commune_id", "period", "status")):
            if (commune, period) in wanted:
                found[(commune, period)] = (pk, status)
        return found

    found = existing()
    missing = [key for key in wanted if key not in found]
    for first in range(0, len(missing), 1000):  # in batches: memory for a thousand returns at a time
        # A commune opening the same return at this moment wins the race; its row is then the one used.
        Return.objects.bulk_create([_new_return(dataset, *key) for key in missing[first:first + 1000]],
                                   ignore_conflicts=True)
    if missing:
        ctx.created = len(missing)
        found = existing()
    for key, (_pk, status) in found.items():
        where = wanted[key]
        if status not in EDITABLE:
            faults.add(where[4], where[5], _("the return of commune %(commune)s for %(period)s is submitted or "
                                             "approved: its period is locked.") % {"commune": key[0], "period": key[1]})
    cursor.executemany(f"INSERT INTO {RETURNS} (key_no, ret_id) VALUES (%s, %s)",  # noqa: S608
                       [(wanted[key][0], pk) for key, (pk, _status) in found.items()])


def _new_return(dataset, commune: str, key: str) -> Return:
    period = periods.parse(dataset.period_type, key)
    due = (period.due(dataset.due_days) if dataset.period_type != PeriodType.ONCE
           else timezone.localdate(dataset.published_at) + datetime.timedelta(days=dataset.due_days))
    return Return(dataset=dataset, commune_id=commune, period=period.key, period_start=period.start,
                  period_end=period.end, due_date=due, template_version=dataset.version)


def _duplicates(cursor, ctx: _Context, faults: _Faults) -> None:
    """A figure given twice (the same return, element and place): the file contradicts itself."""
    cursor.execute(f"SELECT MIN(row_no), MAX(row_no), element_id, COUNT(*) OVER () FROM {STAGE} "  # noqa: S608
                   f"GROUP BY key_no, element_id, slot HAVING COUNT(*) > 1 ORDER BY 2 LIMIT {MAX_FAULTS}")
    codes = {e.pk: e.code for e in ctx.elements.values()}
    rows = cursor.fetchall()
    for first, last, element_id, _total in rows:
        faults.add(last, codes[element_id], _("this figure is also given in row %(row)d.") % {"row": first})
    if rows:
        faults.count += rows[0][3] - len(rows)  # the ones not listed


def _write(cursor, actor, now) -> tuple[int, int]:
    """History first (the old values are still in place), then one upsert; (inserted, updated)."""
    q = connection.ops.quote_name
    values, changes = q(Value._meta.db_table), q(ValueChange._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(now)
    actor_id = getattr(actor, "pk", None)
    staged = f"{STAGE} s JOIN {RETURNS} r ON r.key_no = s.key_no"
    same = "v.ret_id = r.ret_id AND v.element_id = s.element_id AND v.slot = s.slot"
    cursor.execute(
        f"INSERT INTO {changes} (value_id, old_text, new_text, old_comment, source, actor_id, actor_name, at) "  # noqa: S608
        f"SELECT v.id, v.text, s.text, v.comment, %s, %s, %s, %s FROM {staged} JOIN {values} v ON {same} "
        "WHERE v.text <> s.text OR v.comment <> s.comment", [Source.IMPORT, actor_id, str(actor or ""), at])
    updated = cursor.rowcount
    # An empty value where none is stored is nothing to store; where one is, it clears it (as the form does).
    # The SELECT's "WHERE" also keeps SQLite from reading ON CONFLICT as part of the join.
    cursor.execute(
        f"INSERT INTO {values} (ret_id, element_id, village_id, category, slot, text, number, comment, source, "  # noqa: S608
        "version, updated_by_id, updated_at) "
        f"SELECT r.ret_id, s.element_id, s.village_id, s.category, s.slot, s.text, s.number, s.comment, %s, 1, %s, %s "
        f"FROM {staged} WHERE s.text <> '' OR EXISTS (SELECT 1 FROM {values} v WHERE {same}) "
        "ON CONFLICT (ret_id, element_id, slot) DO UPDATE SET text = excluded.text, number = excluded.number, "
        "comment = excluded.comment, source = excluded.source, updated_by_id = excluded.updated_by_id, "
        f"updated_at = excluded.updated_at, version = {values}.version + 1 "
        f"WHERE {values}.text <> excluded.text OR {values}.comment <> excluded.comment",
        [Source.IMPORT, actor_id, at])
    return cursor.rowcount - updated, updated


# --- The import ---------------------------------------------------------------------------------------


def _text_stream(stream):
    """A text stream of the file: a binary one (an upload, an open file) is decoded as UTF-8, with or without
    the byte-order mark Excel writes."""
    if isinstance(stream, io.TextIOBase):
        return stream
    raw = getattr(stream, "file", stream)  # Django's UploadedFile wraps the real file
    if hasattr(raw, "seek"):
        raw.seek(0)
    return io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")


def _read(cursor, ctx: _Context, stream, faults: _Faults) -> int:
    """Check every row, staging the good ones while there is no fault; the number of rows read."""
    reader = csv.reader(_text_stream(stream))
    rows = 0
    try:
        columns = _Columns(next(reader, None))
        while chunk := list(islice(reader, CHUNK)):
            staged = _check(ctx, chunk, rows + 1, columns, faults)
            rows += len(chunk)
            if not faults.count:
                _stage(cursor, staged)
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not in UTF-8: in Excel, save it as “CSV UTF-8 (Comma delimited)”."),
                              code="encoding") from None
    except csv.Error as exc:
        raise ValidationError(_("Row %(row)d cannot be read as CSV: %(error)s")
                              % {"row": rows + 2, "error": exc}, code="csv") from None
    return rows


def values_import(*, actor, dataset: Dataset, stream) -> ImportResult:
    """Import a long CSV of the dataset's values: all of it, or nothing (ValidationError with the faults).

    ``actor`` None is the command line (trusted: whoever runs it runs the server); anyone else needs the
    ``datasets.values.import`` verb in the dataset's province.
    """
    if actor is not None and not may_import(actor, dataset):
        raise PermissionDenied(IMPORT)
    if dataset.published_at is None:
        raise ValidationError(_("Publish the dataset before importing values into it."), code="unpublished")
    now = timezone.now()
    ctx, faults = _Context(dataset, timezone.localdate(now)), _Faults()
    with transaction.atomic(), connection.cursor() as cursor:
        _create_stage(cursor)
        rows = _read(cursor, ctx, stream, faults)
        if ctx.returns:
            _open_returns(cursor, ctx, faults)
        if not faults.count:
            _duplicates(cursor, ctx, faults)
        if faults.count:
            raise faults.error()  # leaving the atomic block rolls back the returns made and the staging
        inserted, updated = _write(cursor, actor, now)
        cursor.execute(f"DROP TABLE {STAGE}")
        cursor.execute(f"DROP TABLE {RETURNS}")
        result = ImportResult(rows=rows, inserted=inserted, updated=updated,
                              unchanged=rows - inserted - updated, returns_created=ctx.created)
        record(actor=actor, action="xaso.datasets.values.imported", obj=dataset, after=vars(result))
    return result


def import_file(path, dataset_code: str, province_code: str, *, actor=None) -> ImportResult:
    """For the management command: import a CSV file on disk into a province's dataset."""
    from xaso.core import tenancy

    with tenancy.unscoped():
        dataset = Dataset.objects.filter(province_id=province_code, code=dataset_code).first()
        if dataset is None:
            raise ValidationError(_("Province %(province)s has no dataset %(code)s.")
                                  % {"province": province_code, "code": dataset_code}, code="unknown_dataset")
        with open(path, "rb") as stream:
            return values_import(actor=actor, dataset=dataset, stream=stream)
