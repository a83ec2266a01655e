# SPDX-License-Identifier: AGPL-3.0-or-later
"""Gap-free numbering: consecutive under concurrency, given back by a rolled-back caller."""

import threading

import pytest
from django.db import connection, transaction

from xaso.core.sequences import next_number


def test_it_counts_per_key_and_gives_back_a_rolled_back_number(db):
    assert [next_number("a"), next_number("a"), next_number("b")] == [1, 2, 1]
    try:
        with transaction.atomic():
            assert next_number("a") == 3
            raise RuntimeError
    except RuntimeError:
        pass
    assert next_number("a") == 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_processes_taking_numbers_at_once_never_share_one():
    taken, errors = [], []

    def take():
        try:
            for _ in range(20):
                with transaction.atomic():
                    taken.append(next_number("dossier:22.06688:261128"))
        except Exception as error:  # a failed worker must fail the test, not vanish
            errors.append(error)
        finally:
            connection.close()

    # PostgreSQL: four connections at once. SQLite serialises writers, so one after the other.
    workers = [threading.Thread(target=take) for _ in range(4)]
    for w in workers:
        w.start()
        if connection.vendor == "sqlite":
            w.join()
    for w in workers:
        w.join()
    assert not errors
    assert sorted(taken) == list(range(1, 81))
