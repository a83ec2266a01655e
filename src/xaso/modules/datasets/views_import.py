# SPDX-License-Identifier: AGPL-3.0-or-later
"""The province's import of values from a long CSV (DL11: a sector's figures or years of history loaded at
once). The page takes the file, runs ``imports.values_import`` and shows either the counts or every fault
(with its row); a refused file changes nothing."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from xaso.core.catalogue.views import officials_only
from xaso.core.files.services import CSV, TEXT, file_check

from . import imports, periods


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV file (UTF-8)"),
                           help_text=gettext_lazy("One figure a line; the first line names the columns."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # The shared upload check: size limit, and content that is really UTF-8 text (not a renamed workbook).
        checked = file_check(upload)
        if checked.content_type not in (CSV, TEXT):
            raise ValidationError(_("Upload a CSV file (UTF-8). In Excel: Save as, “CSV UTF-8 (Comma delimited)”."),
                                  code="not_csv")
        return upload


@officials_only
@require_http_methods(["GET", "POST"])
def values_import(request, province_code, dataset_code):
    dataset = imports.dataset_for_import(user=request.user, province_code=province_code, dataset_code=dataset_code)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    faults = []
    if posted and form.is_valid():
        try:
            result = imports.values_import(actor=request.user, dataset=dataset, stream=form.cleaned_data["file"])
        except ValidationError as error:
            faults = error.messages
        else:
            messages.success(request, _("Imported %(rows)d rows: %(inserted)d new figures, %(updated)d changed "
                                        "(their old values kept in the history), %(unchanged)d unchanged; "
                                        "%(returns)d returns opened.")
                             % {"rows": result.rows, "inserted": result.inserted, "updated": result.updated,
                                "unchanged": result.unchanged, "returns": result.returns_created})
            return redirect(request.path)
    return render(request, "datasets/import/import.html", {
        "dataset": dataset, "province": dataset.province, "form": form, "faults": faults,
        "columns": ",".join(imports.COLUMNS),
        "period_example": periods.example(dataset.period_type), "elements": [i.element for i in dataset.members()]},
        status=400 if faults or form.errors else 200)
