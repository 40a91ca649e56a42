"""Programme reporting (DOMAIN.md "Programme reporting"): every figure the dashboard, the
exports, the transparency page and the API show is computed here, once.

Definitions (docs/reports.md has the long form):
- A period is a range of calendar days in WIB, both ends included. It becomes one pair of
  naive-UTC bounds [start, end) (WIB is UTC+7 all year, no daylight saving), so every query
  compares stored times with two parameters and can use an index; no query converts times.
- Orders by status are the orders placed in the period (`created_at`), by their current status.
- GMV and every "spent" are the totals of orders that are `completed`, counted in the period
  they were completed (`completed_at`): the day the buyer paid cash. The breakdowns by
  category, kecamatan and fulfilment mode count those same completed orders beside their GMV.
- Stores: `registered` = applications created in the period; pending/verified/rejected/
  suspended = the stores' status at the end of the period (from the decision history once the
  period is over; the current status for a period that has not ended); `with_sales` = stores
  with at least one order completed in the period.
- ASN (services.participation): employees = buyers whose confirmed profile names the OPD
  now; `reached_minimum` = employees whose spending in the period, on Malpro and outside it
  (approved reports), is at least the monthly minimum; the two parts are always kept apart.

Periods live in services.periods, ASN participation in services.participation; their names
are re-exported here for the report views.

Each figure is one GROUP BY query (SQLite and PostgreSQL); nothing is computed row by row.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable

from sqlalchemy import case, distinct, func, literal, select, union_all

from malpro.extensions import db
from malpro.models import (
    PAYMENT_METHODS,
    STORE_STATUSES,
    Category,
    Order,
    OrderItem,
    Product,
    Store,
    StoreDecision,
    utcnow,
)
from malpro.reference import kecamatan_names
from malpro.services.asn import get_monthly_minimum
from malpro.services.participation import (  # noqa: F401 (re-exported for the report views)
    PARTICIPATION_SORTS,
    asn_participation,
    asn_totals,
    buyer_spending,
    cashless_share,
    completed_in,
    opd_employees,
    sort_participation,
)
from malpro.services.periods import (  # noqa: F401 (re-exported for the report views)
    MAX_PERIOD_DAYS,
    PERIOD_KINDS,
    Period,
    PeriodError,
    in_bounds,
    month_keys,
    month_label,
    months_before,
    parse_day,
    parse_month,
    percent,
    period_args,
    period_from_args,
    this_month,
    wib_midnight_utc,
    wib_today,
)

ORDER_STATUSES = ("pending", "confirmed", "shipped", "ready", "completed", "cancelled")
FULFILMENT_MODES = ("delivery", "pickup")
SERIES_MONTHS = 12
TOP_LIMIT = 10


# --- The summary (API.md GET /admin/reports/summary) ----------------------------------------

def summary(date_from: date, date_to: date) -> dict:
    """Every headline figure of a period, in the API's shape (both days inclusive, WIB)."""
    return period_summary(Period(date_from, date_to))


def period_summary(period: Period) -> dict:
    bounds = period.bounds
    sales = _sales(bounds)
    by_status = _placed_by_status(bounds)
    return {
        "period": period.as_json(),
        "stores": store_figures(period),
        "orders": {"total": sum(by_status.values()), "by_status": by_status},
        "gmv": sum(row.gmv for row in sales),
        "by_category": _by_category(bounds),
        "by_kecamatan": [{"kecamatan": kec, **_fold(sales, lambda row, k=kec: row.kecamatan == k)}
                         for kec in _kecamatan_order({row.kecamatan for row in sales})],
        "by_fulfilment": [{"mode": mode, **_fold(sales, lambda row, m=mode: row.fulfilment == m)}
                          for mode in FULFILMENT_MODES],
        "by_payment": [{"method": method, **_fold(sales, lambda row, m=method: row.payment_method == m)}
                       for method in PAYMENT_METHODS],
        "cashless_share": cashless_share(sum(row.gmv for row in sales if row.payment_method == "qris"),
                                         sum(row.gmv for row in sales)),
        "asn": {"monthly_minimum": get_monthly_minimum(), "by_opd": [
            {key: row[key] for key in ("opd_code", "name", "employees", "reached_minimum", "spent", "spent_outside")}
            for row in asn_participation(period)
        ]},
    }




def _fold(sales: list, keep) -> dict:
    rows = [row for row in sales if keep(row)]
    return {"orders": sum(row.orders for row in rows), "gmv": sum(row.gmv for row in rows)}


def _kecamatan_order(seen: Iterable[str]) -> list[str]:
    """The 5 kecamatan in reference order, then anything unexpected the data holds."""
    known = list(kecamatan_names())
    return known + sorted(k for k in seen if k not in known and k is not None)


def _placed_by_status(bounds) -> dict[str, int]:
    """Orders placed in the period, by their current status (every status listed)."""
    counts = dict(db.session.execute(
        select(Order.status, func.count()).where(in_bounds(Order.created_at, bounds)).group_by(Order.status)).all())
    return {status: counts.get(status, 0) for status in ORDER_STATUSES}


def _sales(bounds) -> list:
    """Orders completed in the period by store kecamatan, fulfilment mode and payment method:
    rows (kecamatan, fulfilment, payment_method, orders, gmv). Grouped per store first, so the
    stores table is joined once per store, not once per order."""
    per_store = (select(Order.store_id, Order.fulfilment, Order.payment_method, func.count().label("orders"),
                        func.sum(Order.total).label("gmv"))
                 .where(completed_in(bounds))
                 .group_by(Order.store_id, Order.fulfilment, Order.payment_method).subquery())
    rows = db.session.execute(
        select(Store.kecamatan, per_store.c.fulfilment, per_store.c.payment_method, func.sum(per_store.c.orders),
               func.sum(per_store.c.gmv))
        .join(Store, Store.id == per_store.c.store_id)
        .group_by(Store.kecamatan, per_store.c.fulfilment, per_store.c.payment_method)).all()
    return [_SalesRow(kecamatan, mode, method, int(orders), int(gmv))
            for kecamatan, mode, method, orders, gmv in rows]


@dataclass(frozen=True)
class _SalesRow:
    kecamatan: str
    fulfilment: str
    payment_method: str
    orders: int
    gmv: int


def _by_category(bounds) -> list[dict]:
    """Per category: orders completed in the period with at least one item of it, and those
    items' subtotals (the delivery fee belongs to no category). Every category listed."""
    rows = {cid: (n, int(gmv)) for cid, n, gmv in db.session.execute(
        select(OrderItem.category_id, func.count(distinct(OrderItem.order_id)),
               func.coalesce(func.sum(OrderItem.subtotal), 0))
        .join(Order, Order.id == OrderItem.order_id)
        .where(completed_in(bounds))
        .group_by(OrderItem.category_id))}
    categories = db.session.execute(select(Category.id, Category.slug).order_by(Category.position, Category.id))
    return [{"slug": slug, "orders": rows.get(cid, (0, 0))[0], "gmv": rows.get(cid, (0, 0))[1]}
            for cid, slug in categories]


def store_figures(period: Period) -> dict:
    bounds = period.bounds
    registered = db.session.scalar(select(func.count(Store.id)).where(in_bounds(Store.created_at, bounds)))
    with_sales = db.session.scalar(select(func.count(distinct(Order.store_id))).where(completed_in(bounds)))
    return {"registered": registered, **store_statuses_at(bounds[1]), "with_sales": with_sales}


def store_statuses_at(moment: datetime) -> dict[str, int]:
    """How many stores had each status at `moment` (naive UTC).

    While `moment` is still ahead, that is the stores' current status. For a past moment it is
    the last decision each store had before it (StoreDecision is the history: application,
    verification, rejection, re-submission, ...); stores created after it are not counted."""
    if moment > utcnow():
        counts = dict(db.session.execute(select(Store.status, func.count()).group_by(Store.status)).all())
    else:
        last = (select(func.max(StoreDecision.id)).where(StoreDecision.created_at < moment)
                .group_by(StoreDecision.store_id))
        counts = dict(db.session.execute(
            select(StoreDecision.to_status, func.count()).where(StoreDecision.id.in_(last))
            .group_by(StoreDecision.to_status)).all())
    return {status: counts.get(status, 0) for status in STORE_STATUSES}


# --- Series, breakdowns and top lists for the dashboard -------------------------------------

def series_months(period: Period) -> tuple[date, date]:
    """The months a monthly chart shows (first days): the period's months, and at least the
    SERIES_MONTHS months ending with the period's last month (a trend, not one bar)."""
    last = date(period.date_to.year, period.date_to.month, 1)
    return min(date(period.date_from.year, period.date_from.month, 1), months_before(last, SERIES_MONTHS - 1)), last

def monthly_series(first: date, last: date) -> list[dict]:
    """Per WIB month from `first` to `last` (first days of months): orders placed, orders
    completed and GMV (completed orders, by completion month).

    One range aggregate per month, joined with UNION ALL: each reads its slice of a covering
    index, where grouping every order by a computed month would read and sort them all."""
    keys = month_keys(first, last)
    ranges = [Period.month(int(key[:4]), int(key[5:])).bounds for key in keys]
    placed = dict(db.session.execute(union_all(*(
        select(literal(i).label("i"), func.count()).select_from(Order).where(in_bounds(Order.created_at, bounds))
        for i, bounds in enumerate(ranges)))).all())
    qris_total = case((Order.payment_method == "qris", Order.total), else_=0)
    completed = {i: (n, int(gmv), int(qris_gmv)) for i, n, gmv, qris_gmv in db.session.execute(union_all(*(
        select(literal(i).label("i"), func.count(), func.coalesce(func.sum(Order.total), 0),
               func.coalesce(func.sum(qris_total), 0))
        .where(completed_in(bounds)) for i, bounds in enumerate(ranges))))}
    series = []
    for i, key in enumerate(keys):
        count, gmv, qris_gmv = completed.get(i, (0, 0, 0))
        series.append({"month": key, "label": month_label(key), "short": month_label(key, "MMM yy"),
                       "orders": placed.get(i, 0), "completed": count, "gmv": gmv, "qris_gmv": qris_gmv,
                       "cashless_share": cashless_share(qris_gmv, gmv)})
    return series


def top_stores(period: Period, limit: int = TOP_LIMIT) -> list[dict]:
    """Stores with the highest GMV in the period (ties: the older store first)."""
    gmv = func.sum(Order.total).label("gmv")
    rows = db.session.execute(
        select(Order.store_id, func.count().label("orders"), gmv)
        .where(completed_in(period.bounds)).group_by(Order.store_id)
        .order_by(gmv.desc(), Order.store_id).limit(limit)).all()
    stores = {s.id: s for s in db.session.execute(
        select(Store.id, Store.name, Store.slug, Store.kecamatan).where(Store.id.in_([r.store_id for r in rows])))}
    return [{"store_id": r.store_id, "name": stores[r.store_id].name, "slug": stores[r.store_id].slug,
             "kecamatan": stores[r.store_id].kecamatan, "orders": r.orders, "gmv": int(r.gmv)} for r in rows]


def top_products(period: Period, limit: int = TOP_LIMIT) -> list[dict]:
    """Products with the highest sales (item subtotals) in orders completed in the period."""
    gmv = func.sum(OrderItem.subtotal).label("gmv")
    rows = db.session.execute(
        select(OrderItem.product_id, func.sum(OrderItem.quantity).label("quantity"), gmv)
        .join(Order, Order.id == OrderItem.order_id)
        .where(completed_in(period.bounds), OrderItem.product_id.is_not(None))
        .group_by(OrderItem.product_id).order_by(gmv.desc(), OrderItem.product_id).limit(limit)).all()
    products = {p.id: p for p in db.session.execute(
        select(Product.id, Product.name, Store.name.label("store_name"))
        .join(Store, Store.id == Product.store_id).where(Product.id.in_([r.product_id for r in rows])))}
    # product_id is set to NULL when a product is deleted, so every row here has its product.
    return [{"product_id": r.product_id, "name": products[r.product_id].name,
             "store_name": products[r.product_id].store_name, "quantity": int(r.quantity), "gmv": int(r.gmv)}
            for r in rows]


@dataclass
class Dashboard:
    period: Period
    summary: dict
    series: list[dict]
    top_stores: list[dict]
    top_products: list[dict]


def dashboard(period: Period) -> Dashboard:
    first, last = series_months(period)
    return Dashboard(period=period, summary=period_summary(period), series=monthly_series(first, last),
                     top_stores=top_stores(period), top_products=top_products(period))

# --- Public transparency -------------------------------------------------------------------

def verified_stores_by_kecamatan() -> list[dict]:
    counts = dict(db.session.execute(
        select(Store.kecamatan, func.count()).where(Store.status == "verified").group_by(Store.kecamatan)).all())
    return [{"kecamatan": k, "stores": counts.get(k, 0)} for k in _kecamatan_order(counts)]


def verified_stores_by_category() -> list[dict]:
    """Verified stores with at least one active product in each category (a store selling
    in two categories counts in both)."""
    counts = dict(db.session.execute(
        select(Product.category_id, func.count(distinct(Product.store_id)))
        .join(Store, Store.id == Product.store_id)
        .where(Store.status == "verified", Product.is_active.is_(True))
        .group_by(Product.category_id)).all())
    return [{"slug": c.slug, "name": c.name, "name_en": c.name_en, "icon": c.icon, "stores": counts.get(c.id, 0)}
            for c in db.session.scalars(select(Category).order_by(Category.position, Category.id))]


@dataclass
class Transparency:
    verified_stores: int
    by_kecamatan: list[dict]
    by_category: list[dict]
    series: list[dict]
    first: date
    last: date

    @property
    def completed_orders(self) -> int:
        return sum(m["completed"] for m in self.series)

    @property
    def gmv(self) -> int:
        return sum(m["gmv"] for m in self.series)

    @property
    def cashless_share(self) -> float:
        return cashless_share(sum(m["qris_gmv"] for m in self.series), self.gmv)


def transparency(months: int = SERIES_MONTHS) -> Transparency:
    """The public figures: aggregates only, never a person or an order."""
    today = wib_today()
    last = date(today.year, today.month, 1)
    first = months_before(last, months - 1)
    by_kecamatan = verified_stores_by_kecamatan()
    series = [{k: m[k] for k in ("month", "label", "short", "completed", "gmv", "qris_gmv", "cashless_share")}
              for m in monthly_series(first, last)]
    return Transparency(verified_stores=sum(r["stores"] for r in by_kecamatan), by_kecamatan=by_kecamatan,
                        by_category=verified_stores_by_category(), series=series, first=first, last=last)
