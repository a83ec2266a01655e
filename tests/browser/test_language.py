# SPDX-License-Identifier: AGPL-3.0-or-later
"""Vietnamese by default, English by the switch in the header, and back (DESIGN: Vietnamese first)."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Letters only Vietnamese has among the two languages: the precomposed vowels with tone marks
# (U+1EA0–U+1EF9) and ă â đ ê ô ơ ư.
VIETNAMESE = re.compile(r"[\u1ea0-\u1ef9ăâđêôơưĂÂĐÊÔƠƯ]")


def body_text(page) -> str:
    return page.locator("body").inner_text()


def test_it_speaks_vietnamese_to_an_english_browser(new_context, url):
    """A commune's computer often runs an English browser; the site still opens in Vietnamese."""
    page = new_context(locale="en-US").new_page()
    page.goto(url("ui:home"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    assert VIETNAMESE.search(body_text(page))


def test_it_switches_to_english_and_back(page, url):
    page.goto(url("catalogue:components"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    nav = page.get_by_role("navigation").first
    expect(nav.get_by_role("link", name="Trang chủ")).to_be_visible()
    assert VIETNAMESE.search(body_text(page))

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # The switch brings the visitor back to the page they were on.
    assert page.url.startswith(url("catalogue:components"))
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    chrome = page.locator("header").inner_text() + page.locator("footer").inner_text()
    assert not VIETNAMESE.search(chrome.replace("Tiếng Việt", "")), chrome

    # The choice holds on the next page.
    page.goto(url("ui:home"))
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("navigation").first.get_by_role("link", name="Trang chủ")).to_be_visible()
