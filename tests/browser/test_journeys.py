"""The journeys of issue 9 in a real browser, at the phone and the desktop viewport:

- a visitor searches and puts two products of two stores in the cart from the listing and
  from a product page (the header badge follows without a reload);
- a buyer changes a quantity in the cart in place and checks out one COD and one pickup order;
  the seller, in a second browser, confirms one and the buyer's open order page shows it;
- a seller applies with a document, an admin rejects the application with a reason, the
  seller fixes it and re-submits, the admin verifies it;
- an admin exports a report.
"""
import csv
import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from tests.browser.seed_data import nib_certificate_pdf
from tests.browser.support import assert_same_document, login, mark_document, put_in_cart

pytestmark = pytest.mark.browser

ADD_BUTTON = "+ Keranjang"
ORDER_CODE = re.compile(r"MLP-\d{8}-\d+")
# The buyer's order page asks for its status every 5 s (htmx polling).
POLL_WAIT_MS = 15_000


def _badge(page: Page):
    return page.locator("#cart-badge .count")


def _card(page: Page, product_name: str):
    return page.locator(".product-card", has=page.get_by_role("link", name=product_name))


def test_visitor_adds_from_the_listing_and_the_product_page(contexts, viewport, data):
    """Browsing and the cart work without an account (DOMAIN.md): a visitor's cart."""
    first, second = data["stores"]
    page = contexts.page(viewport)

    # Search from the header.
    page.goto("/")
    search = page.get_by_role("searchbox", name="Cari produk")
    search.fill(data["search_term"])
    search.press("Enter")
    expect(page).to_have_url(re.compile(rf"/cari\?q={data['search_term']}"))
    expect(_card(page, first["product"]["name"])).to_be_visible()
    expect(_card(page, second["product"]["name"])).to_be_visible()
    expect(_badge(page)).to_have_text("0")

    # From the listing: the badge follows without a reload.
    mark_document(page)
    _card(page, first["product"]["name"]).get_by_role("button", name=ADD_BUTTON).click()
    expect(_badge(page)).to_have_text("1")
    expect(page.locator(f"#cart-result-{first['product']['id']}")).to_contain_text("Ditambahkan")
    assert_same_document(page)

    # From the product page.
    _card(page, second["product"]["name"]).get_by_role("link", name=second["product"]["name"]).click()
    expect(page.get_by_role("heading", level=1, name=second["product"]["name"])).to_be_visible()
    mark_document(page)
    own_form = page.locator("form.add-to-cart",
                            has=page.locator(f"input[name=product_id][value='{second['product']['id']}']"))
    own_form.get_by_role("button", name=ADD_BUTTON).click()
    expect(_badge(page)).to_have_text("2")
    assert_same_document(page)

    page.locator("#cart-badge").click()
    expect(page).to_have_url(re.compile(r"/keranjang$"))
    expect(page.locator(".cart-group")).to_have_count(2)
    expect(page.locator(".cart-summary")).to_contain_text("Rp30.000")


def test_buyer_checks_out_two_stores_and_sees_the_seller_confirm(contexts, viewport, data):
    first, second = data["stores"]
    buyer = data["buyers"][viewport]
    page = contexts.page(viewport)
    login(page, buyer["email"], data["password"])
    # What the add-to-cart forms post (the visitor's journey above clicks them).
    for store in data["stores"]:
        put_in_cart(page, store["product"]["id"])

    page.goto("/")
    expect(_badge(page)).to_have_text("2")
    page.locator("#cart-badge").click()
    expect(page).to_have_url(re.compile(r"/keranjang$"))
    expect(page.locator(".cart-group")).to_have_count(2)

    # One more of the first product, in place.
    mark_document(page)
    line = page.locator(f"#cart-line-{first['product']['id']}")
    line.get_by_role("button", name=f"Tambah {first['product']['name']}").click()
    expect(page.locator(f"#cart-line-{first['product']['id']}").get_by_label(
        f"Jumlah {first['product']['name']}")).to_have_value("2")
    expect(_badge(page)).to_have_text("3")
    expect(page.locator(".cart-summary")).to_contain_text("Rp42.000")  # 2 × 12.000 + 18.000
    assert_same_document(page)

    # Checkout: COD from the first store, pickup at the second.
    page.get_by_role("link", name="Lanjut ke checkout").click()
    expect(page).to_have_url(re.compile(r"/checkout$"))
    cod = page.locator(".checkout-store", has_text=first["name"])
    cod.get_by_role("radio", name=re.compile("Diantar, bayar di tempat")).check()
    pickup = page.locator(".checkout-store", has_text=second["name"])
    pickup.get_by_role("radio", name=re.compile("Ambil sendiri")).check()
    page.get_by_label("Alamat", exact=True).fill("Jl. Ijen No. 25, RT 03/RW 02")
    page.get_by_label("Kecamatan").select_option("Klojen")
    # The kelurahan list (every kelurahan of the city until a kecamatan is chosen) is replaced
    # by Klojen's alone (htmx); choosing before it arrives would be undone by the swap.
    kelurahan = page.get_by_label("Kelurahan")
    expect(kelurahan.locator("option", has_text="Polowijen")).to_have_count(0)
    expect(kelurahan.locator("option", has_text="Kauman")).to_have_count(1)
    kelurahan.select_option("Kauman")
    page.get_by_role("button", name="Buat pesanan").click()

    expect(page).to_have_url(re.compile(r"/checkout/selesai/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Pesanan Anda sudah dibuat")
    placed = page.locator("main section.card")
    expect(placed).to_have_count(2)
    codes = {}
    for i in range(2):
        section = placed.nth(i)
        code = section.get_by_role("heading", level=2).inner_text().strip()
        assert ORDER_CODE.fullmatch(code), code
        codes[first["name"] if first["name"] in section.inner_text() else second["name"]] = code
    assert set(codes) == {first["name"], second["name"]}
    expect(placed.filter(has_text=first["name"])).to_contain_text("Diantar (COD)")
    expect(placed.filter(has_text=second["name"])).to_contain_text("Ambil sendiri")
    expect(_badge(page)).to_have_text("0")

    # The buyer watches the COD order's page; the seller confirms it in another browser.
    cod_code = codes[first["name"]]
    page.goto(f"/pesanan/{cod_code}")
    status = page.locator("#order-status .status")
    expect(status).to_have_text("Menunggu Konfirmasi")
    mark_document(page)

    seller = contexts.page(viewport)
    login(seller, first["owner_email"], data["password"])
    seller.goto("/seller/pesanan")
    row = seller.locator(f"#order-{cod_code}")
    expect(row).to_contain_text("Menunggu Konfirmasi")
    row.get_by_role("button", name="Terima pesanan").click()
    expect(seller.locator(f"#order-{cod_code} .status")).to_have_text("Diproses")

    expect(status).to_have_text("Diproses", timeout=POLL_WAIT_MS)
    expect(page.locator("#order-status")).to_contain_text("Penjual sedang menyiapkan pesanan Anda untuk diantar")
    assert_same_document(page)


def test_seller_applies_admin_rejects_then_verifies(contexts, viewport, data, tmp_path):
    applicant = data["applicants"][viewport]
    store_name = f"Keripik Singkong Uji {viewport.title()}"
    nib = "81200000001" + ("01" if viewport == "phone" else "02")
    certificate = tmp_path / "sertifikat-nib.pdf"
    certificate.write_bytes(nib_certificate_pdf(store_name))

    seller = contexts.page(viewport)
    login(seller, applicant["email"], data["password"])
    seller.goto("/seller/")
    seller.locator("main").get_by_role("link", name="Buka Toko").click()
    expect(seller).to_have_url(re.compile(r"/seller/daftar$"))
    seller.get_by_label("Nama toko").fill(store_name)
    seller.get_by_label("NIB (Nomor Induk Berusaha)").fill(nib)
    seller.get_by_label("Alamat usaha").fill("Jl. Cakalang No. 9")
    seller.get_by_label("Deskripsi toko").fill("Keripik singkong balado buatan rumah.")
    kecamatan, kelurahan = seller.get_by_label("Kecamatan"), seller.get_by_label("Kelurahan")
    mark_document(seller)
    kecamatan.select_option("Blimbing")
    # The kelurahan list is replaced with Blimbing's alone (htmx), without a reload.
    expect(kelurahan.locator("option", has_text="Kauman")).to_have_count(0)
    expect(kelurahan.locator("option", has_text="Polowijen")).to_have_count(1)
    assert_same_document(seller)
    kelurahan.select_option("Polowijen")
    seller.get_by_label("Dokumen legalitas").set_input_files(str(certificate))
    seller.get_by_role("button", name="Kirim pengajuan").click()
    expect(seller).to_have_url(re.compile(r"/seller/$"))
    expect(seller.locator("#status-heading")).to_contain_text("Menunggu verifikasi")

    # The admin refuses it, with a reason.
    admin = contexts.page("desktop")
    login(admin, data["admin"]["email"], data["admin"]["password"])
    admin.goto("/admin/verifikasi")
    admin.get_by_role("link", name=store_name).click()
    expect(admin.get_by_role("heading", level=1, name=store_name)).to_be_visible()
    expect(admin.get_by_role("link", name="sertifikat-nib.pdf")).to_be_visible()
    reason = "Foto NIB kurang jelas, mohon unggah ulang."
    decision = admin.locator("#store-decision")
    decision.get_by_label(re.compile(r"Alasan \(tolak\)")).fill(reason)
    decision.get_by_role("button", name="Tolak").click()
    expect(admin.locator("#decision-heading .status")).to_have_text("Ditolak")

    # The seller reads the reason, fixes the application and sends it again.
    seller.goto("/seller/")
    expect(seller.get_by_role("alert")).to_contain_text(reason)
    seller.get_by_role("link", name="Perbaiki dan ajukan ulang").click()
    expect(seller.get_by_role("alert")).to_contain_text(reason)
    seller.get_by_label("Dokumen legalitas").set_input_files(str(certificate))
    seller.get_by_role("button", name="Ajukan ulang").click()
    expect(seller).to_have_url(re.compile(r"/seller/$"))
    expect(seller.locator("#status-heading")).to_contain_text("Menunggu verifikasi")

    # The admin verifies it.
    admin.reload()
    expect(admin.locator("#decision-heading .status")).to_have_text("Menunggu verifikasi")
    admin.locator("#store-decision").get_by_role("button", name="Verifikasi").click()
    expect(admin.locator("#decision-heading .status")).to_have_text("Terverifikasi")

    seller.reload()
    expect(seller.locator("#status-heading")).to_contain_text("Terverifikasi")


def test_admin_exports_the_programme_report(contexts, viewport, data):
    admin = contexts.page(viewport)
    login(admin, data["admin"]["email"], data["admin"]["password"])
    admin.goto("/admin/")

    # One table as CSV (UTF-8 with a byte order mark, so Excel reads "Rp" and names right).
    umkm = admin.locator("section", has=admin.get_by_role("heading", level=2, name="UMKM"))
    with admin.expect_download() as download_info:
        umkm.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert re.fullmatch(r"malpro-ringkasan-.+\.csv", download.suggested_filename), download.suggested_filename
    content = open(download.path(), encoding="utf-8-sig").read()
    rows = {row[0]: row[1] for row in csv.reader(io.StringIO(content))}
    assert rows["Angka"] == "Nilai"
    assert int(rows["UMKM terverifikasi"]) >= len(data["stores"])

    # Every table in one workbook.
    with admin.expect_download() as download_info:
        admin.get_by_role("link", name="Unduh semua tabel (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        workbook = load_workbook(io.BytesIO(file.read()), read_only=True)
    assert len(workbook.sheetnames) >= 5
    first = workbook[workbook.sheetnames[0]]
    assert [cell.value for cell in next(first.iter_rows(max_row=1))][:2] == ["Angka", "Nilai"]
