"""Search that forgives (issue 14) in a real browser at the phone viewport (360x800), on the
demo catalogue of `flask seed-demo`: a typo in the search box gets a suggestion, a misspelt
search lists what was meant with the correction note and a way back to the typed words, a
kecamatan lists its stores' products, and nonsense gets categories instead of filters."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.support import axe_violations, describe_violations

pytestmark = pytest.mark.browser


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_typos_places_and_nothing_at_the_phone_viewport(contexts):
    page = contexts.page("phone")
    page.goto("/")
    search = page.get_by_role("searchbox", name="Cari produk")

    # Typing "keripk": a suggestion for keripik (a search, the store and products).
    search.press_sequentially("keripk", delay=30)
    suggestions = page.locator("#suggestions")
    expect(suggestions.get_by_role("link", name="Cari keripik tempe", exact=True)).to_be_visible()
    expect(suggestions.get_by_role("link", name=re.compile("Keripik Tempe Bu Sri"))).to_be_visible()
    box = suggestions.get_by_role("link", name="Cari keripik tempe", exact=True).bounding_box()
    assert box["height"] >= 44

    # Submitting "keripk tempe": keripik tempe products, the note, the exact search.
    search.fill("keripk tempe")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/cari\?q=keripk\+tempe"))
    note = page.locator("#search-correction")
    expect(note).to_contain_text("Menampilkan hasil untuk keripik tempe")
    cards = page.locator(".product-card .product-name")
    expect(cards.first).to_contain_text("Keripik Tempe")
    assert all("Keripik Tempe" in name for name in cards.all_inner_texts()[:3])
    exact = note.get_by_role("link", name="Cari persis “keripk tempe”")
    assert exact.bounding_box()["height"] >= 44
    _no_sideways_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
    exact.click()
    expect(page).to_have_url(re.compile(r"exact=1"))
    expect(page.locator("#no-results")).to_be_visible()

    # "sukun": the products of the stores in Kec. Sukun, labelled as such.
    page.goto("/")
    search = page.get_by_role("searchbox", name="Cari produk")
    search.fill("sukun")
    search.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Produk dari Kec. Sukun")
    expect(page.locator(".product-card").first).to_be_visible()
    expect(page.locator(".product-card", has_text="Keripik Tempe Bu Sri").first).to_be_visible()
    _no_sideways_scroll(page)

    # Nonsense: categories and popular products, no filter or sort controls.
    page.goto("/")
    search = page.get_by_role("searchbox", name="Cari produk")
    search.fill("xqzvwq")
    search.press("Enter")
    no_results = page.locator("#no-results")
    expect(no_results).to_contain_text("Tidak ada produk yang cocok dengan “xqzvwq”.")
    expect(no_results.locator(".category-grid a").first).to_be_visible()
    expect(page.locator("form.filters")).to_have_count(0)
    expect(page.locator("#f-sort")).to_have_count(0)
    _no_sideways_scroll(page)
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)
