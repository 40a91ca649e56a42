"""The report figures as tables (title, column headings, rows of plain values) and their CSV
and XLSX files. The pages show the same numbers; the exports are built from these tables only,
so a download holds exactly what the page shows, in the interface language.

CSV files are UTF-8 with a byte-order mark (so Excel reads the accents) and follow OWASP's
CSV-injection guidance: every cell is quoted (RFC 4180, quotes doubled), and a text cell that
starts with = + - @, a tab, a carriage return, a line feed or a NUL (or their full-width forms,
which some spreadsheet locales read as the same) gets a leading apostrophe. So does such a
character where a separator inside the text would start a cell for a spreadsheet that splits
on another separator or ignores the quotes (Excel with an Indonesian locale splits on `;`):
"Toko;=HYPERLINK(...)" is written as "Toko;'=HYPERLINK(...)". In XLSX files text cells are
written as text, never as formulas, and such cells also carry Excel's quote prefix, so editing
the cell does not turn it into a formula either. Numbers stay numbers in both."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING
from openpyxl.utils import get_column_letter

from malpro.services import reports
from malpro.services.orders import status_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\0", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A separator (or line break) inside a text cell, then optional spaces, tabs or quotes, then a
# formula sign: where a spreadsheet would start a new cell.
_INNER_FORMULA = re.compile("([,;\r\n][ \t\"']*)(?=[=+\\-@\uff1d\uff0b\uff0d\uff20])")


@dataclass
class Table:
    slug: str  # the file-name part: malpro-<slug>-<period>.csv
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)


def safe_text(value):
    """A cell value that no spreadsheet will run as a formula (numbers are left as they are)."""
    if not isinstance(value, str):
        return value
    value = _INNER_FORMULA.sub(r"\1'", value)
    return "'" + value if value.startswith(FORMULA_START) else value


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow([safe_text(c) for c in table.columns])
    for row in table.rows:
        writer.writerow([safe_text(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(tables: list[Table]) -> bytes:
    """One sheet per table, headings in bold, columns wide enough to read."""
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title, used))
        for col, heading in enumerate(table.columns, start=1):
            _put(sheet.cell(row=1, column=col), heading).font = Font(bold=True)
        for r, row in enumerate(table.rows, start=2):
            for col, value in enumerate(row, start=1):
                _put(sheet.cell(row=r, column=col), value)
        for col, heading in enumerate(table.columns, start=1):
            longest = max([len(str(heading))] + [len(str(row[col - 1])) for row in table.rows if col - 1 < len(row)])
            sheet.column_dimensions[get_column_letter(col)].width = min(60, max(10, longest + 2))
        sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _put(cell, value):
    if isinstance(value, str):
        # XML 1.0 cannot hold most control characters (NUL, ESC, ...): drop them, or openpyxl
        # refuses the whole workbook.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str):
        # openpyxl stores any string starting with "=" as a formula; force text.
        cell.data_type = TYPE_STRING
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # Excel's "'" marker: stays text when edited
    return cell


def _sheet_title(title: str, used: set[str]) -> str:
    """Excel sheet names: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[:31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def filename(slug: str, period: reports.Period | None, extension: str) -> str:
    """malpro-ringkasan-2026-11-01_2026-11-30.xlsx"""
    return f"malpro-{slug}-{period.slug}.{extension}" if period else f"malpro-{slug}.{extension}"


def _percent(part: int, whole: int) -> int:
    return reports.percent(part, whole)


# --- The dashboard ------------------------------------------------------------------------

def dashboard_tables(dashboard: reports.Dashboard, category_names: dict[str, str]) -> dict[str, Table]:
    """Every table of the admin dashboard, by slug, in page order."""
    summary, period = dashboard.summary, dashboard.period
    stores, orders = summary["stores"], summary["orders"]
    tables = [
        Table("ringkasan", _("Ringkasan"), [_("Angka"), _("Nilai")], [
            [_("Periode"), f"{period.date_from.isoformat()} – {period.date_to.isoformat()}"],
            [_("UMKM mendaftar"), stores["registered"]],
            [_("UMKM menunggu verifikasi"), stores["pending"]],
            [_("UMKM terverifikasi"), stores["verified"]],
            [_("UMKM ditolak"), stores["rejected"]],
            [_("UMKM dibekukan"), stores["suspended"]],
            [_("UMKM dengan penjualan selesai"), stores["with_sales"]],
            [_("Pesanan masuk"), orders["total"]],
            [_("GMV (Rp, pesanan selesai)"), summary["gmv"]],
            [_("Porsi nontunai (QRIS, %)"), _percent(sum(r["gmv"] for r in summary["by_payment"]
                                                        if r["method"] == "qris"), summary["gmv"])],
        ]),
        Table("status", _("Pesanan per status"), [_("Status"), _("Kode"), _("Pesanan")],
              [[status_label(s), s, n] for s, n in orders["by_status"].items()]),
        Table("bulanan", _("Per bulan"), [_("Bulan"), _("Pesanan masuk"), _("Pesanan selesai"), _("GMV (Rp)"),
                                          _("GMV QRIS (Rp)"), _("Porsi nontunai (%)")],
              [[m["month"], m["orders"], m["completed"], m["gmv"], m["qris_gmv"], _percent(m["qris_gmv"], m["gmv"])]
               for m in dashboard.series]),
        Table("kategori", _("Per kategori"), [_("Kategori"), _("Slug"), _("Pesanan selesai"), _("GMV (Rp)")],
              [[category_names.get(r["slug"], r["slug"]), r["slug"], r["orders"], r["gmv"]]
               for r in summary["by_category"]]),
        Table("kecamatan", _("Per kecamatan"), [_("Kecamatan"), _("Pesanan selesai"), _("GMV (Rp)")],
              [[r["kecamatan"], r["orders"], r["gmv"]] for r in summary["by_kecamatan"]]),
        Table("pemenuhan", _("Per cara pemenuhan"), [_("Cara"), _("Kode"), _("Pesanan selesai"), _("GMV (Rp)")],
              [[fulfilment_label(r["mode"]), r["mode"], r["orders"], r["gmv"]] for r in summary["by_fulfilment"]]),
        Table("pembayaran", _("Per cara bayar"), [_("Cara bayar"), _("Kode"), _("Pesanan selesai"), _("GMV (Rp)")],
              [[payment_method_label(r["method"]), r["method"], r["orders"], r["gmv"]]
               for r in summary["by_payment"]]),
        Table("toko-teratas", _("Toko teratas"), [_("Peringkat"), _("Toko"), _("Kecamatan"), _("Pesanan selesai"),
                                                  _("GMV (Rp)")],
              [[i, s["name"], s["kecamatan"], s["orders"], s["gmv"]]
               for i, s in enumerate(dashboard.top_stores, start=1)]),
        Table("produk-teratas", _("Produk teratas"), [_("Peringkat"), _("Produk"), _("Toko"), _("Terjual"),
                                                      _("Penjualan (Rp)")],
              [[i, p["name"], p["store_name"], p["quantity"], p["gmv"]]
               for i, p in enumerate(dashboard.top_products, start=1)]),
        Table("asn-opd", _("Belanja ASN per OPD"), [_("Kode OPD"), _("OPD"), _("Pegawai"), _("Capai minimum"),
                                                    _("Belanja (Rp)")],
              [[r["opd_code"], r["name"], r["employees"], r["reached_minimum"], r["spent"]]
               for r in summary["asn"]["by_opd"]]),
    ]
    return {t.slug: t for t in tables}


def payment_method_label(method: str) -> str:
    from malpro.services.payments import method_label

    return method_label(method)


def fulfilment_label(mode: str) -> str:
    return _("Antar (COD)") if mode == "delivery" else _("Ambil sendiri")


# --- ASN ----------------------------------------------------------------------------------

def participation_table(rows: list[dict], minimum: int) -> Table:
    """Employees are confirmed profiles; spending di Malpro and luar Malpro kept apart."""
    return Table("partisipasi-asn", _("Partisipasi ASN"), [
        _("Kode OPD"), _("OPD"), _("Pegawai terdaftar"), _("ASN"), _("Non-ASN"),
        _("Capai minimum (Rp%(n)s)", n=f"{minimum:,}".replace(",", ".")), _("Persentase (%)"),
        _("Belanja di Malpro (Rp)"), _("Belanja luar Malpro (Rp)"), _("Belanja QRIS (Rp)"), _("Porsi nontunai (%)")],
        [[r["opd_code"], r["name"], r["employees"], r["asn"], r["non_asn"], r["reached_minimum"],
          _percent(r["reached_minimum"], r["employees"]), r["spent"], r["spent_outside"], r["spent_qris"],
          _percent(r["spent_qris"], r["spent"])] for r in rows])


def opd_employees_table(opd_code: str, rows: list[dict], status_label=None) -> Table:
    """For admins and the OPD's coordinators only: it holds NIPs (personal data)."""
    from malpro.services.asn import kind_label
    from malpro.services.asn import status_label as profile_status

    status_label = status_label or profile_status
    return Table(f"pegawai-{opd_code.lower()}", _("Pegawai %(code)s", code=opd_code), [
        _("Nama"), _("Email"), _("Jenis"), _("NIP"), _("Status profil"), _("Pesanan selesai"),
        _("Belanja di Malpro (Rp)"), _("Laporan luar Malpro disetujui"), _("Belanja luar Malpro (Rp)"),
        _("Capai minimum")],
        [[r["name"], r["email"], kind_label(r["kind"]), r["nip"] or "", status_label(r["status"]), r["orders"],
          r["spent"], r["purchases"], r["spent_outside"],
          (_("Ya") if r["reached"] else _("Belum")) if r["counted"] else _("Tidak dihitung")] for r in rows])


def opd_months_table(opd_code: str, months: list) -> Table:
    """One OPD's participation month by month: [(Period, row or None)]."""
    return Table(f"bulanan-{opd_code.lower()}", _("Per bulan %(code)s", code=opd_code), [
        _("Bulan"), _("Pegawai terdaftar"), _("Capai minimum"), _("Persentase (%)"),
        _("Belanja di Malpro (Rp)"), _("Belanja luar Malpro (Rp)")],
        [[m.month_value, r["employees"] if r else 0, r["reached_minimum"] if r else 0,
          _percent(r["reached_minimum"], r["employees"]) if r else 0, r["spent"] if r else 0,
          r["spent_outside"] if r else 0] for m, r in months])


def leads_table(rows: list[dict], status_label) -> Table:
    return Table("calon-umkm", _("Calon UMKM dari belanja luar Malpro"), [
        _("Nama toko"), _("Kecamatan"), _("Kelurahan"), _("Pegawai yang belanja"), _("Laporan"),
        _("Total (Rp)"), _("Belanja terakhir"), _("Status"), _("Toko di Malpro"), _("Catatan")],
        [[r["name"], r["kecamatan"], r["kelurahan"], r["employees"], r["purchases"], r["total"],
          r["last"].isoformat(), status_label(r["status"]), r["store"].slug if r["store"] else "", r["note"] or ""]
         for r in rows])


def binaan_table(opd_code: str, rows: list[dict], store_status_label) -> Table:
    return Table(f"binaan-{opd_code.lower()}", _("UMKM binaan %(code)s", code=opd_code), [
        _("Toko"), _("Kecamatan"), _("Kelurahan"), _("Status verifikasi"), _("Pesanan selesai"), _("Nilai (Rp)")],
        [[r["name"], r["kecamatan"], r["kelurahan"], store_status_label(r["status"]), r["orders"], r["gmv"]]
         for r in rows])


def mentor_table(rows: list[dict]) -> Table:
    """Per mentoring agency: aggregates only (also on the transparency page)."""
    return Table("per-opd-pembina", _("Per OPD pembina"), [
        _("OPD pembina"), _("UMKM terverifikasi"), _("Pesanan selesai"), _("Nilai (Rp)")],
        [[r["name"], r["verified_stores"], r["orders"], r["gmv"]] for r in rows])


# --- Public transparency ------------------------------------------------------------------

def transparency_tables(figures: reports.Transparency, category_names: dict[str, str]) -> dict[str, Table]:
    """Aggregates only: no person, no store, no order appears in these."""
    tables = [
        Table("umkm-kecamatan", _("UMKM per kecamatan"), [_("Kecamatan"), _("UMKM terverifikasi")],
              [[r["kecamatan"], r["stores"]] for r in figures.by_kecamatan]),
        Table("umkm-kategori", _("UMKM per kategori"), [_("Kategori"), _("UMKM terverifikasi")],
              [[category_names.get(r["slug"], r["name"]), r["stores"]] for r in figures.by_category]),
        Table("transaksi-bulanan", _("Transaksi per bulan"), [_("Bulan"), _("Pesanan selesai"), _("Nilai (Rp)"),
                                                             _("Nilai QRIS (Rp)"), _("Porsi nontunai (%)")],
              [[m["month"], m["completed"], m["gmv"], m["qris_gmv"], _percent(m["qris_gmv"], m["gmv"])]
               for m in figures.series]),
    ]
    return {t.slug: t for t in tables}


# --- The audit log ------------------------------------------------------------------------

def audit_table(entries, targets: dict, action_label) -> Table:
    from malpro.formatting import to_wib

    return Table("audit", _("Log audit"), [_("Waktu (WIB)"), _("Admin"), _("Tindakan"), _("Kode tindakan"),
                                            _("Objek"), _("Alasan / perubahan")],
                 [[to_wib(e.created_at).strftime("%Y-%m-%d %H:%M"), e.actor.name if e.actor else _("Sistem (CLI)"),
                   action_label(e.action), e.action,
                   f"{e.target_type} #{e.target_id}" + (f" {targets[(e.target_type, e.target_id)]}"
                                                       if (e.target_type, e.target_id) in targets else "")
                   if e.target_id is not None else e.target_type,
                   e.reason or ""] for e in entries])
