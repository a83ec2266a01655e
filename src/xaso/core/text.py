# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese folding, in one place: "hồ sơ" and "Đồng" are found by "ho so" and "dong".

Unicode decomposition drops the tone and vowel marks but leaves "đ" (a letter of its own), so it is
mapped by hand (the same gap as SQLite FTS5's remove_diacritics, see shared/DESIGN.md).
"""

import unicodedata


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()
