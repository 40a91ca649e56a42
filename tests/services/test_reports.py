"""The reports service: every figure of a known set of orders, checked exactly, with the WIB
month boundaries (tests/report_data.py works them out)."""
from datetime import date, datetime, timedelta

import pytest

from malpro.extensions import db
from malpro.models import Order
from malpro.services import asn, reports
from tests import report_data
from tests.reference_guard import restore_reference_data  # noqa: F401  (the fixture)
from tests.report_data import NOVEMBER

pytestmark = pytest.mark.usefixtures("restore_reference_data")


@pytest.fixture
def data(app):
    return report_data.build()


def test_period_bounds_are_wib_midnights_in_utc():
    november = reports.Period.month(2025, 11)
    assert november.bounds == (datetime(2025, 10, 31, 17), datetime(2025, 11, 30, 17))
    assert reports.Period.day(date(2025, 11, 30)).bounds == (datetime(2025, 11, 29, 17), datetime(2025, 11, 30, 17))
    assert november.slug == "2025-11-01_2025-11-30"


def test_period_from_args(app):
    assert reports.period_from_args({"bulan": "2026-02"}) == reports.Period(date(2026, 2, 1), date(2026, 2, 28), "month")
    assert reports.period_from_args({"hari": "2026-02-03"}).bounds[0] == datetime(2026, 2, 2, 17)
    period = reports.period_from_args({"dari": "2026-01-05", "sampai": "2026-02-10", "bulan": "2026-03"})
    assert (period.date_from, period.date_to, period.kind) == (date(2026, 1, 5), date(2026, 2, 10), "range")
    assert reports.period_from_args({}) == reports.this_month()
    for bad in ({"bulan": "2026-13"}, {"hari": "kemarin"}, {"dari": "2026-02-10", "sampai": "2026-01-01"},
                {"dari": "2020-01-01", "sampai": "2026-01-01"}, {"dari": "2026-01-01"}):
        with pytest.raises(reports.PeriodError):
            reports.period_from_args(bad)


def test_summary_of_november_matches_the_api_shape_exactly(data):
    summary = reports.summary(date(2025, 11, 1), date(2025, 11, 30))
    assert summary["period"] == {"from": "2025-11-01", "to": "2025-11-30"}
    assert summary["stores"] == NOVEMBER["stores"]
    assert summary["orders"] == {"total": 7 - 1, "by_status": NOVEMBER["orders_by_status"]}
    assert summary["gmv"] == NOVEMBER["gmv"] == 1_110_000
    assert summary["by_kecamatan"] == [{"kecamatan": k, "orders": n, "gmv": g}
                                       for k, (n, g) in NOVEMBER["by_kecamatan"].items()]
    assert summary["by_fulfilment"] == [{"mode": m, "orders": n, "gmv": g}
                                        for m, (n, g) in NOVEMBER["by_fulfilment"].items()]
    assert summary["by_category"] == [{"slug": s, "orders": n, "gmv": g}
                                      for s, (n, g) in NOVEMBER["by_category"].items()]
    assert set(summary) == {"period", "stores", "orders", "gmv", "by_category", "by_kecamatan", "by_fulfilment",
                            "by_payment", "cashless_share", "asn"}
    # The QRIS issue: every completed order of this data set is cash.
    assert summary["by_payment"] == [{"method": "cash", "orders": sum(n for n, _g in NOVEMBER["by_fulfilment"].values()),
                                      "gmv": summary["gmv"]}, {"method": "qris", "orders": 0, "gmv": 0}]
    assert summary["cashless_share"] == 0.0
    assert summary["asn"]["monthly_minimum"] == 300_000
    by_code = {row["opd_code"]: row for row in summary["asn"]["by_opd"]}
    assert by_code["DISKOMINFO"] == {"opd_code": "DISKOMINFO", "name": "Dinas Komunikasi dan Informatika",
                                     "employees": 2, "reached_minimum": 0, "spent": 260_000, "spent_outside": 0}
    assert by_code["DINKES"] == {"opd_code": "DINKES", "name": "Dinas Kesehatan", "employees": 1,
                                 "reached_minimum": 1, "spent": 350_000, "spent_outside": 0}
    assert by_code["DLH"] == {"opd_code": "DLH", "name": "Dinas Lingkungan Hidup", "employees": 0,
                              "reached_minimum": 0, "spent": 0, "spent_outside": 0}
    assert len(by_code) == 29  # every active OPD, even without employees


def test_wib_month_boundaries(data):
    """23:30 WIB on the last day belongs to that month; 00:30 WIB on the first to the next."""
    december = reports.summary(date(2025, 12, 1), date(2025, 12, 31))
    assert december["gmv"] == 80_000  # o2 only, completed at 00:30 WIB on 1 December
    assert december["orders"]["total"] == 0  # o2 was placed in November
    october = reports.summary(date(2025, 10, 1), date(2025, 10, 31))
    assert october["orders"]["by_status"]["completed"] == 1  # o3 placed 23:30 WIB on 31 October
    assert october["gmv"] == 0  # ...and completed 00:30 WIB on 1 November
    last_day = reports.summary(date(2025, 11, 30), date(2025, 11, 30))
    assert last_day["gmv"] == 260_000 and last_day["orders"]["total"] == 1  # o1 done, o2 placed
    first_day = reports.summary(date(2025, 11, 1), date(2025, 11, 1))
    assert first_day["gmv"] == 350_000 and first_day["orders"]["total"] == 0


def test_store_statuses_follow_the_history_for_past_periods(data):
    # End of September 2025: only the Klojen store existed, verified.
    september = reports.summary(date(2025, 9, 1), date(2025, 9, 30))["stores"]
    assert september == {"registered": 1, "pending": 0, "verified": 1, "rejected": 0, "suspended": 0,
                         "with_sales": 0}
    december = reports.summary(date(2025, 12, 1), date(2025, 12, 31))["stores"]
    assert december == {"registered": 1, "pending": 1, "verified": 2, "rejected": 1, "suspended": 1,
                        "with_sales": 1}


def test_store_statuses_of_a_period_not_yet_over_are_the_current_ones(data):
    today = reports.wib_today()
    stores = reports.summary(today - timedelta(days=3), today + timedelta(days=3))["stores"]
    assert {k: stores[k] for k in ("pending", "verified", "rejected", "suspended")} == {
        "pending": 1, "verified": 2, "rejected": 1, "suspended": 1}


def test_monthly_series(data):
    series = reports.monthly_series(date(2025, 10, 1), date(2025, 12, 1))
    assert [(m["month"], m["orders"], m["completed"], m["gmv"]) for m in series] == [
        ("2025-10", 1, 0, 0), ("2025-11", 6, 3, 1_110_000), ("2025-12", 0, 1, 80_000)]
    first, last = reports.series_months(reports.Period.month(2025, 11))
    assert (first, last) == (date(2024, 12, 1), date(2025, 11, 1))
    first, last = reports.series_months(reports.Period(date(2023, 5, 17), date(2025, 11, 2)))
    assert (first, last) == (date(2023, 5, 1), date(2025, 11, 1))


def test_top_stores_and_products(data):
    november = reports.Period.month(2025, 11)
    assert [(s["name"], s["orders"], s["gmv"]) for s in reports.top_stores(november)] == [
        ("Toko Klojen", 2, 610_000), ("Toko Lowokwaru", 1, 500_000)]
    assert [(p["name"], p["quantity"], p["gmv"]) for p in reports.top_products(november)] == [
        ("Rias Pengantin", 1, 500_000), ("Keripik Tempe", 9, 450_000), ("Topeng Malangan", 1, 150_000)]


def test_asn_participation_sorting_and_minimum(data, make):
    november = reports.Period.month(2025, 11)
    rows = reports.asn_participation(november, sort="spent", descending=True)
    assert [(r["opd_code"], r["employees"], r["reached_minimum"], r["spent"]) for r in rows[:2]] == [
        ("DINKES", 1, 1, 350_000), ("DISKOMINFO", 2, 0, 260_000)]
    assert rows[0]["share"] == 1.0 and rows[1]["share"] == 0.0 and rows[1]["asn"] == 1 and rows[1]["non_asn"] == 1
    assert reports.asn_totals(rows) == {"employees": 3, "reached_minimum": 1, "share": 1 / 3, "spent": 610_000,
                                       "spent_outside": 0, "spent_qris": 0,
                                       "cashless_share": 0.0}

    asn.set_monthly_minimum(make.admin().id, 250_000)
    rows = reports.asn_participation(november, sort="share", descending=True)
    assert [(r["opd_code"], r["reached_minimum"], r["share"]) for r in rows[:2]] == [
        ("DINKES", 1, 1.0), ("DISKOMINFO", 1, 0.5)]
    assert reports.summary(date(2025, 11, 1), date(2025, 11, 30))["asn"]["monthly_minimum"] == 250_000


def test_retired_opd_stays_in_the_report_while_it_has_employees(data, make):
    from malpro.services import moderation

    admin = make.admin()
    dlh = data.opds["DLH"]
    moderation.set_opd_active(admin.id, dlh.id, False)
    moderation.set_opd_active(admin.id, data.opds["DINKES"].id, False)
    codes = {r["opd_code"] for r in reports.asn_participation(reports.Period.month(2025, 11))}
    assert "DLH" not in codes and "DINKES" in codes


def test_opd_employees(data):
    rows = reports.opd_employees(data.opds["DISKOMINFO"].id, reports.Period.month(2025, 11))
    assert [(r["name"], r["kind"], r["nip"], r["orders"], r["spent"], r["reached"]) for r in rows] == [
        ("Budi ASN", "asn", report_data.NIP_1, 1, 260_000, False), ("Sari NonASN", "non_asn", None, 0, 0, False)]
    december = reports.opd_employees(data.opds["DISKOMINFO"].id, reports.Period.month(2025, 12))
    assert december[0]["spent"] == 80_000


def test_buyer_spending(data):
    buyer = data.buyers["asn1"]
    assert reports.buyer_spending(buyer.id, reports.Period.month(2025, 11)) == 260_000
    assert reports.buyer_spending(buyer.id, reports.Period.month(2025, 12)) == 80_000


def test_transparency_figures(data):
    figures = reports.transparency()
    assert figures.verified_stores == 2  # Lowokwaru and Kedungkandang; the Klojen store is suspended
    assert {r["kecamatan"]: r["stores"] for r in figures.by_kecamatan} == {
        "Blimbing": 0, "Kedungkandang": 1, "Klojen": 0, "Lowokwaru": 1, "Sukun": 0}
    by_category = {r["slug"]: r["stores"] for r in figures.by_category}
    assert by_category["makanan-minuman"] == 2 and by_category["kriya"] == 1 and by_category["jasa"] == 1
    assert by_category["wedding"] == 0  # the only wedding product is inactive (and its store pending)
    assert len(figures.series) == 12 and all(
        set(m) == {"month", "label", "short", "completed", "gmv", "qris_gmv", "cashless_share"} for m in figures.series)


def test_transparency_counts_recent_completed_orders(data):
    for order in data.orders.values():
        if order.completed_at:
            order.completed_at = datetime(2020, 1, 1)
    data.orders["o6"].completed_at = datetime.utcnow()
    db.session.commit()
    figures = reports.transparency()
    assert figures.series[-1]["completed"] == 1 and figures.series[-1]["gmv"] == 500_000
    assert figures.completed_orders == 1 and figures.gmv == 500_000


def test_reports_issue_a_fixed_number_of_queries(data):
    """No N+1: the number of statements does not grow with the data."""
    from sqlalchemy import event

    statements = []

    def count(*_args):
        statements.append(1)

    november = reports.Period.month(2025, 11)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        reports.dashboard(november)
        first = len(statements)
        for n in range(5):
            db.session.add(Order(code=f"MLP-EXTRA-{n}", buyer_id=data.buyers["plain"].id,
                                 store_id=data.stores["b"].id, status="completed", fulfilment="pickup",
                                 subtotal=1000, total=1000, created_at=datetime(2025, 11, 2),
                                 completed_at=datetime(2025, 11, 3)))
        db.session.commit()
        statements.clear()
        reports.dashboard(november)
        assert len(statements) == first
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert first <= 20
