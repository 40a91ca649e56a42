"""The admin dashboard, ASN participation pages, the monthly minimum and the exports."""
import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import AuditLog, Order
from malpro.services import asn
from tests import report_data
from tests.factories import PASSWORD

NOVEMBER = {"bulan": "2025-11"}


@pytest.fixture
def data(app):
    return report_data.build()


def _csv_rows(response) -> list[list[str]]:
    text = response.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _xlsx_rows(response, sheet=None) -> list[list]:
    workbook = load_workbook(io.BytesIO(response.get_data()))
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    return [["" if v is None else v for v in row] for row in worksheet.iter_rows(values_only=True)]


def test_dashboard_defaults_to_this_month(admin_client, data):
    page = admin_client.get("/admin/")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "<html" in body
    assert 'id="report-figures"' in body and "Ringkasan program" in body
    assert "HX-Request" in page.headers["Vary"]


def test_dashboard_shows_the_figures_of_a_month(admin_client, data):
    body = admin_client.get("/admin/", query_string=NOVEMBER).get_data(as_text=True)
    assert "November 2025" in body
    assert "Rp1.110.000" in body  # GMV
    assert "Rp610.000" in body and "Rp850.000" in body  # Klojen, pickup
    assert "Toko Klojen" in body and "Rias Pengantin" in body  # top store and product
    # Server-rendered, accessible charts: an SVG image with a title and description.
    assert body.count('role="img"') >= 5 and 'id="chart-category-title"' in body and "<desc" in body
    assert "<script" not in body.split("</head>", 1)[1]  # no inline chart script


def test_dashboard_day_and_range(admin_client, data):
    day = admin_client.get("/admin/", query_string={"hari": "2025-11-30"}).get_data(as_text=True)
    assert "30 November 2025" in day and "Rp260.000" in day
    period = admin_client.get("/admin/", query_string={"dari": "2025-10-01", "sampai": "2025-12-31"})
    assert "Rp1.190.000" in period.get_data(as_text=True)  # 1,110,000 + 80,000 (December)


def test_dashboard_refuses_a_bad_period_gracefully(admin_client, data):
    response = admin_client.get("/admin/", query_string={"dari": "2025-12-01", "sampai": "2025-11-01"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Tanggal akhir tidak boleh sebelum tanggal awal." in body
    assert 'role="alert"' in body


def test_dashboard_htmx_returns_the_figures_only(admin_client, data, htmx_headers):
    response = admin_client.get("/admin/", query_string=NOVEMBER, headers=htmx_headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="report-figures"') and "Rp1.110.000" in body
    assert "HX-Request" in response.headers["Vary"]


def test_period_form_uses_htmx_with_push_url_and_plain_get(admin_client, data):
    body = admin_client.get("/admin/").get_data(as_text=True)
    assert 'method="get"' in body and 'hx-push-url="true"' in body and 'hx-target="#report-figures"' in body


def test_summary_workbook_and_csv_exports(admin_client, data):
    response = admin_client.get("/admin/laporan/unduh/ringkasan.xlsx", query_string=NOVEMBER)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="malpro-ringkasan-2025-11-01_2025-11-30.xlsx"'
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames[:3] == ["Ringkasan", "Pesanan per status", "Per bulan"]
    summary = {row[0]: row[1] for row in workbook["Ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["GMV (Rp, pesanan selesai)"] == 1_110_000 and summary["UMKM terverifikasi"] == 2

    csv_response = admin_client.get("/admin/laporan/unduh/kategori.csv", query_string=NOVEMBER)
    assert csv_response.headers["Content-Disposition"] == \
        'attachment; filename="malpro-kategori-2025-11-01_2025-11-30.csv"'
    assert csv_response.mimetype == "text/csv"
    rows = _csv_rows(csv_response)
    assert rows[0] == ["Kategori", "Slug", "Pesanan selesai", "GMV (Rp)"]
    assert rows[1] == ["Makanan & Minuman", "makanan-minuman", "2", "450000"]
    xlsx_rows = _xlsx_rows(admin_client.get("/admin/laporan/unduh/kategori.xlsx", query_string=NOVEMBER))
    assert [[str(v) for v in row] for row in xlsx_rows] == rows


@pytest.mark.parametrize("slug", ["ringkasan", "status", "bulanan", "kategori", "kecamatan", "pemenuhan",
                                  "toko-teratas", "produk-teratas", "asn-opd"])
def test_every_dashboard_table_exports_the_same_rows_as_csv_and_xlsx(admin_client, data, slug):
    csv_rows = _csv_rows(admin_client.get(f"/admin/laporan/unduh/{slug}.csv", query_string=NOVEMBER))
    xlsx_rows = _xlsx_rows(admin_client.get(f"/admin/laporan/unduh/{slug}.xlsx", query_string=NOVEMBER))
    assert len(csv_rows) > 1 and [[str(v) for v in row] for row in xlsx_rows] == csv_rows


def test_exports_refuse_unknown_tables_formats_and_periods(admin_client, data):
    assert admin_client.get("/admin/laporan/unduh/rahasia.csv").status_code == 404
    assert admin_client.get("/admin/laporan/unduh/kategori.pdf").status_code == 404
    assert admin_client.get("/admin/laporan/unduh/kategori.csv", query_string={"bulan": "x"}).status_code == 400


def test_csv_and_xlsx_are_safe_from_formula_injection(admin_client, data):
    store = data.stores["a"]
    store.name = '=HYPERLINK("http://evil.example","klik")'
    db.session.commit()
    rows = _csv_rows(admin_client.get("/admin/laporan/unduh/toko-teratas.csv", query_string=NOVEMBER))
    assert rows[1][1] == "'" + store.name
    for value in ("+1", "-2", "@SUM(A1)", "\tx"):
        store.name = value
        db.session.commit()
        rows = _csv_rows(admin_client.get("/admin/laporan/unduh/toko-teratas.csv", query_string=NOVEMBER))
        assert rows[1][1] == "'" + value
    store.name = "=1+1"
    db.session.commit()
    response = admin_client.get("/admin/laporan/unduh/toko-teratas.xlsx", query_string=NOVEMBER)
    cell = load_workbook(io.BytesIO(response.get_data())).worksheets[0]["B2"]
    assert cell.value == "=1+1" and cell.data_type == "s"  # text, never a formula


def test_asn_participation_page_sorting_and_drill_down(admin_client, data):
    body = admin_client.get("/admin/asn", query_string={**NOVEMBER, "urut": "spent", "arah": "turun"}).get_data(
        as_text=True)
    assert "Dinas Kesehatan" in body and body.index("Dinas Kesehatan") < body.index("Dinas Komunikasi")
    assert 'aria-sort="descending"' in body and "Rp610.000" in body
    ascending = admin_client.get("/admin/asn", query_string={**NOVEMBER, "urut": "spent", "arah": "naik"})
    text = ascending.get_data(as_text=True)
    assert 'aria-sort="ascending"' in text and text.index("Dinas Komunikasi") < text.index("Dinas Kesehatan")

    opd = admin_client.get("/admin/asn/DISKOMINFO", query_string=NOVEMBER).get_data(as_text=True)
    assert "Budi ASN" in opd and report_data.NIP_1 in opd and "Rp260.000" in opd and "Sari NonASN" in opd
    assert admin_client.get("/admin/asn/TIDAK-ADA").status_code == 404


def test_asn_exports(admin_client, data):
    response = admin_client.get("/admin/asn/unduh.csv", query_string=NOVEMBER)
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="malpro-partisipasi-asn-2025-11-01_2025-11-30.csv"'
    rows = {row[0]: row for row in _csv_rows(response)[1:]}
    # Spending di Malpro and luar Malpro in two columns (issue 17), then QRIS and its share (issue 16).
    assert rows["DINKES"][2:] == ["1", "1", "0", "1", "100", "350000", "0", "0", "0"]
    assert rows["DISKOMINFO"][2:] == ["2", "1", "1", "0", "0", "260000", "0", "0", "0"]
    employees = _xlsx_rows(admin_client.get("/admin/asn/DISKOMINFO/unduh.xlsx", query_string=NOVEMBER))
    assert employees[1][:7] == ["Budi ASN", "budi.asn@example.com", "ASN", report_data.NIP_1, "Dikonfirmasi", 1,
                                260_000]


def test_monthly_minimum_form(admin_client, data):
    response = admin_client.post("/admin/asn/minimum", data={"amount": "250000", "reason": "SE Wali Kota 2025"})
    assert response.status_code == 302
    assert asn.get_monthly_minimum() == 250_000
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "setting.asn_minimum"))
    assert entry.actor_id == admin_client.admin.id and "SE Wali Kota 2025" in entry.reason
    page = admin_client.get("/admin/asn").get_data(as_text=True)
    assert "Rp250.000" in page
    refused = admin_client.post("/admin/asn/minimum", data={"amount": "12"})
    assert refused.status_code == 422 and "antara 1.000 dan 100.000.000" in refused.get_data(as_text=True)
    assert asn.get_monthly_minimum() == 250_000


def test_dashboard_counts_a_freshly_completed_order(admin_client, make):
    buyer, store = make.user(), make.store(name="Toko Baru Laku")
    now = datetime.utcnow()
    db.session.add(Order(code="MLP-NOW-1", buyer_id=buyer.id, store_id=store.id, status="completed",
                         fulfilment="pickup", subtotal=45_000, total=45_000, created_at=now, completed_at=now))
    db.session.commit()
    body = admin_client.get("/admin/").get_data(as_text=True)
    assert "Rp45.000" in body and "Toko Baru Laku" in body


def test_every_admin_page_refuses_anonymous_and_non_admins(client, make, app, data):
    """Every admin URL: anonymous visitors go to the login page, buyers get 403."""
    samples = {"user_id": data.buyers["plain"].id, "product_id": data.products["food"].id, "category_id": 1,
               "opd_id": data.opds["DLH"].id, "code": "DISKOMINFO", "slug": "kategori", "ext": "csv",
               "store_id": data.stores["a"].id, "officer_id": 1}
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")]
    assert len(rules) >= 25
    with app.test_request_context():
        urls = [(rule, app.url_for(rule.endpoint, **{a: samples[a] for a in rule.arguments})) for rule in rules]
    for rule, url in urls:
        method = "GET" if "GET" in rule.methods else "POST"
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"], url
    buyer = make.user(email="bukan.admin@example.com")
    client.post("/auth/login", data={"email": buyer.email, "password": PASSWORD})
    for rule, url in urls:
        method = "GET" if "GET" in rule.methods else "POST"
        assert client.open(url, method=method).status_code == 403, url
