# SPDX-License-Identifier: AGPL-3.0-or-later
"""The demo: one real province (Quảng Ninh) with an urban, a rural and a mountain/island commune.

`xaso demo` loads it; `make demo` runs it before serving. It is for trying xaso on a laptop and for
training officials, never for production (the command refuses when XASO_ENV=production).

What it makes, and keeps on every later run (it is idempotent: a second run creates no row):

* villages (tổ dân phố in the ward, thôn and bản in the rural commune, thôn on the islands);
* one official for every commune role in each commune, a province official and a system
  administrator, each with a password and a confirmed TOTP device (the second factor officials need);
* a citizen and a business representative, who have no password: they sign in through the local
  OpenID Connect test provider (xaso.core.accounts.fake_idp) with the personal identification number
  given here, which the provider turns into the subject their account is keyed by;
* sample adoption records over the components that apply to each commune, so that the roadmap and the
  province matrix have something to show.

Everything goes through the same services as a real deployment (`official_create`, `village_create`,
`adoption_update`, ...), so it is validated and written to the audit trail like anything a person does.

Passwords are drawn at random (``secrets``) on the first run and written with the TOTP secrets to
``var/demo-accounts.json``. A later run reuses a password from that file while it still signs the user
in, and draws a new one otherwise (the file was lost, or someone changed the password), so what is
printed always works.
"""

from __future__ import annotations

import json
import random
import secrets
from base64 import b32encode
from binascii import unhexlify
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core import tenancy
from xaso.core.accounts import services as accounts_services
from xaso.core.accounts.fake_idp import subject_for
from xaso.core.accounts.models import User
from xaso.core.accounts.roles import Role
from xaso.core.audit.services import record
from xaso.core.catalogue import services as catalogue_services
from xaso.core.catalogue.models import Adoption, Component, Status
from xaso.core.places import services as places_services
from xaso.core.places.models import Commune, Province, Village

PROVINCE = "22"  # Quảng Ninh
ACCOUNTS_FILE = "demo-accounts.json"

# The order in which the commune roles are listed (the order of the glossary).
COMMUNE_ROLES = (
    Role.CHAIRPERSON, Role.VICE_CHAIRPERSON, Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.CLERK,
    Role.IT_OFFICER, Role.VILLAGE_HEAD, Role.DIGITAL_TEAM_MEMBER,
)

T = Village.Kind


@dataclass(frozen=True)
class DemoCommune:
    code: str
    slug: str  # the prefix of its users' names
    villages: tuple[tuple[str, str], ...]
    staff: tuple[str, ...]  # full names, in the order of COMMUNE_ROLES
    # How far the commune has come: weights of live, in progress, planned, not started.
    progress: tuple[int, int, int, int]
    # A rough outline (longitude, latitude) drawn for the demo around the commune's centre: NOT the official
    # boundary, which the province imports with `xaso places boundaries`.
    outline: tuple[tuple[float, float], ...]


COMMUNES = (
    DemoCommune(
        code="06688", slug="halong",
        villages=(("Tổ dân phố 1 Hồng Hà", T.TO_DAN_PHO), ("Tổ dân phố 3 Hồng Hải", T.TO_DAN_PHO),
                  ("Tổ dân phố 5 Bạch Đằng", T.TO_DAN_PHO), ("Tổ dân phố 2 Trần Hưng Đạo", T.TO_DAN_PHO),
                  ("Tổ dân phố 7 Cao Xanh", T.TO_DAN_PHO), ("Tổ dân phố 4 Yết Kiêu", T.TO_DAN_PHO)),
        staff=("Nguyễn Văn Hùng", "Trần Thị Thu Hà", "Lê Minh Tuấn", "Phạm Thị Lan", "Vũ Đức Thắng",
               "Hoàng Quốc Việt", "Đỗ Văn Bình", "Bùi Thị Ngọc Ánh"),
        progress=(45, 25, 15, 15),
        outline=((107.066, 20.938), (107.128, 20.938), (107.132, 20.972), (107.095, 20.984), (107.066, 20.968)),
    ),
    DemoCommune(
        code="06862", slug="tienyen",
        villages=(("Thôn Khe Tiên", T.THON), ("Thôn Đồng Châu", T.THON), ("Thôn Hải Yên", T.THON),
                  ("Bản Khe Mằn", T.BAN), ("Bản Nà Thấu", T.BAN)),
        staff=("Hoàng Văn Thái", "Nông Thị Mai", "Lục Văn Sơn", "Triệu Thị Hoa", "Ninh Văn Quang",
               "Chu Minh Đức", "Lý Văn Páo", "Đặng Thị Hương"),
        progress=(20, 25, 30, 25),
        outline=((107.32, 21.27), (107.47, 21.27), (107.47, 21.41), (107.32, 21.41)),
    ),
    DemoCommune(
        code="06994", slug="vandon",
        villages=(("Thôn Cái Rồng", T.THON), ("Thôn Đông Xá", T.THON), ("Thôn Quan Lạn", T.THON),
                  ("Thôn Minh Châu", T.THON), ("Thôn Ngọc Vừng", T.THON)),
        staff=("Phạm Văn Đông", "Ngô Thị Hằng", "Đinh Văn Lợi", "Mai Thị Yến", "Trịnh Văn Hải",
               "Cao Minh Khoa", "Lê Văn Biển", "Vương Thị Thảo"),
        progress=(10, 20, 30, 40),
        outline=((107.33, 20.88), (107.72, 20.88), (107.72, 21.26), (107.33, 21.26)),
    ),
)

# (username, role, full name, the made-up 12-digit personal identification number of people who sign in
# through the OpenID Connect provider: 022 is Quảng Ninh's code on the chip-based identity card)
OTHERS = (
    ("quangninh-province", Role.PROVINCE_OFFICIAL, "Đoàn Thị Phương", None),
    ("xaso-admin", Role.SYSTEM_ADMIN, "Tạ Quang Minh", None),
    ("demo-citizen", Role.CITIZEN, "Nguyễn Thị Dân", "022190004321"),
    ("demo-business", Role.BUSINESS, "Trần Văn Hải", "022085006789"),
)

NOTES_LIVE = (
    "Đã vận hành; biên bản nghiệm thu lưu tại Văn phòng UBND.",
    "Đang dùng hằng ngày; số liệu báo cáo tháng gần nhất đạt yêu cầu.",
    "Đã triển khai cho toàn bộ cán bộ, công chức.",
)


@dataclass
class Account:
    username: str
    password: str | None
    role: str
    commune_code: str | None
    full_name: str
    totp_secret: str | None = None  # base32, as authenticator apps take it
    totp_uri: str | None = None  # otpauth://, for a QR code
    personal_id: str | None = None  # what a citizen or business types into the test provider
    oidc_subject: str | None = None  # what the provider then tells xaso

    def as_json(self) -> dict:
        data = asdict(self)
        for key in ("totp_secret", "totp_uri", "personal_id", "oidc_subject"):
            if data[key] is None:
                del data[key]
        return data


@dataclass
class Result:
    accounts: list[Account] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: {
        "villages": 0, "users": 0, "devices": 0, "adoptions": 0, "boundaries": 0})
    path: Path | None = None

    @property
    def created_anything(self) -> bool:
        return any(self.created.values())


def accounts_path() -> Path:
    return Path(settings.VAR_DIR) / ACCOUNTS_FILE


def load(*, today: date | None = None) -> Result:
    """Create what is missing of the demo, write the accounts file and return what was made."""
    today = today or timezone.localdate()
    known = _known_passwords()
    result = Result()
    with tenancy.unscoped(), transaction.atomic():
        province = Province.objects.get(pk=PROVINCE)
        for demo in COMMUNES:
            commune = Commune.objects.get(pk=demo.code)
            staff = {role: _user(f"{demo.slug}-{role.replace('_', '-')}", role, name, commune=commune,
                                 known=known, result=result)
                     for role, name in zip(COMMUNE_ROLES, demo.staff, strict=True)}
            _villages(commune, demo, staff[Role.CLERK], result)
            _adoptions(commune, demo, staff, today, result)
        others = {username: _user(username, role, name, personal_id=personal_id, known=known, result=result,
                                  province=province if role == Role.PROVINCE_OFFICIAL else None)
                  for username, role, name, personal_id in OTHERS}
        for demo in COMMUNES:
            _boundary(Commune.objects.get(pk=demo.code), demo, others["quangninh-province"], result)
        # Each module's own demo data, in the order of INSTALLED_APPS (a module's manifest names it).
        for config in apps.get_app_configs():
            if seed := getattr(config, "xaso_demo", None):
                for what, n in import_string(seed)(today=today).items():
                    result.created[what] = result.created.get(what, 0) + n
        if result.created_anything:
            record(actor=None, action="xaso.demo.loaded", obj=province, after=result.created)
    result.path = _write(result.accounts)
    return result


def _known_passwords() -> dict[str, str]:
    try:
        rows = json.loads(accounts_path().read_text(encoding="utf-8"))
        return {row["username"]: row["password"] for row in rows if row.get("password")}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _boundary(commune: Commune, demo: DemoCommune, province_official: User, result: Result) -> None:
    """Set by the province official, once: a boundary someone changed on the page is left as it is."""
    if commune.boundary is None:
        ring = [list(point) for point in (*demo.outline, demo.outline[0])]
        places_services.commune_set_boundary(actor=province_official, commune=commune,
                                             geometry={"type": "Polygon", "coordinates": [ring]})
        result.created["boundaries"] += 1


def _villages(commune: Commune, demo: DemoCommune, clerk: User, result: Result) -> None:
    """Entered by the commune's clerk, as they would be by hand (so the audit trail has them too)."""
    for name, kind in demo.villages:
        if not Village.objects.filter(commune=commune, name=name).exists():
            places_services.village_create(actor=clerk, commune=commune, name=name, kind=kind)
            result.created["villages"] += 1


def _user(username: str, role: str, full_name: str, *, known: dict[str, str], result: Result,
          commune: Commune | None = None, province: Province | None = None, personal_id: str | None = None) -> User:
    user = User.objects.filter(username=username).first()
    oidc_subject = subject_for(_account_type(role), personal_id) if personal_id else None
    password = None
    if user is None and personal_id:
        # As the OpenID Connect backend makes them: keyed by the subject, no password.
        user = User.objects.create_user(username=username, role=role, full_name=full_name, oidc_subject=oidc_subject)
        result.created["users"] += 1
    elif user is None:
        # As a deployment makes its first officials (`xaso create_official`): validated and audited.
        password = _draw_password(User(username=username, full_name=full_name))
        user = accounts_services.official_create(actor=None, username=username, role=role, commune=commune,
                                                 province=province, password=password, full_name=full_name)
        result.created["users"] += 1
    elif oidc_subject and user.oidc_subject != oidc_subject:  # the provider's salt in var/ was made anew
        user.oidc_subject = oidc_subject
        user.save(update_fields=["oidc_subject"])
    account = Account(username=username, password=None, role=user.role, commune_code=user.commune_id,
                      full_name=user.full_name, personal_id=personal_id, oidc_subject=user.oidc_subject)
    if user.needs_second_factor:
        account.password = password or _password(user, known.get(username))
        device = _device(user, result)
        account.totp_secret = b32encode(unhexlify(device.key)).decode()
        account.totp_uri = device.config_url
    if not user.is_active:  # e.g. disabled after 45 days unused: the demo is for trying things out
        user.is_active = True
        user.save(update_fields=["is_active"])
    result.accounts.append(account)
    return user


def _account_type(role: str) -> str:
    return "business" if role == Role.BUSINESS else "citizen"


def _password(user: User, known: str | None) -> str:
    if known and user.check_password(known):
        return known
    password = _draw_password(user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return password


def _draw_password(user: User) -> str:
    """A random password the site's validators accept: one in a great many random strings holds the letters
    of the user's name closely enough for the similarity check to refuse it."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:
            continue
        return password


def _device(user: User, result: Result) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        # Enrolled as at a first sign-in, except that the secret is printed instead of shown as a QR code.
        device = accounts_services.totp_device_confirm(
            actor=user, device=TOTPDevice.objects.create(user=user, name="demo", confirmed=False))
        result.created["devices"] += 1
    return device


def _adoptions(commune: Commune, demo: DemoCommune, staff: dict[str, User], today: date, result: Result) -> None:
    """Varied statuses over the applicable components, the same on every machine (seeded by the code).

    Each record is set by its owner through the catalogue's service, so that its history (read from the
    audit trail) shows who set it."""
    rng = random.Random(f"xaso-demo-{demo.code}")  # sample data, not a secret
    owners = [staff[Role.IT_OFFICER], staff[Role.CHAIRPERSON], staff[Role.VICE_CHAIRPERSON]]
    have = set(Adoption.objects.filter(commune=commune).values_list("component_id", flat=True))
    for component in Component.objects.filter(Component.applicable_q(commune.area_type)).order_by("position"):
        # Every draw is made for every component, so that a later run draws the same for each one.
        status = rng.choices([Status.LIVE, Status.IN_PROGRESS, Status.PLANNED, Status.NOT_STARTED],
                             weights=demo.progress)[0]
        days, owner, note = rng.randint(-60, 540), rng.choice(owners), rng.choice(NOTES_LIVE)
        if component.key in have or status == Status.NOT_STARTED:  # no row means not started
            continue
        target = None
        if status == Status.IN_PROGRESS:  # within half a year, and some overdue for the roadmap to show
            target = today + timedelta(days=days // 3)
        elif status == Status.PLANNED:
            target = today + timedelta(days=90 + abs(days))
        catalogue_services.adoption_update(actor=owner, commune=commune, component=component, status=status,
                                           owner=owner, target_date=target, notes=note if status == Status.LIVE else "")
        result.created["adoptions"] += 1


def _write(accounts: list[Account]) -> Path:
    path = accounts_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps([a.as_json() for a in accounts], ensure_ascii=False, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)  # passwords and second-factor secrets, if only of demo users
    return path
