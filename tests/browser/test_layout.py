"""The phone layout (issue 13, points 5-9, 11, 17) in a real browser at 360x800.

The walk visits the pages every role uses, in both languages, and on each one measures:
- nothing is wider than the screen (document.scrollingElement.scrollWidth <= 360), including
  a 300-character search and the admin's store review;
- everything sticky or fixed together takes at most 200 px (25 % of 800);
- every button and navigation link is at least 44x44 CSS px;
- no request of the page (CSS, script, favicon, pictures) fails.
It also writes a screenshot of the main pages to test-artifacts/screens/ (README, "Screens"),
so anyone can look at every page after `make test`.
"""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.support import form_headers, login

pytestmark = pytest.mark.browser

SCREENS = ARTIFACTS / "screens"
WIDTH, HEIGHT = 360, 800
MAX_STICKY = 200
MIN_TARGET = 44
LONG_QUERY = ("keripiktempe" * 25)[:300]

MEASURE = """() => {
  const visible = el => {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none'
      && !el.closest('.visually-hidden, [hidden], .skip-link');
  };
  const name = el => (el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
    + ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40) + '"');
  const sticky = [];
  for (const el of document.querySelectorAll('body *')) {
    const position = getComputedStyle(el).position;
    if ((position === 'sticky' || position === 'fixed') && visible(el) && !sticky.some(o => o.el.contains(el))) {
      sticky.push({el, what: name(el), height: Math.round(el.getBoundingClientRect().height)});
    }
  }
  const small = [];
  const targets = 'button, .btn, summary, input[type=submit], input[type=button], nav a, select';
  for (const el of document.querySelectorAll(targets)) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 43.5 || r.height < 43.5) small.push(`${name(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return {
    width: document.scrollingElement.scrollWidth,
    sticky: sticky.map(s => `${s.what} ${s.height}px`),
    stickyHeight: sticky.reduce((sum, s) => sum + s.height, 0),
    small,
  };
}"""


class Walk:
    """Visits pages on one phone and keeps every problem found."""

    def __init__(self, page: Page, label: str):
        self.page, self.label, self.problems, self.failed = page, label, [], []
        page.on("response", self._response)

    def _response(self, response):
        if response.status >= 400 and response.request.resource_type != "document":
            self.failed.append(f"{response.status} {response.url}")

    def visit(self, path: str, screen: str | None = None, ok: bool = True) -> None:
        self.failed.clear()
        response = self.page.goto(path)
        assert response is not None
        if ok:
            assert response.ok, f"{path}: {response.status}"
        self.page.wait_for_load_state("load")
        self.check(path)
        if screen:
            SCREENS.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(SCREENS / f"{screen}.png"))
            self.page.screenshot(path=str(SCREENS / f"{screen}-full.png"), full_page=True)

    def check(self, where: str) -> None:
        found = self.page.evaluate(MEASURE)
        prefix = f"[{self.label}] {where}"
        if found["width"] > WIDTH:
            self.problems.append(f"{prefix}: {found['width']} px wide")
        if found["stickyHeight"] > MAX_STICKY:
            self.problems.append(f"{prefix}: sticky {found['stickyHeight']} px: {found['sticky']}")
        if found["small"]:
            self.problems.append(f"{prefix}: targets under 44x44: {found['small']}")
        if self.failed:
            self.problems.append(f"{prefix}: failed requests {self.failed}")

    def assert_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def _set_language(page: Page, lang: str) -> None:
    page.goto("/")
    response = page.request.post("/bahasa", form={"lang": lang, "next": "/"},
                                 headers=form_headers(page))
    assert response.ok, response.status
    page.goto("/")
    assert page.evaluate("() => document.documentElement.lang").startswith(lang)


@pytest.fixture(params=["id", "en"])
def language(request):
    return request.param


def _phone(contexts, data, language, email=None, password=None):
    page = contexts.page("phone")
    if email:
        login(page, email, password or data["password"])
    if language != "id":
        _set_language(page, language)
    return page


def _restore(page: Page, language: str) -> None:
    # Signed-in people keep their language on the account: give it back for the other tests.
    if language != "id":
        _set_language(page, "id")


def test_visitor_pages(contexts, data, language):
    page = _phone(contexts, data, language)
    walk = Walk(page, f"visitor/{language}")
    screens = language == "id"
    product = data["stores"][0]["product"]
    walk.visit("/", "home" if screens else None)
    walk.visit("/kategori/makanan-minuman", "category" if screens else None)
    walk.visit(f"/produk/{product['id']}", "product" if screens else None)
    walk.visit(f"/produk/{data['layout']['sold_out']['id']}")
    walk.visit(f"/cari?q={LONG_QUERY}", "search-long" if screens else None)
    walk.visit(f"/cari?q={data['search_term']}")
    walk.visit(f"/toko/{data['stores'][1]['slug']}")
    walk.visit("/keranjang")
    walk.visit("/auth/login")
    walk.visit("/auth/register")
    walk.visit("/transparansi", "transparency" if screens else None)
    walk.visit("/tidak-ada-halaman-ini", "not-found" if screens else None, ok=False)
    walk.assert_clean()


def test_buyer_pages(contexts, data, language):
    layout = data["layout"]
    page = _phone(contexts, data, language, layout["buyer"]["email"])
    try:
        walk = Walk(page, f"buyer/{language}")
        screens = language == "id"
        walk.visit("/keranjang", "cart" if screens else None)
        walk.visit("/checkout", "checkout" if screens else None)
        walk.visit("/pesanan")
        walk.visit(f"/pesanan/{layout['completed_order']}", "order" if screens else None)
        walk.visit(f"/pesanan/{layout['pending_order']}")
        walk.visit("/akun")
        walk.visit("/notifikasi")
        walk.visit("/seller/")
        # The account menu, open.
        page.goto("/")
        page.locator(".account-menu summary").click()
        walk.check("/ (account menu open)")
        expect(page.locator(".account-menu").get_by_role("link", name=re.compile("Akun saya|My account"))).to_be_visible()
        page.locator("main h2").first.click()
        expect(page.locator(".account-menu")).not_to_have_attribute("open", "")
        walk.assert_clean()
    finally:
        _restore(page, language)


def test_seller_pages(contexts, data, language):
    layout = data["layout"]
    page = _phone(contexts, data, language, layout["seller_email"])
    try:
        walk = Walk(page, f"seller/{language}")
        screens = language == "id"
        walk.visit("/seller/", "seller-dashboard" if screens else None)
        walk.visit("/seller/produk", "seller-products" if screens else None)
        walk.visit("/seller/produk/baru")
        walk.visit("/seller/pesanan")
        walk.visit(f"/seller/pesanan/{layout['pending_order']}", "seller-order" if screens else None)
        if language == "id":
            # "Terima pesanan" and the destructive "Batalkan pesanan…" do not touch, and look apart.
            accept = page.get_by_role("button", name="Terima pesanan").bounding_box()
            cancel_summary = page.locator(".cancel-box > summary")
            cancel = cancel_summary.bounding_box()
            assert cancel["y"] >= accept["y"] + accept["height"] + 16, (accept, cancel)
            assert cancel_summary.evaluate("el => getComputedStyle(el).color") == "rgb(179, 38, 30)"  # --red
        walk.visit("/seller/toko")
        walk.assert_clean()
    finally:
        _restore(page, language)


def test_admin_pages(contexts, data, language):
    page = _phone(contexts, data, language, data["admin"]["email"], data["admin"]["password"])
    try:
        walk = Walk(page, f"admin/{language}")
        screens = language == "id"
        walk.visit("/admin/", "admin-dashboard" if screens else None)
        walk.visit("/admin/verifikasi")
        walk.visit(f"/admin/toko/{data['layout']['pending_store_id']}", "admin-store-review" if screens else None)
        walk.visit("/admin/pengguna", "admin-users" if screens else None)
        walk.visit("/admin/produk")
        walk.visit("/admin/audit", "admin-audit" if screens else None)
        walk.visit("/admin/asn", "admin-asn" if screens else None)
        walk.visit("/admin/kategori")
        walk.visit("/admin/opd")
        walk.assert_clean()
    finally:
        _restore(page, language)


def test_header_hides_on_scroll_down_and_returns_on_scroll_up(contexts, data):
    page = contexts.page("phone")
    page.goto("/kategori/makanan-minuman")
    header = page.locator(".site-header")
    top = lambda: header.evaluate("el => el.getBoundingClientRect().bottom")  # noqa: E731
    assert 0 < top() <= 120, "one header row plus the search"
    page.mouse.wheel(0, 900)
    page.wait_for_function("() => window.scrollY > 600")
    expect(header).to_have_class(re.compile(r"\bis-hidden\b"))
    page.wait_for_timeout(400)  # the slide
    assert top() <= 0, "the header leaves the screen while scrolling down"
    page.mouse.wheel(0, -200)
    expect(header).not_to_have_class(re.compile(r"\bis-hidden\b"))
    page.wait_for_timeout(400)
    assert top() > 40, "and comes back on the way up"


def test_sold_out_products_are_greyed_and_listed_last(contexts, data):
    page = contexts.page("phone")
    sold_out = data["layout"]["sold_out"]["name"]
    page.goto("/kategori/makanan-minuman?per_page=48&sort=price_asc")
    cards = page.locator(".product-card")
    names = cards.locator(".product-name").all_inner_texts()
    assert sold_out in names
    unavailable = page.locator(".product-card.is-unavailable")
    first_unavailable = names.index(unavailable.first.locator(".product-name").inner_text())
    assert all(i >= first_unavailable for i, _ in enumerate(names) if i >= first_unavailable)
    assert unavailable.count() == len(names) - first_unavailable, "available products after a sold-out one"
    card = page.locator(".product-card", has_text=sold_out)
    expect(card.locator("button")).to_have_count(0)
    expect(card.locator(".availability")).to_have_text("Stok habis")
    assert card.evaluate("el => getComputedStyle(el.querySelector('img, .no-image')).filter").startswith("grayscale")


def test_cards_show_rating_and_sold_and_the_product_page_buys_from_its_first_screen(contexts, data):
    page = contexts.page("phone")
    product = data["stores"][0]["product"]
    page.goto(f"/cari?q={data['search_term']}")
    card = page.locator(".product-card", has_text=product["name"])
    expect(card.locator(".sold")).to_have_text("terjual 2")  # the completed order of 2

    page.goto(f"/produk/{product['id']}")
    gallery = page.locator(".gallery")
    assert gallery.bounding_box()["height"] <= HEIGHT * 0.5 + 10
    for what in (page.get_by_role("heading", level=1), page.locator(".summary .price"),
                 page.locator(".summary .rating"), page.locator(".summary .stock"),
                 page.locator(".buy-bar").get_by_role("button", name=re.compile(r"\+ Keranjang"))):
        box = what.bounding_box()
        assert box and box["y"] + box["height"] <= HEIGHT, f"{what} is below the first screen"
    quantity = page.get_by_label("Jumlah")
    page.get_by_role("button", name="Tambah jumlah").click()
    page.get_by_role("button", name="Tambah jumlah").click()
    expect(quantity).to_have_value("3")
    page.get_by_role("button", name="Kurangi jumlah").click()
    expect(quantity).to_have_value("2")
    # The buy bar stays on the screen while the buyer reads further down.
    page.mouse.wheel(0, 1500)
    page.wait_for_function("() => window.scrollY > 300")
    bar = page.locator(".buy-bar").bounding_box()
    assert bar and bar["y"] >= 0 and bar["y"] + bar["height"] <= HEIGHT + 1
    page.locator(".buy-bar").get_by_role("button", name=re.compile(r"\+ Keranjang")).click()
    expect(page.locator("#cart-badge .count")).to_have_text("2")


def test_charts_have_titles_axes_and_values(contexts, data):
    page = contexts.page("phone")
    page.goto("/transparansi")
    figures = page.locator("figure.chart")
    assert figures.count() >= 4
    for i in range(figures.count()):
        figure = figures.nth(i)
        expect(figure.locator(".chart-title")).to_be_visible()
        if not figure.locator(".chart-no-data").count():
            assert figure.locator("text").count() >= 2


def test_not_found_page_and_favicon(contexts, data):
    page = contexts.page("phone")
    response = page.goto("/tidak-ada")
    assert response.status == 404
    assert page.locator("main").inner_text().count("Halaman tidak ditemukan") == 1
    favicon = page.request.get("/favicon.ico")
    assert favicon.ok and favicon.headers["content-type"].startswith("image/")
