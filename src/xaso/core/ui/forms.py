# SPDX-License-Identifier: AGPL-3.0-or-later
"""What every page with a form shares."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _


def service_errors(form, error: ValidationError) -> None:
    """A service's ValidationError on the form that called it: on its field when the form has that field,
    else on top of the form, so that the person sees each reason where it belongs."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


class LongSelect(forms.Select):
    """A drop-down of many options (a province's communes) written in one pass. Django's own widget renders
    a template per option, which cost tens of milliseconds for 168 communes on every dashboard load."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join("", "<option value=\"{}\"{}>{}</option>", (
            ("" if option["value"] is None else option["value"], mark_safe(" selected") if option["selected"] else "",
             option["label"]) for _group, group, _index in widget["optgroups"] for option in group))
        return format_html("<select name=\"{}\"{}>{}</select>", name, flatatt(widget["attrs"]), options)


# A definitions file people edit and load back (YAML of datasets, rules, indicators): small text.
TEXT_UPLOAD_LIMIT = 512 * 1024


def text_upload(upload) -> str:
    """The text of an uploaded definitions file: refused when over 512 KB or not UTF-8 (a BOM is allowed,
    as spreadsheet programs and Windows editors write one)."""
    if upload.size > TEXT_UPLOAD_LIMIT:
        raise forms.ValidationError(_("The file is larger than 512 KB."))
    try:
        return upload.read(TEXT_UPLOAD_LIMIT + 1).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
