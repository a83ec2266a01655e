# SPDX-License-Identifier: AGPL-3.0-or-later
"""Two submits at the same moment (a double tap on two tablets, a script): the once-per rules and one-time
links hold in the database, whichever request the check before the insert let through. PostgreSQL only:
SQLite runs one writer at a time, so it cannot show the race."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from xaso.core import tenancy
from xaso.modules.surveys import services
from xaso.modules.surveys.models import Channel, OncePer, Response

from .conftest import answers_for, at

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True),
              pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers")]


def race(link, count=6, **kwargs):
    """``count`` submits through ``link`` released at once; the codes of those refused."""
    barrier, refusals = threading.Barrier(count), []
    with tenancy.unscoped():
        answers = answers_for(link.survey)

    def submit(i):
        # A thread starts with no scope, as a request does before the middleware: the service needs none.
        try:
            barrier.wait()
            services.response_submit(link_token=link.token, answers=answers, submission=f"s{i}",
                                     today=at(2026, 3, 10).date(), now=at(2026, 3, 10), **kwargs)
        except ValidationError as error:
            refusals.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return refusals


def test_one_device_answers_once_even_all_at_once(make_survey):
    with tenancy.unscoped():
        survey, link = make_survey(once_per=OncePer.DEVICE)
    refusals = race(link, device_id="same-device")
    with tenancy.unscoped():
        assert Response.objects.filter(survey=survey).count() == 1
    assert refusals == ["answered"] * 5


def test_a_one_time_link_takes_one_response_even_all_at_once(make_survey, users):
    with tenancy.unscoped():
        survey, _counter = make_survey()
        meeting = services.link_create(actor=users["alice"], survey=survey, label="Họp thôn Khu 3",
                                       channel=Channel.MEETING, single_use=True)
    refusals = race(meeting)
    with tenancy.unscoped():
        assert Response.objects.filter(link=meeting).count() == 1
    assert refusals == ["link_used"] * 5
