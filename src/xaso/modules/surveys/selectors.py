# SPDX-License-Identifier: AGPL-3.0-or-later
"""Reads of surveys across a permission line, and the counting the results and satisfaction pages (and the
dashboards) share.

``satisfaction_summary(commune, start, end)`` puts together the three places where people say how
satisfied they are: the survey questions marked as measuring satisfaction, the ratings of returned
dossiers, and the ratings of resolved field reports; each on a 1–5 scale, 4 and 5 counting as satisfied.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xaso.core.accounts.permissions import can
from xaso.core.places.models import Commune

from .models import SATISFACTION_SCALE, SATISFIED_FROM, Answer, Kind, Link, Question, Response, Survey
from .services import VIEW

COMMENTS_SHOWN = 500


def commune_for_official(*, user, commune_code: str) -> Commune:
    """The commune named by the URL, for an official who may read its surveys; 404 for anyone else."""
    found = get_object_or_404(Commune, pk=commune_code)
    if not can(user, VIEW, found):
        raise Http404
    return found


def surveys_of(commune):
    return Survey.objects.filter(commune=commune).annotate(response_count=Count("responses", distinct=True))


def survey_of(commune, survey_id: int) -> Survey:
    return get_object_or_404(Survey.objects.select_related("commune"), commune=commune, pk=survey_id)


def question_of(survey, question_id: int) -> Question:
    return get_object_or_404(Question, survey=survey, pk=question_id)


def link_of(survey, link_id: int) -> Link:
    return get_object_or_404(Link, survey=survey, pk=link_id)


def links_of(survey):
    return survey.links.annotate(response_count=Count("responses")).order_by("created_at", "id")


# --- Dates --------------------------------------------------------------------------------------


def day_range_q(path: str, start: datetime.date | None, end: datetime.date | None) -> Q:
    """``path`` (a datetime) within the local days ``start``..``end`` (both included; None: unbounded)."""
    q = Q()
    zone = timezone.get_current_timezone()
    if start:
        q &= Q(**{f"{path}__gte": datetime.datetime.combine(start, datetime.time.min, tzinfo=zone)})
    if end:
        q &= Q(**{f"{path}__lt": datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min,
                                                             tzinfo=zone)})
    return q


# --- One survey's results -----------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    start: datetime.date | None = None
    end: datetime.date | None = None
    link_id: int | None = None
    channel: str = ""


def responses_of(survey: Survey, filters: Filters = Filters()):
    qs = Response.objects.filter(survey=survey).filter(day_range_q("submitted_at", filters.start, filters.end))
    if filters.link_id:
        qs = qs.filter(link_id=filters.link_id)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    return qs


@dataclass
class Share:
    """How many answered one point or option, and their share of those who answered the question."""

    label: str
    count: int
    percent: float | None


@dataclass
class QuestionResult:
    question: Question
    answered: int
    shares: list[Share] = field(default_factory=list)
    mean: float | None = None
    satisfied_percent: float | None = None
    comments: list[dict] = field(default_factory=list)


def percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _scale_result(question: Question, answers) -> QuestionResult:
    counts = Counter(dict(answers.filter(number__isnull=False).values_list("number").annotate(n=Count("id"))))
    answered = sum(counts.values())
    total = sum(point * n for point, n in counts.items())
    result = QuestionResult(question, answered, [Share(str(p), counts.get(p, 0), percent(counts.get(p, 0), answered))
                                                 for p in question.points],
                            mean=round(total / answered, 2) if answered else None)
    if question.scale_max == SATISFACTION_SCALE:
        result.satisfied_percent = percent(sum(n for p, n in counts.items() if p >= SATISFIED_FROM), answered)
    return result


def _choice_result(question: Question, answers) -> QuestionResult:
    counts = Counter(dict(answers.exclude(choice="").values_list("choice").annotate(n=Count("id"))))
    answered = sum(counts.values())
    # The options as they are now, then any answer given to an option since renamed (kept, not lost).
    labels = [*question.choices, *sorted(set(counts) - set(question.choices))]
    return QuestionResult(question, answered, [Share(c, counts.get(c, 0), percent(counts.get(c, 0), answered))
                                               for c in labels])


def _text_result(question: Question, answers) -> QuestionResult:
    rows = (answers.exclude(text="").select_related("response__link")
            .order_by("-response__submitted_at", "-id"))
    comments = [{"at": a.response.submitted_at, "text": a.text, "link": a.response.link.label,
                 "channel": a.response.get_channel_display()} for a in rows[:COMMENTS_SHOWN]]
    return QuestionResult(question, answers.exclude(text="").count(), comments=comments)


RESULTS_BY_KIND = {Kind.SCALE: _scale_result, Kind.CHOICE: _choice_result, Kind.TEXT: _text_result}


def results(survey: Survey, filters: Filters = Filters()) -> tuple[int, list[QuestionResult]]:
    """The number of responses, and for each question its distribution (scale: count per point, mean,
    % satisfied; choice: count and % per option; comment: newest first)."""
    responses = responses_of(survey, filters)
    out = []
    for question in survey.questions.all():
        answers = Answer.objects.filter(question=question, response__in=responses)
        out.append(RESULTS_BY_KIND[question.kind](question, answers))
    return responses.count(), out


def response_table(survey: Survey, filters: Filters = Filters()) -> tuple[list[tuple[str, str]], list[dict]]:
    """Every response as one row, one column per question (the export)."""
    questions = list(survey.questions.all())
    columns = [("submitted_at", _("Submitted at")), ("link", _("Link")),
               ("channel", pgettext_lazy("survey", "Channel")),
               *[(q.field_name, f"{i}. {q.text}") for i, q in enumerate(questions, start=1)]]
    responses = list(responses_of(survey, filters).select_related("link").order_by("submitted_at", "id"))
    rows = {r.pk: {"submitted_at": r.submitted_at, "link": r.link.label, "channel": r.get_channel_display()}
            for r in responses}
    for answer in Answer.objects.filter(response__in=[r.pk for r in responses]).select_related("question"):
        value = answer.number if answer.question.kind == Kind.SCALE else answer.choice or answer.text
        rows[answer.response_id][answer.question.field_name] = value
    return columns, list(rows.values())


# --- The commune's satisfaction across sources --------------------------------------------------


@dataclass
class SourceSummary:
    key: str
    label: str
    counts: dict[int, int]  # score 1..5 → how many

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def satisfied(self) -> int:
        return sum(n for score, n in self.counts.items() if score >= SATISFIED_FROM)

    @property
    def satisfied_percent(self) -> float | None:
        return percent(self.satisfied, self.total)

    @property
    def mean(self) -> float | None:
        return round(sum(s * n for s, n in self.counts.items()) / self.total, 2) if self.total else None


@dataclass
class Satisfaction:
    start: datetime.date | None
    end: datetime.date | None
    sources: list[SourceSummary]
    comments: list[dict]

    @property
    def total(self) -> SourceSummary:
        counts = Counter()
        for source in self.sources:
            counts.update(source.counts)
        return SourceSummary("total", str(_("All sources")), {s: counts.get(s, 0) for s in SCORES})


SCORES = tuple(range(1, SATISFACTION_SCALE + 1))


def _counts(pairs) -> dict[int, int]:
    found = dict(pairs)
    return {score: found.get(score, 0) for score in SCORES}


def survey_scores(commune, start=None, end=None) -> dict[int, int]:
    """Answers to the commune's satisfaction questions (1–5) given in the period, by score."""
    answers = Answer.objects.filter(question__survey__commune=commune, question__measures_satisfaction=True,
                                    number__isnull=False).filter(day_range_q("response__submitted_at", start, end))
    return _counts(answers.values_list("number").annotate(n=Count("id")).order_by())


def dossier_scores(commune, start=None, end=None) -> dict[int, int]:
    """Ratings of the commune's returned dossiers given in the period, by score."""
    from xaso.modules.dossiers.models import Rating

    ratings = Rating.objects.filter(dossier__commune=commune).filter(day_range_q("at", start, end))
    return _counts(ratings.values_list("score").annotate(n=Count("id")).order_by())


def report_scores(commune, start=None, end=None) -> dict[int, int]:
    """Ratings of the commune's field reports resolved in the period, by score."""
    from xaso.modules.reports.models import Report

    reports = Report.objects.filter(commune=commune, rating__isnull=False).filter(day_range_q("resolved_at", start,
                                                                                               end))
    return _counts(reports.values_list("rating").annotate(n=Count("id")).order_by())


def satisfaction_comments(commune, start=None, end=None, limit: int = COMMENTS_SHOWN) -> list[dict]:
    """The free-text comments of the three sources in the period, newest first."""
    from xaso.modules.dossiers.models import Rating
    from xaso.modules.reports.models import Report, ReportStep

    labels = dict(SOURCES)
    comments = [{"at": a.response.submitted_at, "source": labels["surveys"], "score": None, "text": a.text}
                for a in Answer.objects.filter(response__survey__commune=commune).exclude(text="")
                .filter(day_range_q("response__submitted_at", start, end)).select_related("response")
                .order_by("-response__submitted_at")[:limit]]
    comments += [{"at": r.at, "source": labels["dossiers"], "score": r.score, "text": r.comment,
                  "reasons": [str(Rating.Reason(x).label) for x in r.reasons if x in Rating.Reason.values]}
                 for r in Rating.objects.filter(dossier__commune=commune).exclude(comment="")
                 .filter(day_range_q("at", start, end)).order_by("-at")[:limit]]
    # A reporter's verdict is a step of the report's workflow: its note is the comment given with the score.
    comments += [{"at": s.at, "source": labels["reports"], "score": s.data.get("rating"), "text": s.note}
                 for s in ReportStep.objects.filter(report__in=Report.objects.filter(commune=commune),
                                                    transition__in=("close", "reopen"), data__has_key="rating")
                 .exclude(note="").filter(day_range_q("at", start, end)).order_by("-at")[:limit]]
    comments.sort(key=lambda c: c["at"], reverse=True)
    return comments[:limit]


SOURCES = (("surveys", _("Satisfaction surveys")), ("dossiers", _("Ratings of returned dossiers")),
           ("reports", _("Ratings of resolved field reports")))
SCORERS = {"surveys": survey_scores, "dossiers": dossier_scores, "reports": report_scores}


def satisfaction_summary(commune, start: datetime.date | None = None, end: datetime.date | None = None) -> Satisfaction:
    """The commune's satisfaction in the period (local days, both included), per source and in total."""
    sources = [SourceSummary(key, str(label), SCORERS[key](commune, start, end)) for key, label in SOURCES]
    return Satisfaction(start, end, sources, satisfaction_comments(commune, start, end))
