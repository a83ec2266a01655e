# SPDX-License-Identifier: AGPL-3.0-or-later
"""Test support shared by every module's tests: the named users and signing them in.

After healthchecks' alice/bob/charlie: Alice and Bob are officials of commune A (an urban ward of
Quảng Ninh), Charlie is an official of commune B (a rural commune of the same province), Paula a
province official of Quảng Ninh, Oscar a province official of another province, Cindy a citizen,
Ada the system administrator. In commune A, Olivia is a one-stop officer, Sam a specialist and Hana the
chairperson: the people a dossier passes through.
"""

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso.core.accounts.models import User
from xaso.core.accounts.roles import Role
from xaso.core.places.models import Commune, Province

COMMUNE_A = "06688"  # Phường Hạ Long, urban
COMMUNE_B = "06862"  # Xã Tiên Yên, rural
COMMUNE_C = "06994"  # Đặc khu Vân Đồn, mountain (island)
PROVINCE = "22"  # Quảng Ninh
OTHER_PROVINCE = "01"  # Hà Nội
PASSWORD = "correct horse battery staple"  # noqa: S105 (test accounts only)


def make_user(username: str, role: str, *, commune: str | None = None, province: str | None = None,
              totp: bool | None = None, **extra) -> User:
    user = User(username=username, role=role, full_name=username.title(), **extra)
    if commune:
        user.commune = Commune.objects.get(pk=commune)
    if province:
        user.province = Province.objects.get(pk=province)
    user.set_password(PASSWORD)
    user.full_clean(exclude=["password"])
    user.save()
    if totp if totp is not None else user.needs_second_factor:
        TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    return user


def named_users() -> dict[str, User]:
    return {
        "alice": make_user("alice", Role.IT_OFFICER, commune=COMMUNE_A),
        "bob": make_user("bob", Role.CLERK, commune=COMMUNE_A),
        "charlie": make_user("charlie", Role.CHAIRPERSON, commune=COMMUNE_B),
        "paula": make_user("paula", Role.PROVINCE_OFFICIAL, province=PROVINCE),
        "oscar": make_user("oscar", Role.PROVINCE_OFFICIAL, province=OTHER_PROVINCE),
        "cindy": make_user("cindy", Role.CITIZEN, oidc_subject="fake-cindy"),
        "ada": make_user("ada", Role.SYSTEM_ADMIN),
        "olivia": make_user("olivia", Role.ONE_STOP_OFFICER, commune=COMMUNE_A),
        "sam": make_user("sam", Role.SPECIALIST, commune=COMMUNE_A),
        "hana": make_user("hana", Role.CHAIRPERSON, commune=COMMUNE_A),
    }


def sign_in(client, user: User) -> None:
    """Sign in as after password and second factor: what every page test needs."""
    client.force_login(user, backend="xaso.core.accounts.backends.OfficialBackend"
                       if user.needs_second_factor else "xaso.core.accounts.oidc.CitizenOIDCBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
