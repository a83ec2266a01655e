# SPDX-License-Identifier: AGPL-3.0-or-later
"""Gap-free numbering, once for every module: dossier codes, queue tickets, document register numbers.

``next_number(key)`` increments one row inside the caller's transaction. The UPDATE takes the row's
write lock, so two processes asking at once get consecutive numbers, never the same one; a rolled-back
caller gives its number back. The key says what restarts the count ("dossier:06688:260315" restarts
every day, "register:06688:out:2026" every year).
"""

from django.db import IntegrityError, transaction
from django.db.models import F


def next_number(key: str) -> int:
    from .models import Sequence

    with transaction.atomic():
        if not Sequence.objects.filter(key=key).update(value=F("value") + 1):
            try:
                # The first number under a key: create the row; a concurrent creator makes this fail,
                # and the UPDATE below then takes its turn after it.
                with transaction.atomic():
                    Sequence.objects.create(key=key, value=1)
                    return 1
            except IntegrityError:
                Sequence.objects.filter(key=key).update(value=F("value") + 1)
        return Sequence.objects.values_list("value", flat=True).get(key=key)
