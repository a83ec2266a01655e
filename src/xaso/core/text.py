# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese folding, in one place: "hồ sơ" and "Đồng" are found by "ho so" and "dong".

Unicode decomposition drops the tone and vowel marks but leaves "đ" (a letter of its own), so it is
mapped by hand (the same gap as SQLite FTS5's remove_diacritics, see shared/DESIGN.md).
"""

import unicodedata
from datetime import date

# Left blank for a hand-written or later-filled day and month: "ngày     tháng     năm 20…".
BLANK_DAY = "     "


def fold(text: str) -> str:
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").casefold()


def date_line(place: str, day: date | None) -> str:
    """"Hạ Long, ngày 05 tháng 02 năm 2026": the place and date line of Decree 30/2020 Appendix I.

    Days below 10 and the months 1 and 2 take a leading zero; months 3 to 12 do not ("tháng 3"). ``None``
    (not issued yet) leaves the day and month blank and the year's last digits open. The place is the
    locality's name without its kind ("Tiên Yên", not "Xã Tiên Yên": ``Commune.place_name``).
    """
    place = unicodedata.normalize("NFC", place or "").strip() or "…"
    if day is None:
        return f"{place}, ngày{BLANK_DAY}tháng{BLANK_DAY}năm 20…"
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
