"""ASN participation (DOMAIN.md "Programme reporting" and "The employees' programme"): who
counts, what they spent, who reached the monthly minimum; per OPD, for one OPD, for one person.

- Employees are the accounts whose profile names the OPD now and is `confirmed` by it (or by an
  admin). Unconfirmed and rejected profiles are listed for their coordinator but never counted.
- Spending has two parts, always shown apart: `spent` (di Malpro: orders `completed` in the
  period, by completion day in WIB) and `spent_outside` (luar Malpro: `approved` purchases
  outside Malpro, by purchase day). Both count toward the minimum (`reached`).

Each figure is one GROUP BY query (SQLite and PostgreSQL); nothing is computed row by row.
"""
from __future__ import annotations

from sqlalchemy import case, func, select

from malpro.extensions import db
from malpro.models import AsnProfile, Opd, Order, OutsidePurchase, User
from malpro.services.asn import get_monthly_minimum
from malpro.services.periods import Period, in_bounds, percent, this_month

PARTICIPATION_SORTS = ("name", "code", "employees", "reached", "share", "spent")


def completed_in(bounds):
    """Orders completed in the period. `completed_at` is set once, when an order reaches
    `completed`, a final status; so the range alone selects completed orders, and leaving
    the status out keeps SQLite's planner on ix_orders_completed_report."""
    return in_bounds(Order.completed_at, bounds)


def _malpro_spending(period: Period):
    """Per buyer: orders completed in the period and their total (a subquery)."""
    return (select(Order.buyer_id.label("buyer_id"), func.count().label("orders"),
                   func.sum(Order.total).label("spent"),
                   func.sum(case((Order.payment_method == "qris", Order.total), else_=0)).label("spent_qris"))
            .where(completed_in(period.bounds)).group_by(Order.buyer_id).subquery())


def _outside_spending(period: Period):
    """Per employee: approved purchases outside Malpro made in the period (a subquery)."""
    return (select(OutsidePurchase.user_id.label("user_id"), func.count().label("purchases"),
                   func.sum(OutsidePurchase.amount).label("spent"))
            .where(OutsidePurchase.status == "approved",
                   OutsidePurchase.purchase_date >= period.date_from,
                   OutsidePurchase.purchase_date <= period.date_to)
            .group_by(OutsidePurchase.user_id).subquery())


def asn_participation(period: Period, sort: str = "code", descending: bool = False,
                      minimum: int | None = None, opd_ids: list[int] | None = None) -> list[dict]:
    """Per OPD (active ones, and retired ones that still have employees): employees with a
    confirmed profile, how many spent at least the monthly minimum in the period (both parts
    together), their share (0-1), what they spent on Malpro (`spent`) and outside it
    (`spent_outside`). `opd_ids` limits the rows (a coordinator's own OPD)."""
    minimum = get_monthly_minimum() if minimum is None else minimum
    malpro, outside = _malpro_spending(period), _outside_spending(period)
    spent = func.coalesce(malpro.c.spent, 0)
    spent_outside = func.coalesce(outside.c.spent, 0)
    confirmed = (select(AsnProfile.id, AsnProfile.user_id, AsnProfile.opd_id, AsnProfile.kind)
                 .where(AsnProfile.status == "confirmed").subquery())
    query = (select(Opd.id, Opd.code, Opd.name, Opd.active,
                    func.count(confirmed.c.id).label("employees"),
                    func.coalesce(func.sum(case((spent + spent_outside >= minimum, 1), else_=0)), 0).label("reached"),
                    func.coalesce(func.sum(spent), 0).label("spent"),
                    func.coalesce(func.sum(spent_outside), 0).label("spent_outside"),
                    func.coalesce(func.sum(malpro.c.spent_qris), 0).label("spent_qris"),
                    func.coalesce(func.sum(case((confirmed.c.kind == "asn", 1), else_=0)), 0).label("asn"))
             .select_from(Opd)
             .outerjoin(confirmed, confirmed.c.opd_id == Opd.id)
             .outerjoin(malpro, malpro.c.buyer_id == confirmed.c.user_id)
             .outerjoin(outside, outside.c.user_id == confirmed.c.user_id)
             .group_by(Opd.id, Opd.code, Opd.name, Opd.active))
    if opd_ids is not None:
        query = query.where(Opd.id.in_(opd_ids))
    result = []
    for r in db.session.execute(query).all():
        if not r.active and not r.employees and opd_ids is None:
            continue
        result.append({"opd_id": r.id, "opd_code": r.code, "name": r.name, "active": r.active,
                       "employees": r.employees, "asn": int(r.asn), "non_asn": r.employees - int(r.asn),
                       "reached_minimum": int(r.reached),
                       "share": (int(r.reached) / r.employees) if r.employees else 0.0,
                       "spent": int(r.spent), "spent_outside": int(r.spent_outside),
                       "spent_total": int(r.spent) + int(r.spent_outside), "spent_qris": int(r.spent_qris),
                       "cashless_share": cashless_share(int(r.spent_qris), int(r.spent))})
    return sort_participation(result, sort, descending)


def cashless_share(qris_gmv: int, gmv: int) -> float:
    """QRIS value / all completed value (0-1; 0 when nothing was completed)."""
    return round(qris_gmv / gmv, 4) if gmv else 0.0


def sort_participation(rows: list[dict], sort: str, descending: bool) -> list[dict]:
    key = {"name": lambda r: r["name"].lower(), "code": lambda r: r["opd_code"],
           "employees": lambda r: r["employees"], "reached": lambda r: r["reached_minimum"],
           "share": lambda r: r["share"], "spent": lambda r: r["spent_total"]}.get(sort)
    if key is None:
        return rows
    # Ties keep the OPD code order whichever way the column is sorted.
    rows = sorted(rows, key=lambda r: r["opd_code"])
    return sorted(rows, key=key, reverse=descending)


def asn_totals(rows: list[dict]) -> dict:
    employees = sum(r["employees"] for r in rows)
    reached = sum(r["reached_minimum"] for r in rows)
    return {"employees": employees, "reached_minimum": reached, "share": reached / employees if employees else 0.0,
            "spent": sum(r["spent"] for r in rows), "spent_outside": sum(r["spent_outside"] for r in rows),
            "spent_qris": sum(r.get("spent_qris", 0) for r in rows),
            "cashless_share": cashless_share(sum(r.get("spent_qris", 0) for r in rows), sum(r["spent"] for r in rows))}


def opd_employees(opd_id: int | None, period: Period, minimum: int | None = None,
                  confirmed_only: bool = False) -> list[dict]:
    """One OPD's staff with a profile (every OPD's with `opd_id` None) and their spending in
    the period, both parts (NIP included: for admins and the OPD's coordinators). Every
    profile status is listed unless `confirmed_only`; `counted` says whether the person
    counts in participation."""
    minimum = get_monthly_minimum() if minimum is None else minimum
    malpro, outside = _malpro_spending(period), _outside_spending(period)
    spent = func.coalesce(malpro.c.spent, 0)
    spent_outside = func.coalesce(outside.c.spent, 0)
    query = (select(User.id, User.name, User.email, User.active, AsnProfile.kind, AsnProfile.nip,
                    AsnProfile.status, AsnProfile.reason,
                    func.coalesce(malpro.c.orders, 0).label("orders"), spent.label("spent"),
                    func.coalesce(outside.c.purchases, 0).label("purchases"), spent_outside.label("spent_outside"))
             .join(AsnProfile, AsnProfile.user_id == User.id)
             .outerjoin(malpro, malpro.c.buyer_id == User.id)
             .outerjoin(outside, outside.c.user_id == User.id)
             .order_by((spent + spent_outside).desc(), User.name, User.id))
    if opd_id is not None:
        query = query.where(AsnProfile.opd_id == opd_id)
    if confirmed_only:
        query = query.where(AsnProfile.status == "confirmed")
    rows = []
    for r in db.session.execute(query).all():
        total = int(r.spent) + int(r.spent_outside)
        rows.append({"user_id": r.id, "name": r.name, "email": r.email, "active": r.active, "kind": r.kind,
                     "nip": r.nip, "status": r.status, "reason": r.reason, "counted": r.status == "confirmed",
                     "orders": int(r.orders), "spent": int(r.spent), "purchases": int(r.purchases),
                     "spent_outside": int(r.spent_outside), "spent_total": total, "reached": total >= minimum})
    return rows


def employees_summary(rows: list[dict]) -> dict:
    """The header of one OPD's list: only confirmed profiles count."""
    counted = [r for r in rows if r["counted"]]
    reached = sum(1 for r in counted if r["reached"])
    return {"employees": len(counted), "reached_minimum": reached,
            "share": reached / len(counted) if counted else 0.0,
            "spent": sum(r["spent"] for r in counted), "spent_outside": sum(r["spent_outside"] for r in counted),
            "unconfirmed": sum(1 for r in rows if r["status"] == "unconfirmed")}


def buyer_spending(user_id: int, period: Period) -> int:
    """What one buyer spent on Malpro in the period (completed orders, by completion day)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(Order.total), 0)).where(Order.buyer_id == user_id,
                                                               completed_in(period.bounds))))


def outside_spending(user_id: int, period: Period) -> int:
    """What one employee spent outside Malpro in the period (approved reports only)."""
    return int(db.session.scalar(
        select(func.coalesce(func.sum(OutsidePurchase.amount), 0)).where(
            OutsidePurchase.user_id == user_id, OutsidePurchase.status == "approved",
            OutsidePurchase.purchase_date >= period.date_from, OutsidePurchase.purchase_date <= period.date_to)))


def month_progress(user_id: int, period: Period | None = None) -> dict:
    """One person's month (this WIB month by default): both parts, the minimum, the share."""
    period = period or this_month()
    spent_malpro = buyer_spending(user_id, period)
    spent_outside = outside_spending(user_id, period)
    spent = spent_malpro + spent_outside
    minimum = get_monthly_minimum()
    return {"period": period, "spent": spent, "spent_malpro": spent_malpro, "spent_outside": spent_outside,
            "minimum": minimum, "reached": spent >= minimum, "percent": min(100, percent(spent, minimum)),
            "remaining": max(0, minimum - spent)}
