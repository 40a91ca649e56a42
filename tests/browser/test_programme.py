"""Issue 17 in a real browser on a phone (360×800): an employee reports a purchase outside
Malpro with a photo, the OPD's coordinator approves it from /opd/ on a phone, and the
employee's /akun shows the month's progress with both parts (di Malpro / luar Malpro).
Uses the demo accounts seed-demo makes (malpro/seed/programme.py)."""
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.browser.support import login

pytestmark = pytest.mark.browser

EMPLOYEE = "pegawai.maya@demo.malpro.id"
COORDINATOR = "koordinator.kominfo@demo.malpro.id"
PASSWORD = "malpro123"
SHOP = "Pecel Bu Tutik"


def _rupiah(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("() => document.scrollingElement.scrollWidth") <= 360, page.url


def _receipt_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (900, 1200), (245, 240, 230)).save(buffer, "PNG")
    return buffer.getvalue()


def test_outside_purchase_reported_approved_and_counted_on_a_phone(contexts):
    employee = contexts.page("phone")
    login(employee, EMPLOYEE, PASSWORD)
    employee.goto("/akun")
    before = _rupiah(employee.locator("#asn-spent-outside").inner_text())
    malpro = _rupiah(employee.locator("#asn-spent-malpro").inner_text())
    employee.get_by_role("link", name="Belanja luar Malpro").click()
    expect(employee).to_have_url(re.compile(r"/akun/belanja-luar$"))
    _no_sideways_scroll(employee)

    today = (datetime.now(timezone.utc) + timedelta(hours=7)).date().isoformat()
    form = employee.locator("main form[enctype]")
    form.get_by_label("Tanggal belanja").fill(today)
    form.get_by_label("Nama toko/UMKM").fill(SHOP)
    # htmx swaps in the kecamatan's kelurahan (only those: no other kecamatan's group).
    with employee.expect_response(lambda r: "/wilayah/kelurahan" in r.url):
        form.get_by_label("Kecamatan").select_option("Klojen")
    expect(form.get_by_label("Kelurahan").locator("optgroup")).to_have_count(0)
    form.get_by_label("Kelurahan").select_option("Kauman")
    form.get_by_label("Jumlah belanja (Rp)").fill("70000")
    form.get_by_label("Yang dibeli").fill("Pecel 10 bungkus untuk rapat")
    form.get_by_label("Foto struk atau barang di toko").set_input_files(
        files=[{"name": "struk.png", "mimeType": "image/png", "buffer": _receipt_png()}])
    form.get_by_role("button", name="Kirim laporan").click()
    expect(employee.locator(".flash-success")).to_contain_text("Laporan belanja terkirim")
    mine = employee.locator("article.purchase-card", has_text=SHOP)
    expect(mine).to_contain_text("Menunggu pemeriksaan")
    expect(mine.locator("img")).to_have_js_property("complete", True)
    assert mine.locator("img").evaluate("img => img.naturalWidth") > 0

    coordinator = contexts.page("phone")
    login(coordinator, COORDINATOR, PASSWORD)
    coordinator.goto("/opd/")
    _no_sideways_scroll(coordinator)
    card = coordinator.locator("article.purchase-card", has_text=SHOP)
    expect(card).to_contain_text("Maya Putri")
    assert card.locator("img").evaluate("img => img.naturalWidth") > 0
    approve = card.get_by_role("button", name="Setujui")
    box = approve.bounding_box()
    assert box["height"] >= 44 and box["x"] + box["width"] <= 360
    approve.click()
    expect(coordinator.locator(".flash-success")).to_contain_text(f"{SHOP} disetujui")
    expect(coordinator.locator("article.purchase-card", has_text=SHOP)).to_have_count(0)

    employee.goto("/akun")
    _no_sideways_scroll(employee)
    expect(employee.locator("#asn-status")).to_contain_text("Dikonfirmasi OPD")
    assert _rupiah(employee.locator("#asn-spent-outside").inner_text()) == before + 70_000
    assert _rupiah(employee.locator("#asn-spent-malpro").inner_text()) == malpro
    expect(employee.locator("#asn-progress progress")).to_be_visible()
    expect(employee.locator("#asn-progress")).to_contain_text("Luar Malpro")
    employee.screenshot(path=str(contexts.tmp_path / "akun-phone.png"), full_page=True)
