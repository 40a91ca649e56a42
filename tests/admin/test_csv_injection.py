"""Exports follow OWASP's CSV-injection guidance (issue 15, point 13): every cell quoted, a
leading apostrophe for = + - @ tab CR (LF, NUL and the full-width forms too), also where a
separator inside the text would start a cell for Excel with an Indonesian list separator (;).
Tested on the service and through every export route that carries user text."""
import csv
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import Product
from malpro.services import moderation, report_tables
from malpro.services.report_tables import Table
from tests import report_data

PAYLOADS = {
    "=": '=HYPERLINK("http://evil.example","klik")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
    "\n": "\n=1+1",
    "\0": "\0=1+1",
    "＝": "＝1+1",
}
INNER = {
    "semicolon": ("Toko Ani;=HYPERLINK(\"http://evil.example\")", "Toko Ani;'=HYPERLINK(\"http://evil.example\")"),
    "comma": ("Toko Ani,+cmd|'/C calc'!A0", "Toko Ani,'+cmd|'/C calc'!A0"),
    "quoted": ('Toko Ani;"=1+1', "Toko Ani;\"'=1+1"),
    "spaced": ("Toko Ani; @SUM(1)", "Toko Ani; '@SUM(1)"),
    "line break": ("Toko Ani\r\n-1+1", "Toko Ani\r\n'-1+1"),
}


def _cells(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize("char", sorted(PAYLOADS))
def test_each_formula_character_gets_an_apostrophe(char):
    payload = PAYLOADS[char]
    data = report_tables.to_csv(Table("uji", "Uji", ["Nama", "Jumlah"], [[payload, 5], ["aman", -3]]))
    rows = _cells(data)
    # A line break also starts a row where quotes are ignored: the sign after it is guarded too.
    expected = "'" + payload[0] + "'" + payload[1:] if char in "\r\n" else "'" + payload
    assert rows[1] == [expected, "5"]
    assert rows[2] == ["aman", "-3"]  # numbers stay numbers, whatever their sign
    # Every cell quoted, the headings too (RFC 4180 quoting throughout).
    text = data.decode("utf-8-sig")
    assert text.startswith('"Nama","Jumlah"\r\n') and '"5"' in text and '"-3"' in text


@pytest.mark.parametrize("case", sorted(INNER))
def test_a_cell_a_separator_would_start_is_neutralised_too(case):
    payload, written = INNER[case]
    data = report_tables.to_csv(Table("uji", "Uji", ["Nama"], [[payload]]))
    assert _cells(data)[1] == [written]
    # As Excel with ";" as its list separator reads it (quotes ignored): no cell starts a formula.
    for line in data.decode("utf-8-sig").replace("\r", "\n").split("\n"):
        for cell in line.split(";") + line.split(","):
            assert not cell.strip(' "').startswith(tuple("=+-@")), (case, cell)


def test_quotes_inside_a_cell_are_doubled():
    data = report_tables.to_csv(Table("uji", "Uji", ["Nama"], [['Kue "Enak"']]))
    assert data.decode("utf-8-sig").endswith('"Kue ""Enak"""\r\n')


def test_xlsx_cells_stay_text_with_the_quote_prefix():
    data = report_tables.to_xlsx([Table("uji", "Uji", ["Nama", "Jumlah"],
                                        [[p, 1] for p in PAYLOADS.values()] + [["aman", -3]])])
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    for row, payload in enumerate(PAYLOADS.values(), start=2):
        cell = sheet.cell(row=row, column=1)
        assert cell.data_type == "s" and cell.value.lstrip("\t\r\n") == payload.lstrip("\t\r\n\0")
        assert cell.quotePrefix or payload.startswith("\0"), payload  # a NUL cannot be stored: dropped
    assert sheet.cell(row=len(PAYLOADS) + 2, column=2).value == -3


@pytest.fixture
def data(app):
    return report_data.build()


def test_every_export_route_with_user_text_is_guarded(admin_client, data, make):
    payload = PAYLOADS["@"]
    store = data.stores["a"]
    store.name = payload
    db.session.commit()
    top = _cells(admin_client.get("/admin/laporan/unduh/toko-teratas.csv", query_string={"bulan": "2025-11"}).data)
    assert [c for c in top[1] if c.endswith(payload)] == ["'" + payload]

    # The audit log holds an admin's free text (a takedown reason).
    product_id = db.session.scalars(select(Product.id)).first()
    moderation.take_down_product(make.admin(email="mod@example.com").id, product_id, "-1+1 " + payload)
    audit = _cells(admin_client.get("/admin/audit/unduh.csv").data)
    assert any(cell == "'-1+1 " + payload for row in audit for cell in row)
    xlsx = load_workbook(io.BytesIO(admin_client.get("/admin/audit/unduh.xlsx").data)).worksheets[0]
    cells = [c for row in xlsx.iter_rows() for c in row if c.value == "-1+1 " + payload]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
