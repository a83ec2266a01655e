# SPDX-License-Identifier: AGPL-3.0-or-later
"""The rules page of a province: the Decision 766 rule sets and the indicators in force, what each counts,
the sources; YAML out, and in (all or nothing) for those who keep the rules.

Who: any official of the province reads it (the same rules for every commune: no commune's figures);
``measurement.rules.manage`` loads files.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from xaso.core import exports
from xaso.core.accounts.permissions import can
from xaso.core.catalogue.views import officials_only
from xaso.core.clock import calendar
from xaso.core.ui.forms import text_upload

from . import measures, rules
from .models import Certainty, Direction, RuleSet
from .rules import plain_number
from .selectors import province_for
from .views_index import RULES_MANAGE, VIEW, WRITE_RATE


class RulesUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("The file holds"), choices=[
        ("ruleset", gettext_lazy("A Decision 766 rule set")), ("indicators", gettext_lazy("Indicators"))])
    file = forms.FileField(label=gettext_lazy("File (YAML)"), help_text=gettext_lazy("At most 512 KB."))

    def clean_file(self):
        return text_upload(self.cleaned_data["file"])


def _what_it_counts(source: str) -> str:
    """A source as a sentence: the measure's label, or the dataset element an approved return gives."""
    if source.startswith("data:"):
        dataset, _slash, element = source[5:].partition("/")
        return _("The approved value of element %(element)s in the returns of dataset %(dataset)s") % {
            "element": element, "dataset": dataset}
    measure = measures.get(source)
    return str(measure.label) if measure else source


def _criterion_rows(ruleset):
    return [{"ruleset": ruleset.code, "group": c.group, "code": c.code, "name": c.name,
             "points": plain_number(c.points), "measure": c.measure, "counts": _what_it_counts(c.measure),
             "certainty": c.certainty, "certainty_label": Certainty(c.certainty).label, "source": c.source}
            for c in ruleset.criteria.all()]


def _rulesets():
    return [{"ruleset": r, "criteria": _criterion_rows(r), "certainty_label": Certainty(r.bands_certainty).label,
             "bands": sorted(r.bands, key=lambda b: -b["min"])}
            for r in RuleSet.objects.prefetch_related("criteria")]


def _indicator_rows(today):
    return [{"code": i.code, "name_vi": i.name_vi, "name_en": i.name_en, "source": i.source,
             "counts": _what_it_counts(i.source), "unit": i.unit, "target": plain_number(i.target),
             "direction": Direction(i.direction).label, "component": i.component.code if i.component else "",
             "effective_from": i.effective_from, "effective_to": i.effective_to}
            for i in rules.indicators_for(today)]


def rule_tables(today) -> dict:
    """The rules page's tables, each as (columns, rows), for the page and its exports."""
    criteria = [row for r in RuleSet.objects.prefetch_related("criteria") for row in _criterion_rows(r)]
    kinds = {measures.SHARE: _("share"), measures.COUNT: _("count"), measures.EXTERNAL: _("external"),
             measures.STATE: _("state today")}
    sources = [{"key": m.key, "label": str(m.label), "kind": kinds[m.kind], "explain": str(m.explain)}
               for m in measures.MEASURES.values()]
    return {
        "criteria": ([("ruleset", _("Rule set")), ("group", _("Group")), ("code", _("Code")),
                      ("name", _("Criterion")), ("points", _("Points")), ("measure", _("Measure")),
                      ("counts", _("What it counts")), ("certainty", _("Certainty")), ("source", _("Source"))],
                     criteria),
        "indicators": ([("code", _("Code")), ("name_vi", _("Name (Vietnamese)")), ("name_en", _("Name (English)")),
                        ("source", _("Source")), ("counts", _("What it counts")), ("unit", _("Unit")),
                        ("target", _("Target")), ("direction", _("Direction")), ("component", _("Model component")),
                        ("effective_from", _("In force from")), ("effective_to", _("In force until"))],
                       _indicator_rows(today)),
        "sources": ([("key", _("Source")), ("label", _("What it counts")), ("kind", _("Kind")),
                     ("explain", _("Note"))], sources),
    }


def _rules_download(request, today) -> HttpResponse:
    what = request.GET.get("download")
    if what == "indicators":
        body, name = rules.indicators_dump(rules.indicators_for(today)), "xaso-indicators"
    elif what == "ruleset":
        ruleset = RuleSet.objects.filter(code=request.GET.get("code", "")).first()
        if ruleset is None:
            raise Http404
        body, name = rules.ruleset_dump(ruleset), f"xaso-index766-{ruleset.code}"
    else:
        raise Http404
    response = HttpResponse(body, content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.yaml"'
    return response


def _rules_upload(request, form) -> list[str] | None:
    """Load the file; the faults when it is refused (nothing changed), None when it was loaded."""
    load = rules.ruleset_load if form.cleaned_data["kind"] == "ruleset" else rules.indicators_load
    try:
        loaded = load(form.cleaned_data["file"], actor=request.user)
    except ValidationError as error:
        return error.messages
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        # A file of the wrong shape (a list where a mapping belongs, a line without its names): refused whole.
        return [_("The file does not have the expected form (%(error)s).") % {"error": error}]
    count = len(loaded) if isinstance(loaded, list) else 1
    messages.success(request, _("Loaded (%(n)d rows). Months computed from now on use them from their date.")
                     % {"n": count})
    return None


@officials_only
@ratelimit(key="user_or_ip", rate=WRITE_RATE, method="POST", block=False)
@require_http_methods(["GET", "POST"])
def rules_page(request, province_code):
    province = province_for(user=request.user, province_code=province_code, verb=VIEW)
    today = calendar.today()
    may_manage = can(request.user, RULES_MANAGE)
    if request.method == "GET" and request.GET.get("download"):
        return _rules_download(request, today)
    form, faults = RulesUploadForm(), []
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied(RULES_MANAGE)
        form = RulesUploadForm(request.POST, request.FILES)
        if getattr(request, "limited", False):
            faults = [_("Too many tries; please wait a while and try again.")]
        elif form.is_valid():
            faults = _rules_upload(request, form)
            if faults is None:
                return redirect("measurement:rules", province.pk)
    tables = rule_tables(today)
    if fmt := exports.requested(request):
        table = request.GET.get("table", "criteria")
        if table not in tables:
            raise Http404
        columns, rows = tables[table]
        return exports.respond(fmt, filename=f"xaso-rules-{table}", columns=columns, rows=rows)
    return render(request, "measurement/rules_list.html", {
        "province": province, "rulesets": _rulesets(), "indicators": tables["indicators"][1],
        "sources": tables["sources"][1], "may_manage": may_manage, "form": form, "faults": faults or [],
        "today": today}, status=400 if faults or form.errors else 200)
