"""The public transparency page and its downloads: aggregates only, never personal data."""
import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from malpro.extensions import db
from tests import report_data

# Everything personal the report data holds: NIPs, phone numbers, addresses, emails, names.
PERSONAL = [report_data.NIP_1, report_data.NIP_3, "6281311110001", "6281399998888", "6281211112222",
            "628120000000", "Jl. Rahasia", "Jl. Alamat Rahasia", "Penerima Rahasia", "budi.asn@example.com",
            "Budi ASN", "Dewi ASN", "Sari NonASN"]


@pytest.fixture
def data(app):
    built = report_data.build()
    # Bring the orders into the page's window (the last 12 months).
    now = datetime.utcnow()
    for order in built.orders.values():
        if order.completed_at:
            order.completed_at = now
    db.session.commit()
    return built


def _no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


def test_public_page_shows_aggregates_with_charts(client, data):
    response = client.get("/transparansi")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=300"
    assert "Transparansi program Malpro" in body
    assert body.count('role="img"') == 4 and "<figcaption class=\"chart-title\" id=" in body and "<desc id=" in body
    assert "Rp1.190.000" in body  # every completed order of the data, completed this month
    assert "Lowokwaru" in body and "Kedungkandang" in body
    _no_personal_data(body)
    assert "Toko Klojen" not in body  # no store is singled out either


@pytest.mark.parametrize("slug", ["umkm-kecamatan", "umkm-kategori", "transaksi-bulanan"])
def test_public_exports_hold_the_same_rows_and_no_personal_data(client, data, slug):
    csv_response = client.get(f"/transparansi/unduh/{slug}.csv")
    assert csv_response.status_code == 200
    disposition = csv_response.headers["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="malpro-{slug}-') and disposition.endswith('.csv"')
    text = csv_response.get_data().decode("utf-8-sig")
    _no_personal_data(text)
    rows = list(csv.reader(io.StringIO(text)))
    xlsx = client.get(f"/transparansi/unduh/{slug}.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).worksheets[0]
    assert [[str(v) for v in row] for row in sheet.iter_rows(values_only=True)] == rows
    if slug == "umkm-kecamatan":
        assert rows == [["Kecamatan", "UMKM terverifikasi"], ["Blimbing", "0"], ["Kedungkandang", "1"],
                        ["Klojen", "0"], ["Lowokwaru", "1"], ["Sukun", "0"]]
    if slug == "transaksi-bulanan":
        assert rows[-1][1:] == ["4", "1190000", "0", "0"]


def test_unknown_export_is_404(client, data):
    assert client.get("/transparansi/unduh/pegawai.csv").status_code == 404
    assert client.get("/transparansi/unduh/umkm-kecamatan.json").status_code == 404


def test_footer_links_the_page(client):
    assert 'href="/transparansi"' in client.get("/").get_data(as_text=True)


def test_buyer_pages_for_others_never_show_a_nip(client, make, data):
    """The NIP appears on its owner's account page only (and on admin pages)."""
    from tests.factories import PASSWORD

    other = make.user(email="lain@example.com")
    client.post("/auth/login", data={"email": other.email, "password": PASSWORD})
    for path in ("/akun", "/akun/asn", "/transparansi", "/"):
        _no_personal_data(client.get(path).get_data(as_text=True))
