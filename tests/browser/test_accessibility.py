"""axe-core (vendored, pinned: tests/browser/vendor/) on the pages people use most, at the
phone and the desktop viewport: no serious or critical violation. Plus what axe cannot see:
the keyboard focus is visible wherever it goes."""
import pytest
from playwright.sync_api import Page, expect

from tests.browser.support import axe_violations, describe_violations, login, put_in_cart

pytestmark = pytest.mark.browser


def _check(page: Page, paths: list[str]) -> None:
    found = []
    for path in paths:
        response = page.goto(path)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        violations = axe_violations(page)
        if violations:
            found.append(f"{path}:\n{describe_violations(violations)}")
    assert not found, "axe-core found serious or critical problems:\n\n" + "\n\n".join(found)


def test_shop_pages(page, data):
    product = data["stores"][0]["product"]
    _check(page, ["/", f"/cari?q={data['search_term']}", "/kategori/makanan-minuman", f"/produk/{product['id']}",
                  f"/toko/{data['stores'][1]['slug']}", "/auth/login", "/auth/register", "/offline"])


def test_cart_and_checkout(page, viewport, data):
    login(page, data["a11y_buyers"][viewport]["email"], data["password"])
    for store in data["stores"]:
        put_in_cart(page, store["product"]["id"])
    _check(page, ["/keranjang", "/checkout"])


def test_seller_pages(page, data):
    login(page, data["stores"][0]["owner_email"], data["password"])
    _check(page, ["/seller/", "/seller/pesanan", "/seller/produk", "/seller/toko"])


def test_admin_pages(page, data):
    login(page, data["admin"]["email"], data["admin"]["password"])
    _check(page, ["/admin/", "/admin/verifikasi", "/admin/verifikasi?status=verified"])
    store_page = page.locator(".queue a").first.get_attribute("href")
    _check(page, [store_page])


FOCUS_RING = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const rgb = color => color.match(/[\\d.]+/g).map(Number);
  const luminance = ([r, g, b]) => {
    const [R, G, B] = [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
  };
  // The ring is drawn outside the element (outline-offset), over its parent's background.
  let node = element.parentElement, background = 'rgb(255, 255, 255)';
  while (node) {
    const color = getComputedStyle(node).backgroundColor, parts = rgb(color);
    if (parts.length === 3 || parts[3] > 0.5) { background = color; break; }
    node = node.parentElement;
  }
  const [a, b] = [luminance(rgb(style.outlineColor)), luminance(rgb(background))].sort((x, y) => y - x);
  return {element: element.outerHTML.slice(0, 80), style: style.outlineStyle,
          width: parseFloat(style.outlineWidth), contrast: (a + 0.05) / (b + 0.05)};
}"""


def test_keyboard_focus_is_visible(page, viewport):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link stays off screen when focused"
    # The header (on green), the category bar (darker green) and the first cards (on white):
    # every focus ring is drawn, and stands out from what is around it (WCAG 2.4.7, 1.4.11).
    problems = []
    for _ in range(16):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring["style"] == "none" or ring["width"] < 2 or ring["contrast"] < 3:
            problems.append(ring)
    assert not problems, problems
