# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese is the first language: every text has a translation, and the compiled catalogue that
Django reads at run time says the same as the .po file people edit."""

import gettext
from pathlib import Path

import polib
import pytest

import xaso

CATALOGUES = sorted(Path(xaso.__file__).parent.glob("**/locale/vi/LC_MESSAGES/django.po"))


def test_there_are_catalogues():
    assert any("ui" in str(p) for p in CATALOGUES)


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parts[-5])
def test_it_translates_every_text_and_the_compiled_file_matches(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [e.msgid for e in po.untranslated_entries()] + [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"{po_path}: untranslated or fuzzy: {untranslated[:5]}"
    with open(po_path.with_suffix(".mo"), "rb") as f:
        compiled = gettext.GNUTranslations(f)
    for entry in po.translated_entries():
        if entry.msgid_plural:
            assert compiled.ngettext(entry.msgid, entry.msgid_plural, 1) == entry.msgstr_plural[0], entry.msgid
        elif entry.msgctxt:
            assert compiled.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
        else:
            assert compiled.gettext(entry.msgid) == entry.msgstr, f"{po_path}: .mo is stale for {entry.msgid!r}"
