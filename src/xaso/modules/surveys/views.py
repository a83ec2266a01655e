# SPDX-License-Identifier: AGPL-3.0-or-later
"""The officials' pages: a commune's surveys, defining one (questions, opening, closing), its links with their
QR codes and printable counter page, its results, and the commune's satisfaction across sources.

Every page is the commune's: another commune's official gets 404, a visitor who is not signed in is sent to
sign in; officials of the commune and of its province read, the leaders, the one-stop officer and IT manage.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.ui import charts
from xaso.core.ui.forms import service_errors

from . import qr, selectors, services
from .forms import LinkForm, PeriodForm, QuestionForm, ResultsFilterForm, SurveyForm
from .models import Kind
from .services import MANAGE


def _manager(request, commune) -> None:
    if not can(request.user, MANAGE, commune):
        raise PermissionDenied(MANAGE)


def _survey(request, commune_code, survey_id):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    return selectors.survey_of(commune, survey_id)


# --- The list, a new survey ---------------------------------------------------------------------


@officials_only
@require_safe
def survey_list(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    return render(request, "surveys/list.html", {
        "commune": commune, "surveys": selectors.surveys_of(commune), "may_manage": can(request.user, MANAGE, commune)})


@officials_only
@require_http_methods(["GET", "POST"])
def survey_new(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    _manager(request, commune)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.survey_create(actor=request.user, commune=commune, fields=form.fields_for_service())
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Survey created: add its questions, then open it."))
            return redirect("surveys:survey", commune.code, survey.pk)
    return render(request, "surveys/new.html", {"commune": commune, "form": form},
                  status=400 if form.errors else 200)


# --- One survey: its definition and links -------------------------------------------------------


def _question_of(request, survey):
    value = request.POST.get("question_id", "")
    if not value.isdigit():
        raise Http404
    return selectors.question_of(survey, int(value))


def _act(request, survey, refused: dict) -> str | None:
    """One POSTed action on the survey: its success message; None when one of the page's forms was refused
    (kept in ``refused`` with its errors); a ValidationError for a refused action without a form."""
    action = request.POST.get("action", "")
    actor = request.user
    if action in ("save", "add_question", "add_link"):
        form = {"save": SurveyForm, "add_question": QuestionForm, "add_link": LinkForm}[action](request.POST)
        refused[action] = form
        if not form.is_valid():
            return None
        try:
            if action == "save":
                services.survey_update(actor=actor, survey=survey, fields=form.fields_for_service())
                return _("Saved.")
            if action == "add_question":
                services.question_add(actor=actor, survey=survey, fields=form.fields_for_service())
                return _("Question added.")
            c = form.cleaned_data
            services.link_create(actor=actor, survey=survey, label=c["label"], channel=c["channel"],
                                 single_use=c["single_use"])
            return _("Link created.")
        except ValidationError as error:
            service_errors(form, error)
            return None
    if action == "remove":
        services.question_remove(actor=actor, question=_question_of(request, survey))
        return _("Question removed.")
    if action in ("up", "down"):
        services.question_move(actor=actor, question=_question_of(request, survey), by=-1 if action == "up" else 1)
        return _("Order changed.")
    if action == "open":
        services.survey_open(actor=actor, survey=survey)
        return _("The survey is open: its links take responses.")
    if action == "close":
        services.survey_close(actor=actor, survey=survey)
        return _("The survey is closed.")
    if action == "revoke":
        value = request.POST.get("link_id", "")
        if not value.isdigit():
            raise Http404
        services.link_revoke(actor=actor, link=selectors.link_of(survey, int(value)))
        return _("Link revoked: it takes no more responses.")
    raise Http404


@officials_only
@require_http_methods(["GET", "POST"])
def survey_page(request, commune_code, survey_id):
    survey = _survey(request, commune_code, survey_id)
    refused, faults = {}, []
    if request.method == "POST":
        _manager(request, survey.commune)
        try:
            done = _act(request, survey, refused)
        except ValidationError as error:
            done, faults = None, error.messages
        if done:
            messages.success(request, done)
            return redirect(request.path)
        survey.refresh_from_db()
    links = list(selectors.links_of(survey))
    for link in links:
        link.url = qr.link_url(request, link)
    return render(request, "surveys/survey.html", {
        "survey": survey, "commune": survey.commune, "questions": survey.questions.all(), "links": links,
        "faults": faults, "may_manage": can(request.user, MANAGE, survey.commune),
        "survey_form": refused.get("save") or SurveyForm(initial=SurveyForm.initial_of(survey)),
        "question_form": refused.get("add_question") or QuestionForm(),
        "link_form": refused.get("add_link") or LinkForm()}, status=400 if faults or refused else 200)


@officials_only
@require_http_methods(["GET", "POST"])
def question_page(request, commune_code, survey_id, question_id):
    survey = _survey(request, commune_code, survey_id)
    question = selectors.question_of(survey, question_id)
    _manager(request, survey.commune)
    form = QuestionForm(request.POST or None, initial=QuestionForm.initial_of(question))
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=question, fields=form.fields_for_service())
        except ValidationError as error:
            service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("surveys:survey", survey.commune_id, survey.pk)
    return render(request, "surveys/question.html", {"survey": survey, "commune": survey.commune,
                                                     "question": question, "form": form},
                  status=400 if form.errors else 200)


# --- Links: the QR code and the page printed for the counter ------------------------------------


@officials_only
@require_safe
def link_qr(request, commune_code, survey_id, link_id, image_format):
    survey = _survey(request, commune_code, survey_id)
    link = selectors.link_of(survey, link_id)
    fmt = image_format
    if fmt not in qr.FORMATS:
        raise Http404
    response = HttpResponse(qr.image(qr.link_url(request, link), fmt), content_type=qr.FORMATS[fmt])
    response["Content-Disposition"] = f'inline; filename="xaso-survey-{survey.pk}-link-{link.pk}.{fmt}"'
    return response


@officials_only
@require_safe
def link_print(request, commune_code, survey_id, link_id):
    survey = _survey(request, commune_code, survey_id)
    link = selectors.link_of(survey, link_id)
    url = qr.link_url(request, link)
    size = "A4" if request.GET.get("size") == "A4" else "A5"
    return render(request, "surveys/print.html", {"survey": survey, "commune": survey.commune, "link": link,
                                                  "url": url, "qr": qr.image(url, "svg").decode(), "size": size})


# --- Results ------------------------------------------------------------------------------------

SUMMARY_COLUMNS = (("question", gettext_lazy("Question")), ("answer", gettext_lazy("Answer")),
                   ("count", gettext_lazy("Responses")), ("percent", "%"))


def _filters(request, survey):
    form = ResultsFilterForm(request.GET or None, links=selectors.links_of(survey))
    if form.is_bound and form.is_valid():
        c = form.cleaned_data
        return form, selectors.Filters(start=c["start"], end=c["end"], link_id=c["link"], channel=c["channel"])
    return form, selectors.Filters()


def _summary_rows(results):
    for i, r in enumerate(results, start=1):
        for share in r.shares:
            yield {"question": f"{i}. {r.question.text}", "answer": share.label, "count": share.count,
                   "percent": share.percent}


def _chart(result):
    if result.question.kind == Kind.TEXT:
        return ""
    return charts.bar_chart([s.label for s in result.shares], [(_("Responses"), [s.count for s in result.shares])],
                            title=result.question.text, table=False)


@officials_only
@require_safe
def results_page(request, commune_code, survey_id):
    survey = _survey(request, commune_code, survey_id)
    form, filters = _filters(request, survey)
    if fmt := exports.requested(request):
        name = f"xaso-survey-{survey.pk}"
        if request.GET.get("table") == "summary":
            _count, results = selectors.results(survey, filters)
            return exports.respond(fmt, filename=f"{name}-summary", columns=SUMMARY_COLUMNS,
                                   rows=_summary_rows(results))
        columns, rows = selectors.response_table(survey, filters)
        return exports.respond(fmt, filename=f"{name}-responses", columns=columns, rows=rows)
    count, results = selectors.results(survey, filters)
    for r in results:
        r.chart = _chart(r)
    return render(request, "surveys/results.html", {
        "survey": survey, "commune": survey.commune, "form": form, "count": count, "results": results},
        status=400 if form.errors else 200)


# --- The commune's satisfaction -----------------------------------------------------------------


def _satisfaction_export(fmt, commune, summary, table):
    name = f"xaso-satisfaction-{commune.code}"
    if table == "comments":
        columns = [("at", _("When")), ("source", _("Source")), ("score", _("Score")), ("text", _("Comment"))]
        return exports.respond(fmt, filename=f"{name}-comments", columns=columns, rows=summary.comments)
    columns = [("source", _("Source")), *[(str(s), str(s)) for s in selectors.SCORES], ("total", _("Total")),
               ("mean", _("Mean")), ("satisfied_percent", _("Satisfied (%)"))]
    rows = [{"source": s.label, **{str(k): n for k, n in s.counts.items()}, "total": s.total, "mean": s.mean,
             "satisfied_percent": s.satisfied_percent} for s in [*summary.sources, summary.total]]
    return exports.respond(fmt, filename=name, columns=columns, rows=rows)


@officials_only
@require_safe
def satisfaction_page(request, commune_code):
    commune = selectors.commune_for_official(user=request.user, commune_code=commune_code)
    form = PeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    summary = selectors.satisfaction_summary(commune, start, end)
    if fmt := exports.requested(request):
        return _satisfaction_export(fmt, commune, summary, request.GET.get("table"))
    labels = [str(s) for s in selectors.SCORES]
    chart = charts.bar_chart(labels, [(s.label, list(s.counts.values())) for s in summary.sources],
                             title=_("Scores given, by source"), table=False)
    share_chart = charts.bar_chart([s.label for s in summary.sources],
                                   [(_("Satisfied (%)"), [s.satisfied_percent for s in summary.sources])],
                                   title=_("Share satisfied (score 4 or 5)"), unit="%", maximum=100, table=False)
    return render(request, "surveys/satisfaction.html", {
        "commune": commune, "form": form, "summary": summary, "scores": selectors.SCORES, "chart": chart,
        "share_chart": share_chart}, status=400 if form.errors else 200)
