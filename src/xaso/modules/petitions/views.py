# SPDX-License-Identifier: AGPL-3.0-or-later
"""Officials' pages: the commune's work list, recording a petition received another way, one petition with
its actions, the monthly summary; and the deadline rules (public, kept by the province)."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.clock.selectors import covers
from xaso.core.places.models import Province
from xaso.core.ui.forms import service_errors

from . import selectors, services, summary
from .forms import AnswerForm, AssignForm, EmptyForm, ForwardForm, NoteForm, PetitionForm, ReturnForm, RuleForm
from .models import Topic
from .workflow import PETITION, TRIAGE

VIEWS = {"open": gettext_lazy("Open"), "mine": gettext_lazy("Mine"), "overdue": gettext_lazy("Overdue"),
         "all": gettext_lazy("All")}
COLUMNS = [("code", gettext_lazy("Code")), ("topic", gettext_lazy("Topic")), ("subject", gettext_lazy("Subject")),
           ("channel", gettext_lazy("Received")), ("status", gettext_lazy("Status")),
           ("assignee", gettext_lazy("Assigned to")), ("received", gettext_lazy("Received at")),
           ("due_date", gettext_lazy("To be answered by"))]


def _row(p) -> dict:
    return {"code": p.code, "topic": p.get_topic_display(), "subject": p.subject, "channel": p.get_channel_display(),
            "status": p.get_status_display(), "assignee": str(p.assignee or ""), "received": p.received_at,
            "due_date": p.due_date}


@officials_only
@require_safe
def work(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "open"
    qs = selectors.work_list(user=request.user, commune=commune, view=view)
    if fmt := exports.requested(request):
        return exports.respond(fmt, filename=f"xaso-petitions-{commune.code}-{view}", columns=COLUMNS,
                               rows=(_row(p) for p in qs))
    return render(request, "petitions/work.html", {
        "commune": commune, "petitions": qs[:100], "count": qs.count(), "view": view, "views": VIEWS.items(),
        "today": timezone.localdate(), "may_record": can(request.user, TRIAGE, commune)})


@officials_only
@require_http_methods(["GET", "POST"])
def intake(request, commune_code):
    """A petition received at the counter, by post, at a meeting with voters or from a village channel."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    if not can(request.user, TRIAGE, commune):
        raise PermissionDenied(TRIAGE)
    posted = request.method == "POST"
    form = PetitionForm(request.POST if posted else None, request.FILES if posted else None, channels=True)
    if posted and form.is_valid():
        c = form.cleaned_data
        try:
            petition = services.petition_file(
                actor=request.user, commune=commune, channel=c["channel"], kind=c["kind"], topic=c["topic"],
                subject=c["subject"], body=c["body"], consent_to_publish=c["consent_to_publish"],
                petitioner=services.Petitioner(name=c["name"], phone=c["phone"], email=c["email"],
                                               address=c["address"]),
                attachments=c["attachments"], idempotency_key=c["idempotency_key"])
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Petition %(code)s recorded. Give the petitioner its follow-up code: "
                                        "%(token)s") % {"code": petition.code, "token": petition.token})
            return redirect("petitions:case", commune.code, petition.code)
    return render(request, "petitions/intake.html", {"commune": commune, "form": form},
                  status=400 if form.errors else 200)


def _form(name, petition, data=None, files=None):
    if name == "assign":
        return AssignForm(data, assignees=selectors.assignees(petition.commune), prefix=name,
                          initial={"assignee": petition.assignee_id})
    if name == "answer":
        return AnswerForm(data, files, prefix=name)
    if name == "forward":
        return ForwardForm(data, prefix=name)
    if name == "return":
        return ReturnForm(data, prefix=name)
    if name in ("accept", "close"):
        return NoteForm(data, prefix=name)
    return EmptyForm(data, prefix=name)  # publish


def _act(request, petition, name, c, version):
    kw = {"actor": request.user, "petition": petition, "version": version}
    if name == "assign":
        return services.petition_assign(assignee=c["assignee"], note=c["note"], **kw)
    if name == "answer":
        return services.petition_answer(answer=c["answer"], attachment=c["attachment"], **kw)
    if name == "forward":
        return services.petition_forward(to=c["to"], reason=c["reason"], **kw)
    if name == "return":
        return services.petition_return(reason=c["reason"], **kw)
    if name == "accept":
        return services.petition_accept(note=c["note"], **kw)
    if name == "close":
        return services.petition_close(note=c["note"], **kw)
    return services.petition_publish(**kw)


@officials_only
@require_http_methods(["GET", "POST"])
def case(request, commune_code, petition_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    petition = selectors.petition_for_official(user=request.user, commune=commune, code=petition_code)
    failed = None
    if request.method == "POST":
        name = request.POST.get("action", "")
        if name not in PETITION.transitions:
            raise Http404
        form = _form(name, petition, request.POST, request.FILES)
        if form.is_valid():
            version = request.POST.get("version", "")
            try:
                _act(request, petition, name, form.cleaned_data, int(version) if version.isdigit() else None)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            except PermissionDenied:
                messages.error(request, _("You may not do this on this petition."))
            else:
                messages.success(request, _("Done: %(action)s.") % {"action": PETITION.transitions[name].label})
                return redirect("petitions:case", commune.code, petition.code)
        else:
            failed = (name, form)
    actions = [{"name": t.name, "label": t.label,
                "form": failed[1] if failed and failed[0] == t.name else _form(t.name, petition)}
               for t in PETITION.available(request.user, petition)]
    return render(request, "petitions/case.html", {
        "commune": commune, "petition": petition, "actions": actions, "steps": petition.steps.all(),
        "attachments": petition.attachments.select_related("file"), "today": timezone.localdate()})


def _month(request) -> tuple[int, int]:
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        date(year, month, 1)
    except ValueError:
        today = timezone.localdate()
        return today.year, today.month
    return year, month


SUMMARY_COLUMNS = [("received", gettext_lazy("Received")), ("answered", gettext_lazy("Answered")),
                   ("on_time", gettext_lazy("Answered on time")), ("late", gettext_lazy("Answered late")),
                   ("overdue", gettext_lazy("Overdue")), ("forwarded", gettext_lazy("Forwarded")),
                   ("returned", gettext_lazy("Returned"))]
BY = {"topic": gettext_lazy("Topic"), "channel": gettext_lazy("Channel")}


@officials_only
@require_safe
def monthly(request, commune_code):
    """The monthly summary by topic and by channel; each table downloads (?by=topic|channel&export=…)."""
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    year, month = _month(request)
    tables = summary.monthly(commune=commune, year=year, month=month)
    total = _("Total")
    if (fmt := exports.requested(request)) and request.GET.get("by") in BY:
        by = request.GET["by"]
        return exports.respond(fmt, filename=f"xaso-petitions-{commune.code}-{year}-{month:02d}-{by}",
                               columns=[("key", BY[by]), *SUMMARY_COLUMNS],
                               rows=({"key": r.label or total, **r.counts} for r in tables[by]))
    return render(request, "petitions/monthly.html", {
        "commune": commune, "month": f"{year}-{month:02d}", "columns": SUMMARY_COLUMNS,
        "tables": [(key, BY[key], rows) for key, rows in tables.items()]})


@require_http_methods(["GET", "POST"])
def rules(request, province_code):
    """The deadline rules a province's petitions follow, each with its legal basis and certainty (public);
    a province official adds the province's own version of one."""
    province = get_object_or_404(Province, pk=province_code)
    may_manage = can(request.user, services.RULES) and covers(request.user, province)
    form = RuleForm(request.POST or None) if may_manage else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(services.RULES)
        if form.is_valid():
            try:
                services.rule_add(actor=request.user, province=province, rule=form.save(commit=False))
            except ValidationError as error:
                service_errors(form, error)
            else:
                messages.success(request, _("The rule was added."))
                return redirect("petitions:rules", province.pk)
    return render(request, "petitions/rules.html", {
        "province": province, "rules": selectors.rules(province_id=province.pk), "form": form,
        "topics": Topic}, status=400 if form is not None and form.errors else 200)
