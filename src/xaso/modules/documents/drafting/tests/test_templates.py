# SPDX-License-Identifier: AGPL-3.0-or-later
"""The starting templates of the common commune documents."""

import pytest

from xaso.modules.documents.drafting.templates import TEMPLATES, locality

from .samples import ISSUER

# The outgoing document's draft fields (documents.services.DRAFT_FIELDS) a template fills.
FORM_FIELDS = {"type_code", "title", "summary", "addressees", "body", "recipients", "signer_competence",
               "signer_position"}


def test_it_offers_the_common_commune_documents():
    assert {t.type_code for t in TEMPLATES.values()} == {"QD", "CV", "BC", "TB", "KH", "GM", "BB"}


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_it_gives_the_drafting_forms_fields_with_the_commune_filled_in(key):
    values = TEMPLATES[key].initial(place="Tiên Yên", issuer=ISSUER)
    assert set(values) == FORM_FIELDS
    assert values["signer_position"] and values["recipients"][-1].startswith("Lưu: VT")
    texts = [values["title"], values["summary"], values["body"], *values["addressees"], *values["recipients"]]
    assert not any("{" in text or "}" in text for text in texts)
    if "{locality}" in TEMPLATES[key].body:
        assert "Ủy ban nhân dân xã Tiên Yên" in values["body"]


def test_it_starts_a_decision_with_its_grounds_and_three_articles():
    values = TEMPLATES["decision"].initial(issuer=ISSUER)
    lines = values["body"].splitlines()
    assert lines[0] == "ỦY BAN NHÂN DÂN XÃ TIÊN YÊN"
    assert "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;" in lines
    assert lines.index("QUYẾT ĐỊNH:") < lines.index("Điều 1. …")
    assert lines[-1].startswith("Điều 3.") and lines[-1].endswith("chịu trách nhiệm thi hành Quyết định này./.")
    assert values["title"] == "Về việc …"
    assert values["recipients"][0] == "Như Điều 3;"
    assert (values["signer_competence"], values["signer_position"]) == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")


def test_it_starts_a_letter_with_addressees_and_a_vv_summary():
    values = TEMPLATES["letter"].initial(place="Tiên Yên")
    assert values["title"] == "" and values["summary"].startswith("V/v")
    assert values["addressees"] and values["body"].endswith("./.")


def test_it_starts_minutes_with_time_place_and_participants_and_two_signers():
    template = TEMPLATES["minutes"]
    body = template.initial(place="Tiên Yên")["body"]
    for part in ("Thời gian bắt đầu:", "Địa điểm:", "Thành phần tham dự:", "Chủ trì", "Thư ký"):
        assert part in body
    assert (template.cosigner_position, template.signer_position) == ("THƯ KÝ", "CHỦ TỌA")


def test_it_names_the_locality_inside_a_sentence_in_lower_case_kind():
    assert locality(ISSUER) == "xã Tiên Yên"
    assert locality("ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG") == "phường Hạ Long"
    assert locality("ỦY BAN NHÂN DÂN ĐẶC KHU CÔ TÔ") == "đặc khu Cô Tô"
    assert locality("", "Tiên Yên") == "xã Tiên Yên"
