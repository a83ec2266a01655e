# SPDX-License-Identifier: AGPL-3.0-or-later
"""The forms of the surveys' pages. The rules live in the services; these forms only carry what was typed."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import services
from .models import TEXT_LIMIT, Channel, Kind, OncePer, Question


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000,
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  help_text=_("Shown to people above the questions."))
    once_per = forms.ChoiceField(label=_("Who may answer"), choices=OncePer.choices, initial=OncePer.NONE,
                                 help_text=_("At a counter tablet, choose “anyone”: the next person uses the same "
                                             "device."))
    opens_on = forms.DateField(label=_("Opens on"), required=False, widget=DateInput())
    closes_on = forms.DateField(label=_("Closes on"), required=False, widget=DateInput())

    def fields_for_service(self) -> services.SurveyFields:
        c = self.cleaned_data
        return services.SurveyFields(title=c["title"], description=c["description"], once_per=c["once_per"],
                                     opens_on=c["opens_on"], closes_on=c["closes_on"])

    @staticmethod
    def initial_of(survey) -> dict:
        return {"title": survey.title, "description": survey.description, "once_per": survey.once_per,
                "opens_on": survey.opens_on, "closes_on": survey.closes_on}


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.SCALE)
    scale_max = forms.IntegerField(label=_("Scale from 1 to"), min_value=2, max_value=10, initial=5, required=False)
    choices = forms.CharField(label=_("Options (one a line)"), required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)
    measures_satisfaction = forms.BooleanField(
        label=_("Measures satisfaction (a 1–5 scale; 4 and 5 count as satisfied)"), required=False)

    def fields_for_service(self) -> services.QuestionFields:
        c = self.cleaned_data
        return services.QuestionFields(kind=c["kind"], text=c["text"], required=c["required"],
                                       scale_max=c["scale_max"] or 5, choices=tuple(c["choices"].splitlines()),
                                       measures_satisfaction=c["measures_satisfaction"])

    @staticmethod
    def initial_of(question: Question) -> dict:
        return {"text": question.text, "kind": question.kind, "scale_max": question.scale_max,
                "choices": "\n".join(question.choices), "required": question.required,
                "measures_satisfaction": question.measures_satisfaction}


class LinkForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=120,
                            help_text=_("Where people answer, for example “Quầy tiếp nhận số 1”."))
    channel = forms.ChoiceField(label=pgettext_lazy("survey", "Channel"), choices=Channel.choices,
                                initial=Channel.COUNTER)
    single_use = forms.BooleanField(label=_("One-time link (takes one response, then is refused)"), required=False)


class ResultsFilterForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())
    link = forms.TypedChoiceField(label=_("Link"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=pgettext_lazy("survey", "Channel"), required=False)

    def __init__(self, data, *, links):
        super().__init__(data)
        self.fields["link"].choices = [("", _("All links")), *[(link.pk, link.label) for link in links]]
        self.fields["channel"].choices = [("", _("All channels")), *Channel.choices]

    def clean(self):
        c = super().clean()
        if c.get("start") and c.get("end") and c["end"] < c["start"]:
            raise ValidationError(_("The end of the period comes before its start."))
        return c


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())
    end = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        c = super().clean()
        if c.get("start") and c.get("end") and c["end"] < c["start"]:
            raise ValidationError(_("The end of the period comes before its start."))
        return c


class ScaleWidget(forms.RadioSelect):
    template_name = "surveys/public/_scale.html"


class ResponseForm(forms.Form):
    """The public form, one field per question (``q<id>``), and the random key that makes a retry harmless.

    Django's checks only shape the page (required marks, the list of options); ``response_submit`` decides.
    """

    submission = forms.CharField(widget=forms.HiddenInput, max_length=services.SUBMISSION_LIMIT, required=False)

    def __init__(self, data=None, *, questions):
        super().__init__(data)
        self.questions = questions
        if data is None:
            self.initial["submission"] = uuid.uuid4().hex
        for question in questions:
            self.fields[question.field_name] = self._field(question)

    @staticmethod
    def _field(question: Question):
        # Plain text fields whatever the widget: Django checks nothing here that the service checks again.
        if question.kind == Kind.SCALE:
            widget = ScaleWidget(choices=[(p, p) for p in question.points])
        elif question.kind == Kind.CHOICE:
            widget = forms.RadioSelect(choices=[(c, c) for c in question.choices])
        else:
            widget = forms.Textarea(attrs={"rows": 4, "maxlength": TEXT_LIMIT})
        return forms.CharField(label=question.text, required=False, strip=False, widget=widget)

    def answers(self) -> dict:
        """What was posted for each question, unchecked (the service checks it)."""
        return {q.field_name: (self.data.get(q.field_name) or "") for q in self.questions}

    def rows(self):
        for question in self.questions:
            yield question, self[question.field_name]
