"""Issue 13 in a real browser at the phone and the desktop viewport:

- point 1: a new seller goes from the application through verification to a published product
  by following links only (no typed URL);
- points 3 and 16: the checkout's grand total follows an unticked store and a switch to pickup
  without a reload, and the pickup address shows only while pickup is chosen;
- point 4: a refused checkout comes back with the focus on the error summary at the top, and
  its links move the focus to a field that is not hidden under the sticky header.
"""
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.seed_data import nib_certificate_pdf
from tests.browser.support import assert_same_document, login, mark_document, put_in_cart

pytestmark = pytest.mark.browser


def _rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


def _focused_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement && document.activeElement.id")


def _sticky_header_bottom(page: Page) -> float:
    return page.evaluate("() => document.querySelector('.site-header').getBoundingClientRect().bottom")


def _to_checkout(page: Page, data: dict) -> None:
    for store in data["stores"]:
        put_in_cart(page, store["product"]["id"])
    page.goto("/")
    page.locator("#cart-badge").click()
    page.get_by_role("link", name="Lanjut ke checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))


def test_grand_total_follows_unticked_stores_and_pickup(contexts, viewport, data):
    first, second = data["stores"]  # Mendoan Rp12.000 (ongkir Rp5.000), Sambal Rp18.000 (ongkir Rp7.000)
    page = contexts.page(viewport)
    login(page, data["totals_buyers"][viewport]["email"], data["password"])
    _to_checkout(page, data)
    grand = page.locator("#grand-total")
    first_store = page.locator(".checkout-store", has_text=first["name"])
    second_store = page.locator(".checkout-store", has_text=second["name"])
    first_store.get_by_role("radio", name=re.compile("Diantar, bayar di tempat")).check()
    second_store.get_by_role("radio", name=re.compile("Diantar, bayar di tempat")).check()
    expect(grand).to_have_text(_rupiah(12000 + 5000 + 18000 + 7000))
    expect(first_store.locator(".store-total")).to_contain_text(_rupiah(17000))
    expect(first_store.locator(".pickup-info")).to_be_hidden()
    mark_document(page)

    second_store.get_by_role("checkbox").uncheck()
    expect(grand).to_have_text(_rupiah(17000))
    expect(second_store.locator(".store-total")).to_contain_text("Tidak dipesan kali ini")

    first_store.get_by_role("radio", name=re.compile("Ambil sendiri")).check()
    expect(grand).to_have_text(_rupiah(12000))
    expect(first_store.locator(".pickup-info")).to_be_visible()
    expect(first_store.locator(".pickup-info")).to_contain_text("Jl. Kawi No. 7")

    second_store.get_by_role("checkbox").check()
    expect(grand).to_have_text(_rupiah(12000 + 18000 + 7000))
    assert_same_document(page)
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= page.viewport_size["width"]


def test_a_refused_checkout_focuses_the_error_summary_at_the_top(contexts, viewport, data):
    page = contexts.page(viewport)
    login(page, data["refused_buyers"][viewport]["email"], data["password"])
    _to_checkout(page, data)
    for store in page.locator(".checkout-store").all():
        store.get_by_role("radio", name=re.compile("Diantar, bayar di tempat")).check()
    page.get_by_label("Alamat", exact=True).fill("")
    page.get_by_role("button", name="Buat pesanan").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Pesanan belum dibuat")
    box = summary.bounding_box()
    assert box["y"] >= _sticky_header_bottom(page) - 1, "the summary is under the sticky header"
    # It is the first thing of the page's content.
    assert page.evaluate("() => document.querySelector('main h1').nextElementSibling.id") == "error-summary"

    summary.get_by_role("link", name=re.compile("Alamat")).click()
    street = page.get_by_label("Alamat", exact=True)
    expect(street).to_be_focused()
    assert street.bounding_box()["y"] >= _sticky_header_bottom(page) - 1, "the field is under the sticky header"


def test_a_new_seller_reaches_a_published_product_by_links_only(contexts, viewport, data, tmp_path):
    account = data["new_sellers"][viewport]
    store_name = f"Dapur Uji Pertama {viewport.title()}"
    product_name = f"Rengginang Lorjuk {viewport.title()}"
    certificate = tmp_path / "sertifikat-nib.pdf"
    certificate.write_bytes(nib_certificate_pdf(store_name))

    seller = contexts.page(viewport)
    login(seller, account["email"], data["password"])
    seller.locator(".site-header").get_by_role("link", name=re.compile("Buka Toko|Toko Saya")).first.click()
    seller.locator("main").get_by_role("link", name="Buka Toko").click()
    seller.get_by_label("Nama toko").fill(store_name)
    seller.get_by_label("NIB (Nomor Induk Berusaha)").fill("81200000009" + ("01" if viewport == "phone" else "02"))
    seller.get_by_label("Alamat usaha").fill("Jl. Mayjen Panjaitan No. 4")
    seller.get_by_label("Deskripsi toko").fill("Rengginang dan camilan laut buatan rumah.")
    seller.get_by_label("Kecamatan").select_option("Lowokwaru")
    expect(seller.get_by_label("Kelurahan").locator("option", has_text="Tlogomas")).to_have_count(1)
    seller.get_by_label("Kelurahan").select_option("Tlogomas")
    seller.get_by_label("Dokumen legalitas").set_input_files(str(certificate))
    seller.get_by_role("button", name="Kirim pengajuan").click()
    expect(seller).to_have_url(re.compile(r"/seller/$"))
    # Pending: products may be prepared already.
    expect(seller.locator("#first-product")).to_contain_text("Tambahkan produk pertama Anda")

    admin = contexts.page("desktop")
    login(admin, data["admin"]["email"], data["admin"]["password"])
    admin.goto("/admin/verifikasi")
    admin.get_by_role("link", name=store_name).click()
    admin.locator("#store-decision").get_by_role("button", name="Verifikasi").click()
    expect(admin.locator("#decision-heading .status")).to_have_text("Terverifikasi")

    seller.reload()
    expect(seller.locator("#status-heading")).to_contain_text("Terverifikasi")
    seller.locator("#first-product").get_by_role("link", name="+ Tambah produk").click()
    seller.get_by_label("Nama produk").fill(product_name)
    seller.get_by_role("combobox", name="Kategori").select_option("makanan-minuman")
    seller.get_by_label("Harga (Rp)").fill("15000")
    seller.get_by_label("Stok", exact=True).fill("30")
    seller.get_by_label("Maksimal per pesanan").fill("5")
    seller.get_by_role("button", name="Simpan produk").click()
    expect(seller.locator("main")).to_contain_text(product_name)

    seller.locator("#seller-nav").get_by_role("link", name="Ringkasan toko").click()
    expect(seller.locator(".seller-figures")).to_contain_text("1")
    expect(seller.locator("#first-product")).to_have_count(0)

    # Published: a visitor finds it by searching.
    visitor = contexts.page(viewport)
    visitor.goto("/")
    search = visitor.get_by_role("searchbox", name="Cari produk")
    search.fill(product_name)
    search.press("Enter")
    expect(visitor.locator(".product-card", has_text=product_name)).to_be_visible()
