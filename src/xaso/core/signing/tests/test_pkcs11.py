# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing with a key that never leaves its token: SoftHSM2 through PKCS#11, as an HSM or a USB token
plugged into the server would be used (make test-pkcs11; .ci/run installs Debian's softhsm2)."""

import os
import subprocess
import uuid

import pkcs11
import pytest
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute
from pkcs11.util.rsa import decode_rsa_private_key
from pkcs11.util.x509 import decode_x509_certificate

from xaso.core.signing import services
from xaso.core.signing.errors import SigningError
from xaso.core.signing.models import SigningKey
from xaso.core.signing.sign import sign_pdf
from xaso.core.signing.verify import verify_pdf

from .conftest import SIGNER_BOX, lines, make_pdf, png

pytestmark = [pytest.mark.pkcs11, pytest.mark.django_db]

MODULE = "/usr/lib/softhsm/libsofthsm2.so"
TOKEN = "xaso-test"
PIN = "246810"
SO_PIN = "13579135"


@pytest.fixture(scope="session")
def softhsm(tmp_path_factory):
    """A fresh token in a folder of its own: SoftHSM reads SOFTHSM2_CONF when the module is first loaded."""
    folder = tmp_path_factory.mktemp("softhsm")
    (folder / "tokens").mkdir()
    conf = folder / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {folder / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n")
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    subprocess.run(["softhsm2-util", "--init-token", "--free", "--label", TOKEN, "--pin", PIN,  # noqa: S603, S607
                    "--so-pin", SO_PIN], check=True, capture_output=True)
    yield pkcs11.lib(MODULE).get_token(token_label=TOKEN)
    if previous is None:
        os.environ.pop("SOFTHSM2_CONF")
    else:
        os.environ["SOFTHSM2_CONF"] = previous


@pytest.fixture
def on_token(softhsm, ca_pki, settings):
    """Put a new key and its certificate on the token (as a CA's enrolment would); returns its label."""
    settings.XASO_PKCS11_MODULE = MODULE

    def put(common_name: str) -> str:
        cert, key = ca_pki.ca.issue(common_name, title="Chủ tịch")
        label, key_id = f"key-{uuid.uuid4().hex[:8]}", uuid.uuid4().bytes
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.TraditionalOpenSSL,
                                serialization.NoEncryption())
        common = {Attribute.LABEL: label, Attribute.ID: key_id, Attribute.TOKEN: True}
        with softhsm.open(rw=True, user_pin=PIN) as session:
            session.create_object({**decode_rsa_private_key(der), **common, Attribute.PRIVATE: True,
                                   Attribute.SENSITIVE: True, Attribute.EXTRACTABLE: False})
            session.create_object({**decode_x509_certificate(cert.public_bytes(serialization.Encoding.DER)),
                                   **common})
        return label

    return put


def add(users, label, *, pin=PIN, token=TOKEN):
    hana = users["hana"]
    return services.signing_key_add_pkcs11(actor=users["alice"], commune=hana.commune, owner=hana, kind="personal",
                                           token_label=token, key_label=label, pin=pin, image=png())


def refused(code, call, *args, **kwargs):
    with pytest.raises(SigningError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code


def test_it_signs_with_a_key_on_the_token(users, trusted, on_token):
    key = add(users, on_token("Nguyễn Thị Hà"))
    key.refresh_from_db()
    assert (key.backend, key.token_label, key.subject_name, key.title) == ("pkcs11", TOKEN, "Nguyễn Thị Hà", "Chủ tịch")
    assert key.pkcs12 is None and len(key.chain) == 0
    signed = sign_pdf(make_pdf(), key=key, secret=PIN, field_name="signer", box=SIGNER_BOX,
                      stamp_lines=lines("Nguyễn Thị Hà"))
    report = verify_pdf(signed)
    assert report.ok and report.signatures[0].signer_name == "Nguyễn Thị Hà"
    assert report.signatures[0].serial == key.serial


def test_a_wrong_pin_is_refused(users, trusted, on_token):
    label = on_token("Nguyễn Thị Hà")
    refused("passphrase", add, users, label, pin="000000")
    assert not SigningKey.objects.filter(key_label=label).exists()
    key = add(users, label)
    refused("passphrase", sign_pdf, make_pdf(), key=key, secret="000000", field_name="signer", box=SIGNER_BOX,
            stamp_lines=lines("Nguyễn Thị Hà"))


def test_a_missing_key_or_token_is_refused(users, trusted, on_token):
    refused("token", add, users, "no-such-key")
    refused("token", add, users, on_token("Nguyễn Thị Hà"), token="no-such-token")


def test_a_key_from_an_untrusted_authority_on_the_token_is_refused(users, on_token):
    refused("untrusted", add, users, on_token("Nguyễn Thị Hà"))  # no trust anchor added in this test
