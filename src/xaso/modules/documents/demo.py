# SPDX-License-Identifier: AGPL-3.0-or-later
"""Demo official documents: agency codes, a demo certification authority and signing keys, incoming
documents in several states, and a reply that went the whole way (signed, numbered, sealed, sent).

The demo CA's root is trusted so that the demo signs and verifies for real; its private key is thrown
away once the keys are issued. The keys' passphrases are drawn at random and written, with the keys'
owners, to ``var/demo-signing-keys.json`` (printed by ``xaso demo``); a key whose passphrase was lost
is withdrawn and replaced. Everything goes through the services; a second run adds nothing.
"""

from __future__ import annotations

import json
import secrets
from datetime import date
from pathlib import Path

from django.conf import settings

from xaso.core.accounts.models import User
from xaso.core.places.models import Commune
from xaso.core.signing import pki
from xaso.core.signing import services as signing
from xaso.core.signing.models import SigningKey, TrustAnchor

from . import exchange, issuing, services
from .models import IncomingDocument, OutgoingDocument

KEYS_FILE = "demo-signing-keys.json"
# Sample agency codes (QCVN 102:2016 pattern): a province assigns the real ones.
AGENCY_CODES = {"06688": "000.01.22.H22", "06862": "000.02.22.H22", "06994": "000.03.22.H22"}
SLUGS = {"06688": "halong", "06862": "tienyen", "06994": "vandon"}


def keys_path() -> Path:
    return Path(settings.VAR_DIR) / KEYS_FILE


def _known() -> dict[str, str]:
    try:
        return json.loads(keys_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write(known: dict[str, str]) -> None:
    path = keys_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(known, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    path.chmod(0o600)


def _keys(commune, chair, it_officer, known, authority_box) -> int:
    """The chairperson's key and the commune's seal; returns how many were made."""
    made = 0
    for owner, label in ((chair, f"{chair.username}"), (None, f"{SLUGS[commune.pk]}-seal")):
        current = SigningKey.objects.filter(commune=commune, owner=owner, active=True).first()
        if current is not None and label in known:
            continue
        if current is not None:
            signing.signing_key_withdraw(actor=it_officer, key=current)
        authority = authority_box()
        if owner is None:
            cert, key = authority.issue(f"Ủy ban nhân dân {commune.name}", kind="organisation",
                                        organisation=f"UBND {commune.name}")
        else:
            cert, key = authority.issue(owner.full_name, title="Chủ tịch")
        passphrase = secrets.token_urlsafe(10)
        signing.signing_key_add_pkcs12(
            actor=it_officer, commune=commune, owner=owner, kind="organisation" if owner is None else "personal",
            data=pki.pkcs12(cert, key, [authority.certificate], passphrase), passphrase=passphrase,
            image=demo_seal(commune.name) if owner is None else None, label=label)
        known[label] = passphrase
        made += 1
    return made


def demo_seal(name: str) -> bytes:
    """A red round seal image with the commune's name (Circular 01/2019: the seal image is a red PNG)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    from xaso.core import fonts

    size = 360
    picture = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    red = (210, 20, 30, 230)
    draw.ellipse((8, 8, size - 8, size - 8), outline=red, width=12)
    draw.ellipse((60, 60, size - 60, size - 60), outline=red, width=5)
    font = ImageFont.truetype(fonts.path(700), 22)
    for i, line in enumerate(("ỦY BAN NHÂN DÂN", name.upper())):
        draw.text((size / 2, size / 2 - 16 + i * 32), line, fill=red, font=font, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def seed(*, today: date) -> dict[str, int]:
    known = _known()
    authority: list[pki.Authority] = []

    def authority_box() -> pki.Authority:
        if not authority:
            authority.append(pki.Authority.create("Xaso Demo CA (chỉ dùng thử)"))
            if not TrustAnchor.objects.filter(name="Xaso Demo CA (chỉ dùng thử)", active=True).exists():
                signing.trust_anchor_add(actor=User.objects.get(username="quangninh-province"),
                                         pem_or_der=authority[0].pem, name="Xaso Demo CA (chỉ dùng thử)")
        return authority[0]

    made = {"signing keys": 0, "documents": 0}
    for code, organ_id in AGENCY_CODES.items():
        commune = Commune.objects.get(pk=code)
        slug = SLUGS[code]
        clerk = User.objects.get(username=f"{slug}-clerk")
        issuer = services.issuer_for(commune)
        if not issuer.organ_id:
            services.issuer_change(actor=clerk, issuer=issuer, organ_id=organ_id)
        made["signing keys"] += _keys(commune, User.objects.get(username=f"{slug}-chairperson"),
                                      User.objects.get(username=f"{slug}-it-officer"), known, authority_box)
    _write(known)
    made["documents"] = _documents(known)
    return made


def _documents(known) -> int:
    commune = Commune.objects.get(pk="06688")
    if IncomingDocument.objects.filter(commune=commune).exists():
        return 0
    clerk = User.objects.get(username="halong-clerk")
    chair = User.objects.get(username="halong-chairperson")
    specialist = User.objects.get(username="halong-specialist")
    letters = (
        ("Sở Nội vụ tỉnh Quảng Ninh", "125/SNV-CCVC", "Về việc báo cáo số lượng cán bộ, công chức cấp xã năm 2026"),
        ("Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh", "88/MTTQ-BTT", "Về việc tổ chức Ngày hội Đại đoàn kết toàn dân tộc"),
        ("Công an tỉnh Quảng Ninh", "301/CAT-PV01", "Về việc rà soát dữ liệu dân cư phục vụ Đề án 06"),
    )
    made = []
    for sender, number, summary in letters:
        made.append(services.incoming_register(actor=clerk, commune=commune, received=services.Received(
            sender=sender, type_code="CV", summary=summary, number_symbol=number)))
    first = services.incoming_assign(actor=chair, document=made[0], handler=specialist, working_days=5,
                                     note="Đề nghị tham mưu báo cáo đúng hạn.")
    reply = services.outgoing_create(
        actor=specialist, commune=commune, reply_to=first, type_code="BC", title="", addressees=[],
        summary="Báo cáo số lượng cán bộ, công chức phường Hạ Long năm 2026",
        body="Thực hiện Công văn số 125/SNV-CCVC của Sở Nội vụ, Ủy ban nhân dân phường báo cáo như sau:\n"
             "1. Tổng số cán bộ, công chức: 42 người.\n2. Trình độ chuyên môn đại học trở lên: 39 người.",
        recipients=["Sở Nội vụ tỉnh Quảng Ninh;", "Lưu: VT."], urgency="", confidentiality="", signer=chair,
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH", work_file=None,
        exchange_to=[AGENCY_CODES["06862"]])
    for name, actor in (("submit", specialist), ("review", clerk), ("approve", chair)):
        reply = services.outgoing_step(actor=actor, document=reply, name=name)
    personal = SigningKey.objects.get(commune=commune, owner=chair, active=True)
    seal = SigningKey.objects.get(commune=commune, owner=None, active=True)
    reply = issuing.outgoing_sign(actor=chair, document=reply, key=personal, secret=known[chair.username])
    reply = issuing.outgoing_issue(actor=clerk, document=reply, key=seal, secret=known["halong-seal"])
    exchange.outgoing_send(actor=clerk, document=reply)
    # A second reply waits for the chairperson: the demo's "Done when" walk starts from here.
    services.outgoing_create(
        actor=specialist, commune=commune, reply_to=made[1], type_code="CV", title="", addressees=[made[1].sender],
        summary="V/v hưởng ứng Ngày hội Đại đoàn kết toàn dân tộc",
        body="Ủy ban nhân dân phường Hạ Long nhận được Công văn số 88/MTTQ-BTT.\n"
             "Ủy ban nhân dân phường sẽ chỉ đạo các tổ dân phố tổ chức Ngày hội trước ngày 18 tháng 11.",
        recipients=["Như trên;", "Lưu: VT."], urgency="", confidentiality="", signer=chair,
        signer_competence="TM. ỦY BAN NHÂN DÂN", signer_position="CHỦ TỊCH", work_file=None, exchange_to=[])
    return len(made) + OutgoingDocument.objects.filter(commune=commune).count()
