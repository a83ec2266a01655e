# SPDX-License-Identifier: AGPL-3.0-or-later
"""The commune's pages (DL11): the returns it owes, and one return — its form with last period's figures
beside, the spreadsheet to download and upload, the checks, and its workflow (submit; approve, return
for correction or unlock by the approver) with the history of every figure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only

from . import periods, selectors, services
from .models import Source
from .services import Entry
from .workflow import ENTER, RETURN


@officials_only
@require_safe
def commune_returns(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    return render(request, "datasets/entry/commune.html", {
        "commune": commune, "todo": selectors.todo(commune), "today": timezone.localdate(),
        "may_enter": can(request.user, ENTER, commune)})


def _return(request, commune_code, dataset_code, period):
    """The return named by the URL: opened (and pre-filled) by an official who may enter it; others see it
    only once it exists."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    dataset = selectors.dataset_of(commune, dataset_code)
    try:
        ret = selectors.return_of(commune, dataset, period)
        if ret is None and can(request.user, ENTER, commune):
            ret = services.return_open(actor=request.user, dataset=dataset, commune=commune, period_key=period)
    except ValidationError:  # a malformed or future period: no such page
        raise Http404 from None
    if ret is None:
        raise Http404
    return ret


def _entries(post, rows) -> tuple[list[Entry], dict]:
    """The form's figures as entries, and the version of each that the page showed."""
    entries, seen = [], {}
    for row in rows:
        for cell in row.cells:
            field = f"v:{cell.name}"
            if field not in post:
                continue
            village_id = int(cell.slot[1:]) if cell.slot.startswith("v") else None
            category = "" if village_id else cell.slot
            entries.append(Entry(cell.code, post.get(field, ""), village_id, category, post.get(f"c:{cell.name}", "")))
            try:
                seen[(cell.code, cell.slot)] = int(post.get(f"ver:{cell.name}", "0"))
            except ValueError:
                seen[(cell.code, cell.slot)] = -1  # tampered: treated as stale, shown as a conflict
    return entries, seen


def _act(request, ret, rows):
    """One POSTed action; returns (faults, conflicts, posted values to show again)."""
    action = request.POST.get("action")
    version = request.POST.get("version")
    version = int(version) if version and version.isdigit() else None
    if action == "save":
        entries, seen = _entries(request.POST, rows)
        try:
            saved = services.values_save(actor=request.user, ret=ret, entries=entries, seen_versions=seen)
        except ValidationError as exc:
            return exc.messages, [], request.POST
        if saved.conflicts:
            return [], saved.conflicts, None
        messages.success(request, _("Saved as a draft: %(n)d figures changed.") % {"n": saved.changed})
    elif action == "upload":
        from .sheets import upload_save

        upload = request.FILES.get("file")
        if upload is None:
            return [_("Choose the filled spreadsheet.")], [], None
        try:
            saved = upload_save(actor=request.user, ret=ret, upload=upload)
        except ValidationError as exc:
            return exc.messages, [], None
        messages.success(request, _("Spreadsheet read: %(n)d figures changed.") % {"n": saved.changed})
    elif action == "submit":
        services.return_submit(actor=request.user, ret=ret, version=version)
        messages.success(request, _("Submitted."))
    elif action == "approve":
        services.return_approve(actor=request.user, ret=ret, version=version)
        messages.success(request, _("Approved and locked."))
    elif action in ("send_back", "unlock"):
        services.return_send_back(actor=request.user, ret=ret, note=request.POST.get("note", ""), version=version,
                                  unlock=action == "unlock")
        messages.success(request, _("Returned to the commune for correction."))
    else:
        raise Http404
    return None, [], None


@officials_only
@require_http_methods(["GET", "POST"])
def return_page(request, commune_code, dataset_code, period):
    ret = _return(request, commune_code, dataset_code, period)
    rows = selectors.form_rows(ret)
    faults, conflicts, posted = [], [], None
    if request.method == "POST":
        try:
            faults, conflicts, posted = _act(request, ret, rows)
        except ValidationError as exc:
            faults = exc.messages
        if faults is None:
            return redirect(request.path)
        ret.refresh_from_db()
        rows = selectors.form_rows(ret)
    _show(rows, posted)
    period_obj = periods.parse(ret.dataset.period_type, ret.period)
    return render(request, "datasets/entry/return.html", {
        "ret": ret, "commune": ret.commune, "dataset": ret.dataset, "period": period_obj, "rows": rows,
        "previous": period_obj.previous(), "faults": faults, "conflicts": conflicts, "posted": posted,
        "issues": services.return_check(ret), "may_enter": ret.is_editable and can(request.user, ENTER, ret.commune),
        "actions": _actions(request.user, ret), "steps": ret.steps.all(), "today": timezone.localdate()},
        status=400 if faults else 200)


def _show(rows, posted) -> None:
    """What each input shows: what was just posted when it was refused (nothing typed is lost), else the
    stored figure."""
    for row in rows:
        for cell in row.cells:
            if posted is not None:
                cell.shown, cell.shown_comment = posted.get(f"v:{cell.name}", ""), posted.get(f"c:{cell.name}", "")
            else:
                cell.shown = cell.value.text if cell.value else ""
                cell.shown_comment = cell.value.comment if cell.value else ""


def _actions(user, ret) -> list:
    out = []
    for t in RETURN.available(user, ret):
        if t.name != "submit" and not services.may_approve(user, ret):
            continue
        out.append(t)
    return out


@officials_only
@require_safe
def return_template(request, commune_code, dataset_code, period, fmt):
    from .sheets import template_response

    ret = _return(request, commune_code, dataset_code, period)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    return template_response(ret, fmt)


HISTORY_COLUMNS = [("at", gettext_lazy("When")), ("element", gettext_lazy("Element")), ("place", gettext_lazy("Place")),
                   ("old", gettext_lazy("Old value")), ("new", gettext_lazy("New value")),
                   ("source", gettext_lazy("How")), ("by", gettext_lazy("By"))]


@officials_only
@require_safe
def return_history(request, commune_code, dataset_code, period):
    ret = _return(request, commune_code, dataset_code, period)
    changes = selectors.history(ret)
    rows = ({"at": c.at, "element": c.value.element.code,
             "place": c.value.village.name if c.value.village_id else c.value.category,
             "old": c.old_text, "new": c.new_text, "source": Source(c.source).label, "by": c.actor_name}
            for c in changes)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-{ret.dataset.code}-{ret.commune_id}-{ret.period}-history",
                               columns=HISTORY_COLUMNS, rows=rows)
    return render(request, "datasets/entry/history.html", {
        "ret": ret, "commune": ret.commune, "rows": list(rows)[:500], "columns": HISTORY_COLUMNS})
