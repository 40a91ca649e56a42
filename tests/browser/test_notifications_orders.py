"""Issue 13.12 and 13.13 on a 360×800 phone, with the demo data of `flask seed-demo`: the demo
buyer's notifications say what happened (store, products, amount) and follow the language the
buyer switches to; a completed order says it was paid. No page scrolls sideways."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from malpro.seed import BUYER_EMAIL, DEMO_PASSWORD
from tests.browser.support import csrf_token, login

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ORDER_CODE = re.compile(r"MLP-\d{8}-\d{6}")


def _set_language(page: Page, lang: str) -> None:
    response = page.request.post("/bahasa", form={"lang": lang, "next": "/", "csrf_token": csrf_token(page)})
    assert response.ok


def _fits_the_phone(page: Page) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360, page.url


def test_demo_buyer_reads_notifications_and_a_paid_order_on_a_phone(contexts):
    page = contexts.page("phone")
    login(page, BUYER_EMAIL, DEMO_PASSWORD)
    _set_language(page, "id")

    page.goto("/notifikasi")
    items = page.locator("li.notification")
    expect(items.first).to_be_visible()
    first = items.first.inner_text()
    assert ORDER_CODE.search(first) and re.search(r"Rp\d", first), first
    assert re.search(r"Selesai|Diproses|Dikirim|Siap Diambil|Dibatalkan", first), first
    _fits_the_phone(page)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "notifications-phone-id.png"), full_page=True)

    # The same notifications, now in English (they were made in Indonesian).
    _set_language(page, "en")
    page.goto("/notifikasi")
    english = page.locator("li.notification").first.inner_text()
    assert re.search(r"Order MLP-\d{8}-\d{6}: (Completed|Processing|Shipped|Ready for pickup|Cancelled)", english), english
    assert "Pesanan" not in english and re.search(r"Rp\d", english)
    _fits_the_phone(page)
    page.screenshot(path=str(ARTIFACTS / "notifications-phone-en.png"), full_page=True)
    _set_language(page, "id")

    # A completed order says it was paid, not "pay when it arrives".
    page.goto("/pesanan?status=completed")
    page.locator(".order-card .order-code").first.click()
    expect(page).to_have_url(re.compile(r"/pesanan/MLP-"))
    expect(page.locator(".payment-note")).to_contain_text("Sudah dibayar tunai")
    expect(page.locator("main")).not_to_contain_text("saat pesanan tiba")
    expect(page.locator("main")).not_to_contain_text("saat mengambil pesanan")
    _fits_the_phone(page)
    page.screenshot(path=str(ARTIFACTS / "order-completed-phone.png"), full_page=True)
