# SPDX-License-Identifier: AGPL-3.0-or-later
"""The long drop-down writes the same options as Django's own select, escaped, with the chosen one marked."""

from django import forms

from xaso.core.ui.forms import LongSelect


class Choose(forms.Form):
    commune = forms.ChoiceField(required=False, widget=LongSelect, choices=[
        ("", "Tất cả"), ("06688", "Phường Hạ Long"), ("06862", "Xã <Tiên Yên>")])


def test_it_writes_every_option_escaped_with_the_chosen_one_selected():
    html = str(Choose({"commune": "06862"})["commune"])
    assert html.startswith('<select name="commune" id="id_commune">')
    assert '<option value="">Tất cả</option>' in html
    assert '<option value="06688">Phường Hạ Long</option>' in html
    assert '<option value="06862" selected>Xã &lt;Tiên Yên&gt;</option>' in html
    assert html.count("selected") == 1
