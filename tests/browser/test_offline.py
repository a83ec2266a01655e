# SPDX-License-Identifier: AGPL-3.0-or-later
"""No page loads anything from the Internet: communes run on intranets and weak links (DESIGN).

Every browser test already fails if any request left the live server (tests/browser/conftest.py);
this one walks the main pages as each kind of visitor, waits until the network is idle so that late
loads (fonts, scripts, images) are caught too, and says so in its own name.
"""

import pytest

from xaso import testing
from xaso.core.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def visit(page, address):
    response = page.goto(address, wait_until="networkidle")
    assert response is not None and response.ok, f"{address} answered {response and response.status}"


def test_no_request_leaves_the_host(new_context, signed_in, url, requests_seen, requests_outside,
                                    tracked_component, system_scope):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    paula = testing.make_user("paula", Role.PROVINCE_OFFICIAL, province=testing.PROVINCE)

    anonymous = new_context().new_page()
    for name in ("ui:home", "catalogue:components", "accounts:login"):
        visit(anonymous, url(name))
    visit(anonymous, url("catalogue:component", tracked_component.key))

    official = signed_in(alice)
    visit(official, url("catalogue:roadmap", testing.COMMUNE_A))
    visit(official, url("catalogue:adoption", testing.COMMUNE_A, tracked_component.key))
    visit(official, url("places:villages", testing.COMMUNE_A))

    province = signed_in(paula)
    visit(province, url("catalogue:matrix"))
    visit(province, url("catalogue:matrix", query=f"?province={testing.PROVINCE}"))

    # The recording saw the pages and their stylesheet, so an empty answer below means something.
    assert any(u.endswith(".css") for u in requests_seen), requests_seen
    assert len(requests_seen) >= 9
    assert requests_outside() == []
