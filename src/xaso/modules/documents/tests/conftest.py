# SPDX-License-Identifier: AGPL-3.0-or-later
"""A certification authority the province trusts, the chairperson's key and the commune's seal key, and
helpers that walk a document through its workflow as the officials would."""

from __future__ import annotations

import pytest

from xaso.core.signing import pki
from xaso.core.signing import services as signing
from xaso.modules.documents import issuing, services

PASSPHRASE = "cụm mật khẩu của chủ tịch"
SEAL_PASSPHRASE = "cụm mật khẩu con dấu"


@pytest.fixture(scope="session")
def authority():
    return pki.Authority.create("Xaso Documents Test CA")


@pytest.fixture
def keys(users, authority):
    """The province trusts the CA; Hana (chairperson of A) and commune A's seal have keys."""
    signing.trust_anchor_add(actor=users["paula"], pem_or_der=authority.pem, name="Test CA")
    hana = users["hana"]
    cert, key = authority.issue("Nguyễn Thị Hà", title="Chủ tịch")
    personal = signing.signing_key_add_pkcs12(
        actor=users["alice"], commune=hana.commune, owner=hana, kind="personal", passphrase=PASSPHRASE,
        data=pki.pkcs12(cert, key, [authority.certificate], PASSPHRASE))
    cert, key = authority.issue("Ủy ban nhân dân phường Hạ Long", kind="organisation",
                                organisation="UBND phường Hạ Long")
    seal = signing.signing_key_add_pkcs12(
        actor=users["alice"], commune=hana.commune, owner=None, kind="organisation", passphrase=SEAL_PASSPHRASE,
        data=pki.pkcs12(cert, key, [authority.certificate], SEAL_PASSPHRASE))
    return {"personal": personal, "seal": seal}


def draft(users, **changes):
    """A reply drafted by Sam (specialist of A), to be signed by Hana."""
    values = dict(type_code="CV", title="", summary="V/v trả lời kiến nghị về đất đai của thôn Đồng Tâm",
                  addressees=["Ông Nguyễn Văn Bình, thôn Đồng Tâm"],
                  body="Ủy ban nhân dân phường nhận được đơn kiến nghị của ông về việc cấp giấy chứng nhận.\n"
                       "Sau khi kiểm tra, Ủy ban nhân dân phường trả lời như sau: hồ sơ đủ điều kiện.",
                  recipients=["Như trên;", "Lưu: VT."], urgency="", confidentiality="", signer=users["hana"],
                  signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH", work_file=None,
                  exchange_to=[])
    values.update(changes)
    return services.outgoing_create(actor=users["sam"], commune=users["sam"].commune, **values)


def to_approved(users, document):
    document = services.outgoing_step(actor=users["sam"], document=document, name="submit")
    document = services.outgoing_step(actor=users["bob"], document=document, name="review")
    return services.outgoing_step(actor=users["hana"], document=document, name="approve")


def to_issued(users, keys, document, number=None):
    document = to_approved(users, document)
    document = issuing.outgoing_sign(actor=users["hana"], document=document, key=keys["personal"],
                                     secret=PASSPHRASE)
    return issuing.outgoing_issue(actor=users["bob"], document=document, key=keys["seal"], secret=SEAL_PASSPHRASE,
                                  number=number)
