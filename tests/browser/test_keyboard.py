# SPDX-License-Identifier: AGPL-3.0-or-later
"""Keyboard and screen-reader use: the skip link comes first, and every form control has a name.

The accessible names are Chromium's own (its accessibility tree, through the DevTools protocol), the
ones a screen reader announces; a control whose name is empty cannot be told apart from its neighbours.
"""

import pytest
from playwright.sync_api import expect

from xaso import testing
from xaso.core.accounts.roles import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Roles (as Chromium's accessibility tree spells them) of things a person fills in or presses. Not
# "MenuListPopup": the unnamed inner popup of every <select>, which the select's own name covers.
CONTROL_ROLES = {
    "textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "spinbutton", "slider", "switch",
    "button", "Date", "DateTime", "InputTime",
}
SKIP = "Chuyển đến nội dung chính"


def unnamed_controls(page) -> list[str]:
    """The form controls of the page that Chromium gives no accessible name (after checking it saw some)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    unnamed = []
    seen = 0
    for node in nodes:
        role = node.get("role", {}).get("value")
        if node.get("ignored") or role not in CONTROL_ROLES:
            continue
        seen += 1
        if not str(node.get("name", {}).get("value", "")).strip():
            unnamed.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    assert seen >= 2, "the accessibility tree shows no form control: is the page there?"
    return unnamed


def unlabelled_fields(page) -> list[str]:
    """Inputs, selects and text areas that have neither a <label> nor an aria-label(ledby)."""
    return page.evaluate("""() => Array.from(
        document.querySelectorAll('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea')
      ).filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                     && !el.getAttribute('aria-labelledby'))
       .map(el => el.outerHTML.slice(0, 120))""")


def count_fields(page) -> int:
    return page.locator("input:not([type=hidden]), select, textarea").count()


def assert_skip_link_works(page):
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=SKIP)
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown to sighted keyboard users too
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues inside the content, not back at the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "Tab after the skip link left main"


def test_it_focuses_the_skip_link_first_and_jumps_to_main(page, url):
    page.goto(url("ui:home"))
    assert_skip_link_works(page)


def test_it_offers_the_skip_link_on_the_roadmap_too(signed_in, url, system_scope):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    page = signed_in(alice)
    page.goto(url("catalogue:roadmap", testing.COMMUNE_A))
    assert_skip_link_works(page)


def test_it_names_every_control_of_the_sign_in_page(page, url):
    page.goto(url("accounts:login"))
    assert count_fields(page) >= 2  # username and password at least
    assert unlabelled_fields(page) == []
    assert unnamed_controls(page) == []


def test_it_names_every_control_of_the_second_factor_page(page, enter_password, system_scope):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    enter_password(page, alice)
    assert count_fields(page) >= 1
    assert unlabelled_fields(page) == []
    assert unnamed_controls(page) == []


def test_it_names_every_control_of_the_adoption_form(signed_in, url, tracked_component):
    alice = testing.make_user("alice", Role.IT_OFFICER, commune=testing.COMMUNE_A)
    page = signed_in(alice)
    page.goto(url("catalogue:adoption", testing.COMMUNE_A, tracked_component.key))
    assert count_fields(page) >= 2  # status and more
    assert unlabelled_fields(page) == []
    assert unnamed_controls(page) == []
