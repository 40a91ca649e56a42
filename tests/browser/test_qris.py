"""The QRIS journey in a real browser at the phone and the desktop viewport: checkout with
QRIS (the site says Malpro never holds money), the order page shows the order's QR code with
the merchant name and amount, and "Simpan gambar QRIS" downloads a PNG that decodes to the
order's dynamic QRIS (tag 54 = the order total, a right CRC)."""
import io
import re

import crcmod.predefined
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from malpro.services import qris
from tests.browser.support import login, put_in_cart

pytestmark = pytest.mark.browser

crc_ccitt_false = crcmod.predefined.mkCrcFun("crc-ccitt-false")


def test_buyer_pays_with_the_stores_qris(contexts, viewport, data, tmp_path):
    store = data["stores"][-1]
    page = contexts.page(viewport)
    login(page, data["qris_buyers"][viewport]["email"], data["password"])
    put_in_cart(page, store["product"]["id"], 2)

    page.goto("/checkout")
    group = page.locator(".checkout-store", has_text=store["name"])
    group.get_by_role("radio", name=re.compile("Ambil sendiri")).check()
    group.get_by_role("radio", name=re.compile("QRIS")).check()
    expect(group).to_contain_text("Malpro tidak menerima atau menyimpan uang")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    group.screenshot(path=f"/tmp/qris-checkout-{viewport}.png")
    page.get_by_role("button", name="Buat pesanan").click()
    expect(page).to_have_url(re.compile(r"/checkout/selesai/"))
    code = page.locator("main section.card").first.get_by_role("heading", level=2).inner_text().strip()

    page.goto(f"/pesanan/{code}")
    payment = page.locator("#pembayaran")
    expect(payment.locator("svg")).to_be_visible()
    expect(payment).to_contain_text("Rp36.000")  # 2 × 18.000, pickup: no fee
    expect(payment.locator("#qris-merchant")).to_have_text(store["name"].upper()[:25])
    box = payment.locator("svg").bounding_box()
    assert box["width"] >= 200 and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    save = payment.get_by_role("link", name="Simpan gambar QRIS")
    assert save.bounding_box()["height"] >= 44
    page.screenshot(path=f"/tmp/qris-{viewport}.png", full_page=True)

    with page.expect_download() as info:
        save.click()
    download = info.value
    assert download.suggested_filename == f"QRIS-{code}.png"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    image = Image.open(io.BytesIO(path.read_bytes()))
    assert image.format == "PNG"
    payload = zxingcpp.read_barcodes(image)[0].text
    tags = dict(qris.parse_tlv(payload))
    assert tags["54"] == "36000" and tags["01"] == "12"
    assert f"{crc_ccitt_false(payload[:-4].encode()):04X}" == payload[-4:]

    # "Saya sudah bayar": the state follows.
    payment.get_by_role("button", name="Saya sudah bayar").click()
    expect(page.locator("#pembayaran .payment")).to_have_text("Menunggu konfirmasi penjual")

    # The seller confirms on the board; the buyer's open page shows it (the polled status block).
    seller = contexts.page(viewport)
    login(seller, store["owner_email"], data["password"])
    seller.goto("/seller/pesanan")
    row = seller.locator(f"#order-{code}")
    expect(row).to_contain_text("Menunggu konfirmasi penjual")
    row.get_by_role("button", name="Pembayaran diterima").click()
    expect(seller.locator(f"#order-{code}")).to_contain_text("Lunas")
    expect(page.locator("#pembayaran .payment")).to_have_text("Lunas", timeout=15_000)


def test_seller_adds_the_qris_from_a_photo(contexts, viewport, data, tmp_path):
    from tests.qris_helpers import qr_png, static_payload

    store = data["stores"][0]
    merchant = f"MENDOAN {viewport.upper()}"
    picture = tmp_path / "qris.png"
    picture.write_bytes(qr_png(static_payload(name=merchant)))
    page = contexts.page(viewport)
    login(page, store["owner_email"], data["password"])
    page.goto("/seller/toko#qris")
    section = page.locator("#qris")
    section.get_by_label("Foto atau tangkapan layar QRIS toko").set_input_files(str(picture))
    section.get_by_role("button", name=re.compile("Periksa QRIS|Ganti QRIS")).click()
    expect(page.locator("#qris-merchant")).to_have_text(merchant)
    expect(page.locator("#qris-nmid")).to_have_text("ID1020021181745")
    expect(page.locator("#qris-city")).to_have_text("MALANG")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.get_by_role("button", name="Ya, simpan QRIS ini").click()
    expect(page.locator("#qris")).to_contain_text(merchant)
    expect(page.locator(".alert, .flash").first).to_contain_text("tersimpan")
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    page.locator("#qris").screenshot(path=f"/tmp/qris-seller-{viewport}.png")
