# SPDX-License-Identifier: AGPL-3.0-or-later
"""Our signatures as others see them: pyHanko's command-line validator and OpenSSL, each run as its own
process with nothing of xaso but the root certificate and the file."""

import subprocess
import sys
from pathlib import Path

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from xaso.core.signing.sign import sign_pdf

from .conftest import PASSPHRASE, SEAL_BOX, SIGNER_BOX, lines, make_pdf

pytestmark = pytest.mark.django_db

PYHANKO = Path(sys.executable).with_name("pyhanko")


def pyhanko_validate(pdf: Path, root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own fixed command line)
        [str(PYHANKO), "sign", "validate", "--trust", str(root), "--trust-replace", "--pretty-print", str(pdf)],
        capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def two_signatures(hana_key, seal_key, ca_pki, tmp_path):
    signed = sign_pdf(make_pdf(), key=hana_key, secret=PASSPHRASE, field_name="signer", box=SIGNER_BOX,
                      stamp_lines=lines("Nguyễn Thị Hà"))
    sealed = sign_pdf(signed, key=seal_key, secret=PASSPHRASE, field_name="seal", box=SEAL_BOX,
                      stamp_lines=["ỦY BAN NHÂN DÂN PHƯỜNG HẠ LONG"], fill={"number": "12/QĐ-UBND"}, lock=True)
    (tmp_path / "root.pem").write_bytes(ca_pki.ca.pem)
    (tmp_path / "sealed.pdf").write_bytes(sealed)
    return tmp_path


def test_pyhanko_cli_judges_both_signatures_valid(two_signatures):
    result = pyhanko_validate(two_signatures / "sealed.pdf", two_signatures / "root.pem")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("The signature is judged VALID.") == 2
    assert result.stdout.count("The signature is cryptographically sound.") == 2
    assert "All modifications relate to signing and form filling operations" in result.stdout


def test_pyhanko_cli_judges_an_altered_copy_invalid(two_signatures):
    sealed = (two_signatures / "sealed.pdf").read_bytes()
    at = sealed.index(b"QUYET DINH")
    (two_signatures / "altered.pdf").write_bytes(sealed[:at] + b"X" + sealed[at + 1:])
    result = pyhanko_validate(two_signatures / "altered.pdf", two_signatures / "root.pem")
    assert result.returncode != 0
    assert "The signature is judged VALID." not in result.stdout
    assert "INVALID" in result.stdout and "The signature is cryptographically unsound." in result.stdout


def test_openssl_verifies_the_cms_over_the_signed_byte_range(two_signatures):
    data = (two_signatures / "sealed.pdf").read_bytes()
    for signature in PdfFileReader(two_signatures.joinpath("sealed.pdf").open("rb")).embedded_regular_signatures:
        start1, length1, start2, length2 = signature.byte_range
        (two_signatures / "content.bin").write_bytes(data[start1:start1 + length1] + data[start2:start2 + length2])
        (two_signatures / "cms.der").write_bytes(signature.pkcs7_content)
        result = subprocess.run(  # noqa: S603
            ["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", str(two_signatures / "cms.der"),  # noqa: S607
             "-content", str(two_signatures / "content.bin"), "-CAfile", str(two_signatures / "root.pem"),
             "-purpose", "any", "-out", "/dev/null"],
            capture_output=True, text=True, timeout=60, check=False)
        assert result.returncode == 0 and "Verification successful" in result.stderr, result.stderr
