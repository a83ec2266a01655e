# SPDX-License-Identifier: AGPL-3.0-or-later
"""The officials' pages: scoping and permissions, defining a survey by its forms, links with their QR codes,
the results and their exports."""

import csv
import io

import pytest
import segno
from openpyxl import load_workbook
from PIL import Image

from xaso import testing
from xaso.modules.surveys.models import Channel, Link, Question, Status, Survey

from .conftest import OPTIONS, at

pytestmark = pytest.mark.django_db
A = testing.COMMUNE_A


def base(survey):
    return f"/surveys/communes/{A}/{survey.pk}/"


# --- Who sees what -----------------------------------------------------------------------------


def test_the_commune_and_its_province_read_outsiders_get_404(survey, client_for, client):
    survey, link = survey
    pages = [f"/surveys/communes/{A}/", base(survey), base(survey) + "results/",
             base(survey) + f"links/{link.pk}/qr.svg", base(survey) + f"links/{link.pk}/print/"]
    for url in pages:
        for who in ("alice", "bob", "hana", "paula"):
            assert client_for(who).get(url).status_code == 200, (who, url)
        for who in ("charlie", "oscar", "cindy"):
            assert client_for(who).get(url).status_code == 404, (who, url)
        assert client.get(url).status_code == 302  # to sign in


def test_readers_who_may_not_manage_are_refused_and_nothing_changes(survey, client_for):
    survey, _link = survey
    for who in ("bob", "paula"):  # the clerk; the province official reads only
        c = client_for(who)
        assert c.post(f"/surveys/communes/{A}/new/", {"title": "Khảo sát", "once_per": "none"}).status_code == 403
        assert c.post(base(survey), {"action": "close"}).status_code == 403
    survey.refresh_from_db()
    assert survey.status == Status.OPEN and Survey.objects.count() == 1


def test_another_communes_survey_is_not_found_under_a(make_survey, users, client_for):
    from xaso.core.places.models import Commune

    theirs, _link = make_survey(commune=Commune.objects.get(pk=testing.COMMUNE_B), actor=users["charlie"])
    assert client_for("alice").get(f"/surveys/communes/{A}/{theirs.pk}/").status_code == 404
    assert client_for("alice").post(f"/surveys/communes/{A}/{theirs.pk}/", {"action": "close"}).status_code == 404


# --- Defining a survey by its pages --------------------------------------------------------------


def test_an_official_defines_a_survey_by_its_forms(users, client_for):
    alice = client_for("alice")
    created = alice.post(f"/surveys/communes/{A}/new/", {"title": "Khảo sát họp thôn", "once_per": "device"})
    survey = Survey.objects.get()
    assert created.status_code == 302 and created["Location"] == base(survey)
    added = alice.post(base(survey), {"action": "add_question", "text": "Cuộc họp có hữu ích không?",
                                      "kind": "choice", "choices": "Có\nKhông\n\nChưa rõ\n", "required": "on"})
    assert added.status_code == 302
    alice.post(base(survey), {"action": "add_question", "text": "Mức độ hài lòng", "kind": "scale", "scale_max": "5",
                              "required": "on", "measures_satisfaction": "on"})
    choice, scale = survey.questions.all()
    assert choice.choices == ["Có", "Không", "Chưa rõ"] and scale.measures_satisfaction
    alice.post(base(survey), {"action": "up", "question_id": scale.pk})
    assert list(survey.questions.values_list("pk", flat=True)) == [scale.pk, choice.pk]
    edited = alice.post(base(survey) + f"questions/{choice.pk}/", {"text": "Cuộc họp có ích?", "kind": "choice",
                                                                   "choices": "Có\nKhông"})
    assert edited.status_code == 302 and Question.objects.get(pk=choice.pk).choices == ["Có", "Không"]
    alice.post(base(survey), {"action": "add_link", "label": "Họp thôn Khu 3", "channel": "meeting",
                              "single_use": "on"})
    alice.post(base(survey), {"action": "open"})
    survey.refresh_from_db()
    link = survey.links.get()
    assert survey.status == Status.OPEN and link.single_use and link.channel == Channel.MEETING
    page = alice.get(base(survey))
    assert f"/surveys/s/{link.token}/".encode() in page.content
    alice.post(base(survey), {"action": "revoke", "link_id": link.pk})
    assert Link.objects.get(pk=link.pk).revoked_at is not None


def test_a_refused_question_keeps_what_was_typed_and_stores_nothing(make_survey, client_for):
    survey, _link = make_survey(open_=False)
    page = client_for("alice").post(base(survey), {"action": "add_question", "text": "Chọn một", "kind": "choice",
                                                   "choices": "Chỉ một lựa chọn"})
    assert page.status_code == 400
    assert page.context["question_form"].errors["choices"]
    assert "Chỉ một lựa chọn".encode() in page.content and survey.questions.count() == 3


def test_an_action_refused_by_the_service_answers_400(make_survey, client_for):
    survey, _link = make_survey()
    page = client_for("alice").post(base(survey), {"action": "remove", "question_id": survey.questions.first().pk})
    assert page.status_code == 400 and survey.questions.count() == 3


# --- Links: QR code and printed page -------------------------------------------------------------


def modules_of_png(content: bytes, scale=8, border=4):
    """The dark/light modules of a PNG QR code, read back pixel by pixel."""
    image = Image.open(io.BytesIO(content)).convert("L")
    size = image.width // scale - 2 * border
    return [[image.getpixel(((border + x) * scale + scale // 2, (border + y) * scale + scale // 2)) < 128
             for x in range(size)] for y in range(size)]


def test_the_qr_code_is_the_links_address(survey, client_for):
    survey, link = survey
    url = f"http://testserver/surveys/s/{link.token}/"
    png = client_for("alice").get(base(survey) + f"links/{link.pk}/qr.png")
    assert png["Content-Type"] == "image/png"
    expected = [[bool(m) for m in row] for row in segno.make(url, error="m").matrix]
    assert modules_of_png(png.content) == expected
    other = [[bool(m) for m in row] for row in segno.make(url + "x", error="m").matrix]
    assert modules_of_png(png.content) != other
    svg = client_for("alice").get(base(survey) + f"links/{link.pk}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml" and svg.content.lstrip().startswith(b"<svg")
    assert client_for("alice").get(base(survey) + f"links/{link.pk}/qr.gif").status_code == 404


def test_the_printed_page_holds_the_qr_and_the_address(survey, client_for):
    survey, link = survey
    page = client_for("olivia").get(base(survey) + f"links/{link.pk}/print/?size=A4")
    body = page.content.decode()
    assert f"http://testserver/surveys/s/{link.token}/" in body and "<svg" in body and "size: A4" in body
    assert "Quầy tiếp nhận số 1" in body


# --- Results and exports -----------------------------------------------------------------------


@pytest.fixture
def answered(survey, submit, users):
    from xaso.modules.surveys import services

    survey, counter = survey
    online = services.link_create(actor=users["alice"], survey=survey, label="Cổng thông tin", channel=Channel.ONLINE)
    submit(counter, score=5, choice=OPTIONS[0], text="Rất tốt", now=at(2026, 3, 2))
    submit(counter, score=4, choice=OPTIONS[1], now=at(2026, 3, 3))
    submit(counter, score=2, choice=OPTIONS[1], text="Chờ lâu quá", now=at(2026, 3, 4))
    submit(online, score=3, choice=OPTIONS[2], text="Trang web chậm", now=at(2026, 3, 9))
    return survey, counter, online


def test_results_count_each_point_and_option(answered, client_for):
    survey, _counter, _online = answered
    page = client_for("hana").get(base(survey) + "results/")
    assert page.context["count"] == 4
    scale, choice, text = page.context["results"]
    assert [(s.label, s.count) for s in scale.shares] == [("1", 0), ("2", 1), ("3", 1), ("4", 1), ("5", 1)]
    assert (scale.mean, scale.satisfied_percent) == (3.5, 50.0)
    assert [(s.label, s.count, s.percent) for s in choice.shares] == [
        (OPTIONS[0], 1, 25.0), (OPTIONS[1], 2, 50.0), (OPTIONS[2], 1, 25.0)]
    assert [c["text"] for c in text.comments] == ["Trang web chậm", "Chờ lâu quá", "Rất tốt"]  # newest first
    assert page.content.count(b"<svg") >= 2  # a chart beside each distribution


def test_results_filter_by_dates_link_and_channel(answered, client_for):
    survey, counter, online = answered
    hana = client_for("hana")
    assert hana.get(base(survey) + "results/?start=2026-03-03&end=2026-03-04").context["count"] == 2
    assert hana.get(base(survey) + f"results/?link={online.pk}").context["count"] == 1
    counter_only = hana.get(base(survey) + "results/?channel=counter").context
    assert counter_only["count"] == 3 and counter_only["results"][0].mean == 3.67


def test_the_exports_hold_every_answer(answered, client_for):
    survey, _counter, _online = answered
    alice = client_for("alice")
    sheet = alice.get(base(survey) + "results/?export=xlsx")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.values)
    assert len(rows) == 5 and rows[0][3:] == ("1. Ông/bà hài lòng thế nào?", "2. Điều hài lòng nhất?", "3. Góp ý thêm")
    assert rows[1][3:] == (5, OPTIONS[0], "Rất tốt") and rows[4][1:] == ("Cổng thông tin", "Trực tuyến", 3,
                                                                           OPTIONS[2], "Trang web chậm")
    table = list(csv.reader(io.StringIO(alice.get(base(survey) + "results/?export=csv").content.decode("utf-8-sig"))))
    assert [r[3] for r in table[1:]] == ["5", "4", "2", "3"] and table[3][5] == "Chờ lâu quá"
    summary = list(csv.reader(io.StringIO(
        alice.get(base(survey) + "results/?export=csv&table=summary").content.decode("utf-8-sig"))))
    assert ["2. Điều hài lòng nhất?", OPTIONS[1], "2", "50.0"] in summary

