# SPDX-License-Identifier: AGPL-3.0-or-later
"""Forms of the calendar page. They check the shape of the input; the services check the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import calendar
from .models import CalendarDay
from .services import LEGAL_BASIS_MAX_LENGTH, NAME_MAX_LENGTH

MAX_DAYS = 1000  # longer than any procedure's time limit, short enough to stay within the calendar's years


def _date_field(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           error_messages={"required": _("Choose a date."),
                                           "invalid": _("Enter a date such as 2026-02-12.")})


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=calendar.FIRST_YEAR,
                              max_value=calendar.LAST_YEAR, error_messages={
                                  "invalid": _("Enter a year such as 2026."),
                                  "min_value": _("Choose a year between 2000 and 2100."),
                                  "max_value": _("Choose a year between 2000 and 2100.")})


class DayForm(forms.Form):
    date = _date_field(_("Date"))
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarDay.Kind.choices,
                             error_messages={"required": _("Choose “day off” or “working day”."),
                                             "invalid_choice": _("Choose “day off” or “working day”.")})
    name = forms.CharField(label=_("Name"), max_length=NAME_MAX_LENGTH, error_messages={
        "required": _("Give the day a name (for example: Day off in place of Saturday 22/08/2026)."),
        "max_length": _("The name is longer than %(limit_value)d characters.")})
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, max_length=LEGAL_BASIS_MAX_LENGTH,
                                  help_text=_("The announcement it comes from, e.g. its number and date."),
                                  error_messages={"max_length": _("The legal basis is longer than "
                                                                  "%(limit_value)d characters.")})
    national = forms.BooleanField(label=_("For the whole country"), required=False)

    def __init__(self, *args, national_allowed: bool, **kwargs):
        """``national_allowed``: the user keeps the national rows too (an administrator)."""
        super().__init__(*args, **kwargs)
        if not national_allowed:
            del self.fields["national"]


class RemoveForm(forms.Form):
    date = _date_field(_("Date"))
    national = forms.BooleanField(required=False, widget=forms.HiddenInput)


class DueForm(forms.Form):
    start = _date_field(_("Received on"))
    days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=MAX_DAYS, error_messages={
        "required": _("Enter the number of working days."),
        "invalid": _("Enter a whole number of working days."),
        "min_value": _("The number of working days cannot be negative."),
        "max_value": _("Enter at most %(limit_value)s working days.")})

    def clean_start(self):
        start = self.cleaned_data["start"]
        if not calendar.FIRST_YEAR <= start.year <= calendar.LAST_YEAR - 10:
            raise forms.ValidationError(_("Choose a date between 2000 and 2090."))
        return start
