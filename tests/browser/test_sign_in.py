# SPDX-License-Identifier: AGPL-3.0-or-later
"""Signing in as each kind of person, through the real forms, and what each then sees.

An official signs in with password then TOTP code, lands on their commune's roadmap, changes one
component's status through the adoption form and sees it; a province official of the same province
sees the change in the matrix. A citizen signs in through the fake VNeID provider, sees the public
model pages, and gets no roadmap of any commune.
"""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from xaso import testing
from xaso.core import tenancy
from xaso.core.accounts.models import User
from xaso.core.accounts.roles import Role
from xaso.core.catalogue.models import Adoption, Status
from xaso.core.places.models import Commune

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STATUS = re.compile(r"^(trạng thái|status)$", re.I)
SAVE = re.compile(r"^(lưu|save)$", re.I)
ROADMAP = re.compile(r"lộ trình của xã|our roadmap", re.I)
VNEID = re.compile(r"vneid", re.I)
FULL_NAME = re.compile(r"^(họ và tên|full name)", re.I)
PERSONAL_ID = re.compile(r"^(số định danh cá nhân|personal identification number)", re.I)
SIGN_IN = re.compile(r"^(đăng nhập|sign in)$", re.I)


def vi(text) -> str:
    with translation.override("vi"):
        return str(text)


def matrix_cell(page, commune_name: str, layer_key: str) -> tuple[int, int]:
    """(live, applicable) of one commune in one layer, read off the matrix table as rendered: innerText,
    so "3/14" and the share below it ("21%") must be apart on screen, not run together as "3/1421%"."""
    text = page.get_by_role("table").evaluate(
        """(table, [name, key]) => {
            const heads = [...table.tHead.rows[0].cells].map(c => c.textContent.trim());
            const column = heads.indexOf(key);
            const row = [...table.tBodies[0].rows].find(r => r.cells[0].textContent.trim() === name);
            return column < 0 || !row ? null : row.cells[column].innerText.trim();
        }""",
        [commune_name, layer_key],
    )
    assert text, f"no cell for {commune_name} × {layer_key} in the matrix"
    live, applicable = re.match(r"(\d+)\s*/\s*(\d+)\b", text).groups()
    return int(live), int(applicable)


def test_an_official_changes_a_status_and_the_province_sees_it(new_context, url, sign_in_through_forms,
                                                               tracked_component, system_scope):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    paula = testing.make_user("paula", Role.PROVINCE_OFFICIAL, province=testing.PROVINCE)
    commune = Commune.objects.get(pk=testing.COMMUNE_A)
    component = tracked_component

    # The province official looks at the matrix first: the province's own, without choosing it.
    province = new_context().new_page()
    sign_in_through_forms(province, paula)
    expect(province).to_have_url(re.compile(re.escape(reverse("catalogue:matrix"))))
    before = matrix_cell(province, commune.name, component.layer_id)

    # The commune official signs in with password and code and lands on the commune's roadmap.
    page = new_context().new_page()
    sign_in_through_forms(page, alice)
    expect(page).to_have_url(url("catalogue:roadmap", commune.code))
    expect(page.get_by_role("heading", level=1)).to_contain_text(commune.name)
    expect(page.get_by_role("navigation").first.get_by_role("link", name=ROADMAP)).to_have_attribute(
        "aria-current", "page")

    # From the roadmap's table, to the component's record, and the form.
    page.get_by_role("rowheader").get_by_role("link", name=component.code, exact=True).click()
    expect(page).to_have_url(url("catalogue:adoption", commune.code, component.key))
    status = page.get_by_role("combobox", name=STATUS)
    expect(status).to_have_value(Status.NOT_STARTED)
    status.select_option(Status.LIVE)
    page.get_by_role("button", name=SAVE).click()

    # Saved, said so, and shown.
    expect(page).to_have_url(url("catalogue:adoption", commune.code, component.key))
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("combobox", name=STATUS)).to_have_value(Status.LIVE)
    with tenancy.unscoped():
        assert Adoption.objects.get(commune=commune, component=component).status == Status.LIVE
    page.goto(url("catalogue:roadmap", commune.code))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=component.code, exact=True))
    expect(row.first).to_contain_text(vi(Status.LIVE.label))

    # The province official of the same province sees it in the matrix.
    province.reload()
    live, applicable = matrix_cell(province, commune.name, component.layer_id)
    assert (live, applicable) == (before[0] + 1, before[1])


@pytest.fixture
def fake_vneid(settings, live_server):
    """Point the OpenID Connect client at the fake provider of *this* live server (its port is random)."""
    base = live_server.url + "/fake-idp"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks/"
    settings.XASO_OIDC_ISSUER = base
    return base


def test_a_citizen_signs_in_with_vneid_and_sees_only_what_is_public(page, url, fake_vneid, tracked_component,
                                                                     system_scope):
    page.goto(url("accounts:login"))
    page.get_by_role("link", name=VNEID).click()
    expect(page).to_have_url(re.compile(re.escape(fake_vneid + "/authorize/")))
    page.get_by_label(FULL_NAME).fill("Nguyễn Thị Hoa")
    page.get_by_label(PERSONAL_ID).fill("001190012345")
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(lambda u: "/fake-idp/" not in u and "/oidc/" not in u)

    # Signed in, as a citizen, by the provider's word alone.
    expect(page.locator("header")).to_contain_text("Nguyễn Thị Hoa")
    citizen = User.objects.get(full_name="Nguyễn Thị Hoa")
    assert citizen.role == Role.CITIZEN and citizen.oidc_subject and not citizen.has_usable_password()

    # The public model pages.
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name=ROADMAP)).to_have_count(0)
    for address in (url("catalogue:components"), url("catalogue:component", tracked_component.key)):
        response = page.goto(address)
        assert response.status == 200, address
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(tracked_component.code)

    # No roadmap of any commune: their own province's, another province's, nor a record of one.
    for code in (testing.COMMUNE_A, testing.COMMUNE_B, "00004"):
        response = page.goto(url("catalogue:roadmap", code))
        assert response.status == 404, f"roadmap of {code}: {response.status}"
    response = page.goto(url("catalogue:adoption", testing.COMMUNE_A, tracked_component.key))
    assert response.status == 404
