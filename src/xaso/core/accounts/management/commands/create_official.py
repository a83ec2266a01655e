# SPDX-License-Identifier: AGPL-3.0-or-later
"""xaso create_official: the first officials of a real deployment (no demo data there).

    xaso create_official --username lan.nt --role it_officer --commune 06688 --password-stdin < pw.txt

Without --password-stdin a random password is made and printed once. The official enrols their
authenticator app at their first sign-in.
"""

import secrets
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from xaso.core.accounts import services
from xaso.core.accounts.models import User
from xaso.core.accounts.roles import ADMINISTRATORS, COMMUNE_ROLES, OFFICIALS, Role
from xaso.core.places.models import Commune, Province


class Command(BaseCommand):
    help = "Create an official's account (password now, second factor at first sign-in)."

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True)
        parser.add_argument("--role", required=True, help="one of: " + ", ".join(sorted(OFFICIALS)))
        place = parser.add_mutually_exclusive_group()
        place.add_argument("--commune", help="5-digit commune code (commune roles)")
        place.add_argument("--province", help="2-digit province code (province officials)")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--email", default="")
        parser.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    def handle(self, *args, **options):
        role = options["role"]
        commune, province = self.place(role, options["commune"], options["province"])
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(_("The username %(username)s is already taken.") % {"username": options["username"]})
        if options["password_stdin"]:
            password = sys.stdin.readline().rstrip("\r\n")
            if not password:
                raise CommandError(_("No password came on standard input."))
        else:
            password = secrets.token_urlsafe(15)
        try:
            user = services.official_create(
                actor=None, username=options["username"], role=role, commune=commune, province=province,
                password=password, full_name=options["full_name"], email=options["email"])
        except ValidationError as error:
            raise CommandError("\n".join(self.describe(error))) from None
        self.stdout.write(_("Created %(username)s (%(role)s).") % {"username": user.username,
                                                                    "role": user.get_role_display()})
        if not options["password_stdin"]:
            self.stdout.write(_("Password (shown once, hand it over in person): %(password)s")
                              % {"password": password})
        self.stdout.write(_("At the first sign-in they set up their authenticator app."))

    def place(self, role, commune_code, province_code):
        if role not in OFFICIALS:
            raise CommandError(_("Unknown official role %(role)s. Choose one of: %(roles)s.")
                               % {"role": role, "roles": ", ".join(sorted(OFFICIALS))})
        if role in COMMUNE_ROLES:
            if not commune_code:
                raise CommandError(_("The role %(role)s belongs to a commune: give --commune CODE.") % {"role": role})
            commune = Commune.objects.filter(pk=commune_code).first()
            if commune is None:
                raise CommandError(_("There is no commune with code %(code)s.") % {"code": commune_code})
            return commune, None
        if role == Role.PROVINCE_OFFICIAL:
            if not province_code:
                raise CommandError(_("A province official belongs to a province: give --province CODE."))
            province = Province.objects.filter(pk=province_code).first()
            if province is None:
                raise CommandError(_("There is no province with code %(code)s.") % {"code": province_code})
            return None, province
        if role in ADMINISTRATORS and (commune_code or province_code):
            raise CommandError(_("A system administrator belongs to no commune or province."))
        return None, None

    @staticmethod
    def describe(error: ValidationError):
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                for message in messages:
                    yield f"{field}: {message}"
        else:
            yield from error.messages
