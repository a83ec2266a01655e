# SPDX-License-Identifier: AGPL-3.0-or-later
import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from xaso import testing
from xaso.core import tenancy
from xaso.core.places.models import Village
from xaso.core.text import fold


@pytest.fixture
def villages(users):
    a = Village.objects.create(commune_id=testing.COMMUNE_A, name="Tổ dân phố 1")
    b = Village.objects.create(commune_id=testing.COMMUNE_B, name="Thôn Đông")
    hanoi = Village.objects.create(commune_id="00004", name="Tổ dân phố Ba Đình")
    return a, b, hanoi


def names(user):
    with tenancy.acting_as(user):
        return set(Village.objects.values_list("name", flat=True))


def test_it_refuses_to_query_without_a_scope(villages):
    token = tenancy._active.set(None)
    try:
        with pytest.raises(tenancy.ScopeError):
            list(Village.objects.all())
    finally:
        tenancy._active.reset(token)


def test_each_user_sees_their_own_place(users, villages):
    assert names(users["alice"]) == {"Tổ dân phố 1"}
    assert names(users["charlie"]) == {"Thôn Đông"}
    assert names(users["paula"]) == {"Tổ dân phố 1", "Thôn Đông"}  # the whole province of Quảng Ninh
    assert names(users["oscar"]) == {"Tổ dân phố Ba Đình"}  # Hà Nội
    assert names(users["ada"]) == {"Tổ dân phố 1", "Thôn Đông", "Tổ dân phố Ba Đình"}
    assert names(users["cindy"]) == set()  # villages are not public records
    assert names(None) == set()


def test_an_official_without_the_second_factor_is_anonymous(users):
    alice = users["alice"]
    alice.is_verified = lambda: False  # as django-otp's middleware marks a password-only session
    assert tenancy.scope_for(alice) == tenancy.ANONYMOUS
    alice.is_verified = lambda: True
    assert tenancy.scope_for(alice).commune_id == testing.COMMUNE_A


def test_a_disabled_account_sees_nothing(users):
    alice = users["alice"]
    alice.is_active = False
    assert tenancy.scope_for(alice) == tenancy.ANONYMOUS


def test_an_official_of_a_commune_belongs_to_its_province(users):
    assert users["alice"].province_id == testing.PROVINCE
    assert TOTPDevice.objects.filter(user=users["alice"], confirmed=True).exists()


def test_fold_makes_vietnamese_searchable():
    assert fold("Phường Hạ Long") == "phuong ha long"
    assert fold("Đặc khu Vân Đồn") == "dac khu van don"
    assert fold("HỒ SƠ") == "ho so"
