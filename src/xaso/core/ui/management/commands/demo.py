# SPDX-License-Identifier: AGPL-3.0-or-later
"""`xaso demo`: load the demo province and print its accounts (see xaso.core.demo)."""

import json
from binascii import unhexlify

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core import demo

# (key in the accounts file, title, width)
COLUMNS = (("username", "username", 28), ("role", "role", 20), ("commune_code", "commune", 8),
           ("password", "password", 18), ("totp_secret", "TOTP secret (base32)", 32))


class Command(BaseCommand):
    help = ("Load the demo (Quảng Ninh: an urban, a rural and an island commune, villages, a user for every role, "
            "sample adoption) and print the accounts. Idempotent. Refused when XASO_ENV=production.")

    def add_arguments(self, parser):
        parser.add_argument("--totp-code", metavar="USERNAME",
                            help="print the current second-factor code of a demo official instead (no phone needed)")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("xaso demo creates accounts with published passwords; it never runs when "
                               "XASO_ENV=production.")
        if options["totp_code"]:
            self.stdout.write(self.current_code(options["totp_code"]))
            return
        result = demo.load()
        self.print_accounts(result)

    def current_code(self, username: str) -> str:
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
        if device is None:
            raise CommandError(f"{username} has no second-factor device: is it a demo official?")
        totp = TOTP(unhexlify(device.key), device.step, device.t0, device.digits, device.drift)
        return f"{totp.token():0{device.digits}d}"

    def print_accounts(self, result: demo.Result) -> None:
        made = ", ".join(f"{n} {what}" for what, n in result.created.items() if n) or "nothing new (already loaded)"
        self.stdout.write(self.style.SUCCESS(f"Demo province Quảng Ninh: created {made}."))
        self.stdout.write("")
        self.stdout.write("  ".join(title.ljust(width) for _, title, width in COLUMNS).rstrip())
        self.stdout.write("  ".join("-" * width for _, _, width in COLUMNS))
        for account in result.accounts:
            row = account.as_json()
            if account.personal_id:
                row["password"] = "(OpenID Connect)"  # noqa: S105 (a label in the table)
                row["totp_secret"] = f"personal ID {account.personal_id}"
            cells = [str(row.get(key) or "-").ljust(width) for key, _, width in COLUMNS]
            self.stdout.write("  ".join(cells).rstrip())
        self.stdout.write("")
        self.stdout.write(
            f"Written to {result.path} (with otpauth:// URIs for a QR code).\n"
            "Officials sign in at /accounts/login/ with the password, then the 6-digit code of an authenticator "
            "app given the TOTP secret (or: xaso demo --totp-code USERNAME).\n"
            "The citizen and the business sign in through the local OpenID Connect test provider: any name, the "
            "personal identification number shown, and 'a citizen' or 'the representative of a business'.\n"
            "Demo only: these passwords are printed and stored in plain text."
        )
        self.print_signing_keys()

    def print_signing_keys(self) -> None:
        from xaso.modules.documents import demo as documents_demo

        path = documents_demo.keys_path()
        if path.exists():
            self.stdout.write(f"\nSigning keys (demo CA; passphrase or PIN when signing), also in {path}:")
            for label, passphrase in json.loads(path.read_text(encoding="utf-8")).items():
                self.stdout.write(f"  {label.ljust(28)}  {passphrase}")
