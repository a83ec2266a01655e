# SPDX-License-Identifier: AGPL-3.0-or-later
"""A certification authority with its CRL and a time-stamping authority on a local HTTP server, the
certificates the tests sign with, and PDFs with form fields like the ones the drafting code makes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pytest
from django.utils import translation
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from xaso.core.signing import pki, services

PASSPHRASE = "mật khẩu đủ dài"
SIGNER_BOX = (0, 320.0, 120.0, 540.0, 200.0)
SEAL_BOX = (0, 60.0, 120.0, 280.0, 200.0)


@dataclass
class Pki:
    server: pki.LocalServer
    ca: pki.Authority
    other_ca: pki.Authority  # an authority nobody here trusts
    tsa: tuple

    def p12(self, common_name: str, *, authority: pki.Authority | None = None, passphrase: str = PASSPHRASE,
            **options) -> bytes:
        authority = authority or self.ca
        cert, key = authority.issue(common_name, **options)
        return pki.pkcs12(cert, key, [authority.certificate], passphrase)


@pytest.fixture(autouse=True)
def english():
    """The tests read messages in English; one test checks the Vietnamese (the default language)."""
    with translation.override("en"):
        yield


@pytest.fixture(scope="session")
def ca_pki():
    """One CA for the session (RSA keys take a moment to make), its CRL served where its certificates
    say, and a time-stamping authority it certified, on the same local server."""
    with pki.serving() as server:
        ca = pki.Authority.create("Xaso Test CA", crl_url=f"{server.url}/xaso-test-ca.crl")
        server.publish(ca)
        tsa = ca.issue("Xaso Test TSA", kind="tsa")
        server.stamp_with(*tsa)
        yield Pki(server=server, ca=ca, other_ca=pki.Authority.create("Elsewhere CA"), tsa=tsa)


@pytest.fixture
def trusted(users, ca_pki):
    """The province trusts the test CA (as it would trust a licensed Vietnamese CA's root)."""
    return services.trust_anchor_add(actor=users["paula"], pem_or_der=ca_pki.ca.pem, name="Xaso Test CA")


@pytest.fixture
def hana_key(users, trusted, ca_pki):
    hana = users["hana"]
    return services.signing_key_add_pkcs12(
        actor=users["alice"], commune=hana.commune, owner=hana, kind="personal", passphrase=PASSPHRASE,
        data=ca_pki.p12("Nguyễn Thị Hà", title="Chủ tịch UBND phường"), image=png((40, 40, 140, 255), (240, 80)))


@pytest.fixture
def seal_key(users, trusted, ca_pki):
    commune = users["hana"].commune
    return services.signing_key_add_pkcs12(
        actor=users["alice"], commune=commune, owner=None, kind="organisation", passphrase=PASSPHRASE,
        data=ca_pki.p12("Ủy ban nhân dân phường Hạ Long", kind="organisation", organisation="UBND phường Hạ Long"),
        image=seal_png())


def png(color=(200, 0, 0, 255), size=(120, 120)) -> bytes:
    picture = Image.new("RGBA", size, (255, 255, 255, 0))
    ImageDraw.Draw(picture).line([(5, size[1] - 10), (size[0] // 2, 10), (size[0] - 5, size[1] // 2)], fill=color,
                                 width=4)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def seal_png() -> bytes:
    picture = Image.new("RGBA", (160, 160), (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((4, 4, 156, 156), outline=(210, 20, 20, 255), width=6)
    draw.ellipse((30, 30, 130, 130), outline=(210, 20, 20, 255), width=3)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def make_pdf(*, encrypt: str | None = None) -> bytes:
    """An A4 page with text (uncompressed, so a test can find and alter it) and two empty text fields,
    as the drafting code makes them with reportlab's acroForm."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0, encrypt=encrypt)
    c.drawString(72, 780, "UY BAN NHAN DAN PHUONG HA LONG")
    c.drawString(72, 740, "QUYET DINH ve viec cong nhan to dan pho van hoa")
    c.acroForm.textfield(name="number", x=72, y=700, width=220, height=20, borderWidth=0, fontSize=11)
    c.acroForm.textfield(name="issued_on", x=300, y=700, width=240, height=20, borderWidth=0, fontSize=11)
    c.showPage()
    c.save()
    return buf.getvalue()


def lines(name: str) -> list[str]:
    return [f"Ký bởi: {name}", "Chức vụ: Chủ tịch", "Thời gian: 2026-11-29T10:15:00+07:00"]


def days(n: int) -> dt.datetime:
    return dt.datetime.now(dt.UTC) + dt.timedelta(days=n)
