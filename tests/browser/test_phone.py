# SPDX-License-Identifier: AGPL-3.0-or-later
"""On a phone (375 × 740 CSS pixels) the pages fit the screen and the navigation can be used.

Wide tables may scroll sideways inside their own wrapper; the page itself never does, or every line
of text would need a sideways swipe.
"""

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
# WCAG 2.2, 2.5.8 Target Size (Minimum): 24 × 24 CSS pixels.
TARGET = 24


def overflow(page) -> dict:
    return page.evaluate("""() => ({scrollWidth: document.scrollingElement.scrollWidth,
                                    innerWidth: window.innerWidth,
                                    clientWidth: document.documentElement.clientWidth})""")


def assert_fits(page):
    sizes = overflow(page)
    # innerWidth alone could grow if a mobile browser zoomed out to fit a too-wide page; the viewport cannot.
    assert sizes["scrollWidth"] <= min(sizes["innerWidth"], PHONE["viewport"]["width"]), sizes


def assert_navigation_usable(page):
    nav = page.get_by_role("navigation").first
    expect(nav).to_be_visible()
    links = nav.get_by_role("link")
    assert links.count() >= 2
    for i in range(links.count()):
        link = links.nth(i)
        expect(link).to_be_visible()
        box = link.bounding_box()
        assert box is not None
        name = link.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"], f"{name} is off screen: {box}"
        assert box["height"] >= TARGET and box["width"] >= TARGET, f"{name} is too small to tap: {box}"


def test_the_components_page_fits_a_phone(new_context, url):
    page = new_context(**PHONE).new_page()
    page.goto(url("catalogue:components"))
    expect(page.get_by_role("table").first).to_be_visible()
    assert_fits(page)
    assert_navigation_usable(page)
    # The navigation works by touch: "Home" leads home, and that page fits too.
    page.get_by_role("navigation").first.get_by_role("link", name="Trang chủ").tap()
    expect(page).to_have_url(url("ui:home"))
    assert_fits(page)


def test_the_roadmap_fits_a_phone(signed_in, url, system_scope):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    page = signed_in(alice, **PHONE)
    page.goto(url("catalogue:roadmap", testing.COMMUNE_A))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_fits(page)
    assert_navigation_usable(page)
    # From the roadmap, "The model" in the navigation opens the components page, which fits too.
    page.get_by_role("navigation").first.get_by_role("link", name="Mô hình").tap()
    expect(page).to_have_url(url("catalogue:components"))
    assert_fits(page)
