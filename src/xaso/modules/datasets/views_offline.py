# SPDX-License-Identifier: AGPL-3.0-or-later
"""Offline entry of a return (DL11): a commune in the mountains fills its return in the browser with no
connection and sends it when the connection returns (after KoBoToolbox/ODK Enketo's offline forms and
DHIS2's offline data entry).

* The page renders the return's form with the version of every figure it shows; ``offline.js`` keeps
  what is typed in the browser's storage at every keystroke and sends it to the sync endpoint when online.
  A service worker keeps a copy of the page, its script and stylesheet, so the page opens with no
  connection too.
* The sync endpoint saves through ``services.values_save`` with the versions the page saw: a figure
  changed on the server since is answered as a conflict, shown side by side, never overwritten.
* The reply is computed from what the server holds after the save, so a request sent again with the same
  key (its answer was lost with the connection) changes nothing more and gets the same answer.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only

from . import periods, selectors, services
from .models import Return, Sex, Source
from .services import Entry
from .workflow import ENTER

SERVICE_WORKER = Path(__file__).parent / "static" / "datasets" / "sw.js"
# A page holds a few hundred figures (elements × villages); more than this is not a page's batch.
MAX_VALUES = 5000
KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")


def _open(request, commune_code: str, dataset_code: str, period: str) -> Return:
    """The return the URL names, opened (and pre-filled) on the first visit. An outsider gets 404 from the
    selectors; an official of the commune who may not enter figures, 403."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    dataset = selectors.dataset_of(commune, dataset_code)
    if not can(request.user, ENTER, commune):
        raise PermissionDenied(ENTER)
    try:
        return services.return_open(actor=request.user, dataset=dataset, commune=commune, period_key=period)
    except ValidationError:  # a malformed or future period: no such page, as on the return's own page
        raise Http404 from None


def _place(cell) -> str:
    return str(cell.place) if cell.slot else _("Commune total")


def _sections(rows) -> list[tuple[str, list]]:
    """The form's rows grouped by the dataset's sections, in the order of the definition."""
    out: list[tuple[str, list]] = []
    for row in rows:
        if not out or out[-1][0] != row.section:
            out.append((row.section, []))
        out[-1][1].append(row)
    return out


@officials_only
@require_safe
@never_cache  # the browser's HTTP cache must not keep it: the service worker keeps the copy, on purpose
def offline_page(request, commune_code, dataset_code, period):
    ret = _open(request, commune_code, dataset_code, period)
    rows = selectors.form_rows(ret)
    for row in rows:
        for cell in row.cells:
            cell.label = _place(cell)
            cell.village_id = int(cell.slot[1:]) if cell.slot.startswith("v") else ""
            cell.sex = cell.slot if cell.slot in Sex.values else ""
    commune, dataset = ret.commune, ret.dataset
    args = (commune.code, dataset.code, ret.period)
    return render(request, "datasets/offline/page.html", {
        "ret": ret, "commune": commune, "dataset": dataset, "sections": _sections(rows),
        "period": periods.parse(dataset.period_type, ret.period),
        "previous": periods.parse(dataset.period_type, ret.period).previous(),
        # Per person as well: what one official typed on a shared computer is never sent as another's.
        "storage_key": f"xaso.datasets.offline.{request.user.pk}.{commune.code}.{dataset.code}.{ret.period}",
        "sync_url": reverse("datasets:offline_sync", args=args), "return_url": reverse("datasets:return", args=args),
        "sw_url": f"{reverse('datasets:offline_sw')}?{urlencode({'static': settings.STATIC_URL})}",
        "sw_scope": reverse("datasets:commune_returns", args=[commune.code]),
        "login_url": f"{reverse('accounts:login')}?{urlencode({'next': request.path})}",
        "may_enter": ret.is_editable})


def _text(item: dict, name: str, limit: int) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationError(_("“%(name)s” must be text.") % {"name": name})
    value = str(value)
    if len(value) > limit:
        raise ValidationError(_("“%(name)s” is too long.") % {"name": name})
    return value


def _number(item: dict, name: str, *, optional: bool) -> int | None:
    value = item.get(name)
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(_("“%(name)s” must be a whole number.") % {"name": name})
    return value


def _entry(item) -> tuple[Entry, int]:
    """One figure of the request, and the version of it that the page showed."""
    if not isinstance(item, dict):
        raise ValidationError(_("each figure must be an object."))
    element = _text(item, "element", 40)
    if not element:
        raise ValidationError(_("the element's code is missing."))
    village_id = _number(item, "village_id", optional=True) or None
    sex = _text(item, "sex", 8)
    if sex and sex not in Sex.values:
        raise ValidationError(_("“sex” must be “male” or “female”."))
    entry = Entry(element=element, raw=_text(item, "value", 500), village_id=village_id, category=sex,
                  comment=_text(item, "comment", 500))
    return entry, _number(item, "version", optional=False)


def _parse(body: bytes) -> tuple[str, list[Entry], dict[tuple[str, str], int]]:
    """The request's key, its figures and the versions seen; ValidationError listing every fault."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
        raise ValidationError(_("The figures sent could not be read."))
    key = data.get("key")
    if not isinstance(key, str) or not KEY.match(key):
        raise ValidationError(_("The request has no valid key: reload the page and send again."))
    if len(data["values"]) > MAX_VALUES:
        raise ValidationError(_("Too many figures in one request (at most %(n)d).") % {"n": MAX_VALUES})
    entries, seen, faults = [], {}, []
    for n, item in enumerate(data["values"], start=1):
        try:
            entry, version = _entry(item)
        except ValidationError as exc:
            faults.append(_("Figure %(n)d: %(problem)s") % {"n": n, "problem": exc.messages[0]})
            continue
        entries.append(entry)
        seen[(entry.element, entry.slot)] = version
    if faults:
        raise ValidationError(faults)
    return key, entries, seen


def _reply(ret: Return, key: str, entries: list[Entry], saved: services.Saved) -> dict:
    """What the page needs after a save: how many of its figures now stand as sent (the same number when
    the request is sent again), the conflicts side by side, and every figure's value and version now."""
    cells = {(cell.code, cell.slot): (row, cell) for row in selectors.form_rows(ret) for cell in row.cells}
    conflicts = []
    for c in saved.conflicts:
        row, cell = cells[(c.element, c.slot)]
        value = cell.value
        conflicts.append({
            "element": c.element, "name": row.element.name, "slot": c.slot, "place": _place(cell),
            "theirs": c.theirs, "theirs_comment": value.comment if value else "", "changed_by": c.changed_by,
            "changed_at": value.updated_at.isoformat() if value else None, "yours": c.yours,
            "version": value.version if value else 0})
    values = [{"element": cell.code, "slot": cell.slot, "value": cell.value.text, "comment": cell.value.comment,
               "version": cell.value.version} for _row, cell in cells.values() if cell.value is not None]
    return {"key": key, "saved": len(entries) - len(conflicts), "conflicts": conflicts, "values": values}


def _locked(ret: Return) -> JsonResponse:
    message = (_("This return is %(status)s: its figures can no longer be changed.")
               % {"status": ret.get_status_display().lower()})
    return JsonResponse({"message": message, "status": ret.status}, status=409)


@officials_only
@require_POST
def offline_sync(request, commune_code, dataset_code, period):
    """POST {"key": …, "values": [{"element", "village_id", "sex", "value", "comment", "version"}, …]}.

    200 with the reply; 400 with every fault, nothing stored; 409 when the return is locked. The CSRF check
    is Django's own: the page sends its token in the X-CSRFToken header.
    """
    try:
        ret = _open(request, commune_code, dataset_code, period)
    except PermissionDenied:
        return JsonResponse({"message": _("You may not enter figures for this commune.")}, status=403)
    try:
        key, entries, seen = _parse(request.body)
    except ValidationError as exc:
        return JsonResponse({"faults": exc.messages}, status=400)
    if not ret.is_editable:
        return _locked(ret)
    try:
        saved = services.values_save(actor=request.user, ret=ret, entries=entries, source=Source.OFFLINE,
                                     seen_versions=seen)
    except ValidationError as exc:
        if getattr(exc, "code", None) == "locked":  # submitted by a colleague a moment ago
            ret.refresh_from_db()
            return _locked(ret)
        return JsonResponse({"faults": exc.messages}, status=400)
    return JsonResponse(_reply(ret, key, entries, saved))


@require_safe
def service_worker(request):
    """The offline pages' service worker. Not cached by the browser, so that a new version is taken up on
    the next visit (browsers check a worker's script at most once a day otherwise)."""
    response = HttpResponse(SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
