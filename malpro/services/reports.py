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
- ASN: employees = buyers whose profile names the OPD now; `reached_minimum` = employees whose
  spending in the period is at least the monthly minimum (the reports ask for one month).

Each figure is one GROUP BY query (SQLite and PostgreSQL); nothing is computed row by row.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable, Mapping

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_, case, distinct, func, literal, select, union_all

from malpro.extensions import db
from malpro.formatting import WIB
from malpro.models import (
    PAYMENT_METHODS,
    STORE_STATUSES,
    AsnProfile,
    Category,
    Opd,
    Order,
    OrderItem,
    Product,
    Store,
    StoreDecision,
    User,
    utcnow,
)
from malpro.reference import kecamatan_names
from malpro.services.errors import DomainError

ORDER_STATUSES = ("pending", "confirmed", "shipped", "ready", "completed", "cancelled")
FULFILMENT_MODES = ("delivery", "pickup")
SERIES_MONTHS = 12
TOP_LIMIT = 10
# A custom range longer than this is refused: nobody reads a 10-year dashboard, and it keeps
# every query bounded.
MAX_PERIOD_DAYS = 3 * 366
PERIOD_KINDS = ("month", "day", "range")


class PeriodError(DomainError):
    """A period the reports cannot show (bad date, end before start, too long): 400."""


# --- Periods --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    kind: str = "range"  # "month", "day" or "range": how the admin chose it (for the form)

    def __post_init__(self):
        if self.date_to < self.date_from:
            raise PeriodError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))
        if (self.date_to - self.date_from).days >= MAX_PERIOD_DAYS:
            raise PeriodError(_("Rentang paling panjang %(n)d hari.", n=MAX_PERIOD_DAYS))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day, "day")

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC: 00:00 WIB of the first day to 00:00 WIB after the last."""
        return wib_midnight_utc(self.date_from), wib_midnight_utc(self.date_to + timedelta(days=1))

    @property
    def slug(self) -> str:
        """For file names: 2026-11-01_2026-11-30."""
        return f"{self.date_from.isoformat()}_{self.date_to.isoformat()}"

    @property
    def month_value(self) -> str:
        return f"{self.date_from.year:04d}-{self.date_from.month:02d}"

    @property
    def is_one_month(self) -> bool:
        whole = Period.month(self.date_from.year, self.date_from.month)
        return (self.date_from, self.date_to) == (whole.date_from, whole.date_to)

    @property
    def label(self) -> str:
        if self.kind == "month" or (self.kind == "range" and self.is_one_month):
            return format_date(self.date_from, "MMMM yyyy")
        if self.date_from == self.date_to:
            return format_date(self.date_from, "d MMMM yyyy")
        return f"{format_date(self.date_from, 'd MMM yyyy')} – {format_date(self.date_to, 'd MMM yyyy')}"

    def as_json(self) -> dict:
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


def wib_midnight_utc(day: date) -> datetime:
    """00:00 WIB of `day` as naive UTC (17:00 UTC the day before)."""
    return datetime.combine(day, time(), tzinfo=WIB).astimezone(timezone.utc).replace(tzinfo=None)


def wib_today() -> date:
    return datetime.now(timezone.utc).astimezone(WIB).date()


def this_month() -> Period:
    today = wib_today()
    return Period.month(today.year, today.month)


def parse_month(value: str | None) -> Period:
    """`2026-11` → that month; raises PeriodError."""
    try:
        year, month = (int(part) for part in str(value or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return Period.month(year, month)
    except (ValueError, TypeError):
        raise PeriodError(_("Bulan tidak valid (format TTTT-BB).")) from None


def parse_day(value: str | None) -> date:
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        raise PeriodError(_("Tanggal tidak valid (format TTTT-BB-HH).")) from None
    if not 2000 <= day.year <= 2100:
        raise PeriodError(_("Tanggal tidak valid (format TTTT-BB-HH)."))
    return day


def period_from_args(args: Mapping[str, str]) -> Period:
    """The period a page's query string asks for, by the first of these that is present:
    `dari` and `sampai` (custom range), `hari` (one day), `bulan` (one month);
    otherwise this month. Raises PeriodError for a value that is present but wrong."""
    if args.get("dari") or args.get("sampai"):
        return Period(parse_day(args.get("dari")), parse_day(args.get("sampai")), "range")
    if args.get("hari"):
        return Period.day(parse_day(args.get("hari")))
    if args.get("bulan"):
        return parse_month(args.get("bulan"))
    return this_month()


def period_args(period: Period) -> dict:
    """The query-string arguments that reproduce `period` (links, exports)."""
    if period.kind == "month":
        return {"bulan": period.month_value}
    if period.kind == "day":
        return {"hari": period.date_from.isoformat()}
    return {"dari": period.date_from.isoformat(), "sampai": period.date_to.isoformat()}


# --- SQL helpers ----------------------------------------------------------------------------

def _in(column, bounds: tuple[datetime, datetime]):
    start, end = bounds
    return and_(column >= start, column < end)


def _completed_in(bounds):
    """Orders completed in the period. `completed_at` is set once, when an order reaches
    `completed`, a final status; so the range alone selects completed orders, and leaving
    the status out keeps SQLite's planner on ix_orders_completed_report."""
    return _in(Order.completed_at, bounds)


def _month_keys(first: date, last: date) -> list[str]:
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def month_label(key: str, pattern: str = "MMM yyyy") -> str:
    year, month = (int(p) for p in key.split("-"))
    return format_date(date(year, month, 1), pattern)


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
        "asn": {"monthly_minimum": _monthly_minimum(), "by_opd": [
            {key: row[key] for key in ("opd_code", "name", "employees", "reached_minimum", "spent")}
            for row in asn_participation(period)
        ]},
    }


def cashless_share(qris_gmv: int, gmv: int) -> float:
    """QRIS value / all completed value (0-1; 0 when nothing was completed)."""
    return round(qris_gmv / gmv, 4) if gmv else 0.0


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
        select(Order.status, func.count()).where(_in(Order.created_at, bounds)).group_by(Order.status)).all())
    return {status: counts.get(status, 0) for status in ORDER_STATUSES}


def _sales(bounds) -> list:
    """Orders completed in the period by store kecamatan, fulfilment mode and payment method:
    rows (kecamatan, fulfilment, payment_method, orders, gmv). Grouped per store first, so the
    stores table is joined once per store, not once per order."""
    per_store = (select(Order.store_id, Order.fulfilment, Order.payment_method, func.count().label("orders"),
                        func.sum(Order.total).label("gmv"))
                 .where(_completed_in(bounds))
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
        .where(_completed_in(bounds))
        .group_by(OrderItem.category_id))}
    categories = db.session.execute(select(Category.id, Category.slug).order_by(Category.position, Category.id))
    return [{"slug": slug, "orders": rows.get(cid, (0, 0))[0], "gmv": rows.get(cid, (0, 0))[1]}
            for cid, slug in categories]


def store_figures(period: Period) -> dict:
    bounds = period.bounds
    registered = db.session.scalar(select(func.count(Store.id)).where(_in(Store.created_at, bounds)))
    with_sales = db.session.scalar(select(func.count(distinct(Order.store_id))).where(_completed_in(bounds)))
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


def months_before(month: date, n: int) -> date:
    """The first day of the month `n` months before `month`."""
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def monthly_series(first: date, last: date) -> list[dict]:
    """Per WIB month from `first` to `last` (first days of months): orders placed, orders
    completed and GMV (completed orders, by completion month).

    One range aggregate per month, joined with UNION ALL: each reads its slice of a covering
    index, where grouping every order by a computed month would read and sort them all."""
    keys = _month_keys(first, last)
    ranges = [Period.month(int(key[:4]), int(key[5:])).bounds for key in keys]
    placed = dict(db.session.execute(union_all(*(
        select(literal(i).label("i"), func.count()).select_from(Order).where(_in(Order.created_at, bounds))
        for i, bounds in enumerate(ranges)))).all())
    qris_total = case((Order.payment_method == "qris", Order.total), else_=0)
    completed = {i: (n, int(gmv), int(qris_gmv)) for i, n, gmv, qris_gmv in db.session.execute(union_all(*(
        select(literal(i).label("i"), func.count(), func.coalesce(func.sum(Order.total), 0),
               func.coalesce(func.sum(qris_total), 0))
        .where(_completed_in(bounds)) for i, bounds in enumerate(ranges))))}
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
        .where(_completed_in(period.bounds)).group_by(Order.store_id)
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
        .where(_completed_in(period.bounds), OrderItem.product_id.is_not(None))
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


# --- ASN participation --------------------------------------------------------------------

def _monthly_minimum() -> int:
    from malpro.services.asn import get_monthly_minimum

    return get_monthly_minimum()


def _spending(bounds):
    """Per buyer: orders completed in the period and their total (a subquery)."""
    return (select(Order.buyer_id.label("buyer_id"), func.count().label("orders"),
                   func.sum(Order.total).label("spent"),
                   func.sum(case((Order.payment_method == "qris", Order.total), else_=0)).label("spent_qris"))
            .where(_completed_in(bounds)).group_by(Order.buyer_id).subquery())


PARTICIPATION_SORTS = ("name", "code", "employees", "reached", "share", "spent")


def asn_participation(period: Period, sort: str = "code", descending: bool = False,
                      minimum: int | None = None) -> list[dict]:
    """Per OPD (active ones, and retired ones that still have employees): employees with a
    profile, how many spent at least the monthly minimum in the period, their share (0-1)
    and the total they spent."""
    minimum = _monthly_minimum() if minimum is None else minimum
    spend = _spending(period.bounds)
    spent = func.coalesce(spend.c.spent, 0)
    rows = db.session.execute(
        select(Opd.id, Opd.code, Opd.name, Opd.active,
               func.count(AsnProfile.id).label("employees"),
               func.coalesce(func.sum(case((spent >= minimum, 1), else_=0)), 0).label("reached"),
               func.coalesce(func.sum(spent), 0).label("spent"),
               func.coalesce(func.sum(spend.c.spent_qris), 0).label("spent_qris"),
               func.coalesce(func.sum(case((AsnProfile.kind == "asn", 1), else_=0)), 0).label("asn"))
        .select_from(Opd)
        .outerjoin(AsnProfile, AsnProfile.opd_id == Opd.id)
        .outerjoin(spend, spend.c.buyer_id == AsnProfile.user_id)
        .group_by(Opd.id, Opd.code, Opd.name, Opd.active)).all()
    result = []
    for r in rows:
        if not r.active and not r.employees:
            continue
        result.append({"opd_id": r.id, "opd_code": r.code, "name": r.name, "active": r.active,
                       "employees": r.employees, "asn": int(r.asn), "non_asn": r.employees - int(r.asn),
                       "reached_minimum": int(r.reached),
                       "share": (int(r.reached) / r.employees) if r.employees else 0.0,
                       "spent": int(r.spent), "spent_qris": int(r.spent_qris),
                       "cashless_share": cashless_share(int(r.spent_qris), int(r.spent))})
    return sort_participation(result, sort, descending)


def sort_participation(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    key = {"name": lambda r: r["name"].lower(), "code": lambda r: r["opd_code"],
           "employees": lambda r: r["employees"], "reached": lambda r: r["reached_minimum"],
           "share": lambda r: r["share"], "spent": lambda r: r["spent"]}.get(sort)
    if key is None:
        return rows
    # Ties keep the OPD code order whichever way the column is sorted.
    rows = sorted(rows, key=lambda r: r["opd_code"])
    return sorted(rows, key=key, reverse=descending)


def asn_totals(rows: list[dict]) -> dict:
    employees = sum(r["employees"] for r in rows)
    reached = sum(r["reached_minimum"] for r in rows)
    spent, spent_qris = sum(r["spent"] for r in rows), sum(r.get("spent_qris", 0) for r in rows)
    return {"employees": employees, "reached_minimum": reached, "share": reached / employees if employees else 0.0,
            "spent": spent, "spent_qris": spent_qris, "cashless_share": cashless_share(spent_qris, spent)}


def opd_employees(opd_id: int, period: Period, minimum: int | None = None) -> list[dict]:
    """One OPD's employees with a profile and their spending in the period (NIP included:
    admins only)."""
    minimum = _monthly_minimum() if minimum is None else minimum
    spend = _spending(period.bounds)
    rows = db.session.execute(
        select(User.id, User.name, User.email, User.active, AsnProfile.kind, AsnProfile.nip,
               func.coalesce(spend.c.orders, 0).label("orders"), func.coalesce(spend.c.spent, 0).label("spent"))
        .join(AsnProfile, AsnProfile.user_id == User.id)
        .outerjoin(spend, spend.c.buyer_id == User.id)
        .where(AsnProfile.opd_id == opd_id)
        .order_by(func.coalesce(spend.c.spent, 0).desc(), User.name, User.id)).all()
    return [{"user_id": r.id, "name": r.name, "email": r.email, "active": r.active, "kind": r.kind,
             "nip": r.nip, "orders": int(r.orders), "spent": int(r.spent), "reached": int(r.spent) >= minimum}
            for r in rows]


def buyer_spending(user_id: int, period: Period) -> int:
    """What one buyer spent in the period (completed orders, by completion day)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(Order.total), 0)).where(Order.buyer_id == user_id,
                                                               _completed_in(period.bounds))))


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


def percent(part: int | float, whole: int | float) -> int:
    """A whole percentage for bars and labels (0 when there is nothing to divide)."""
    return round(100 * part / whole) if whole else 0

