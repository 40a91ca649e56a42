"""Mentoring agencies ("binaan"): the OPD that mentors a UMKM (e.g. Diskopindag's UMKM,
Dispangtan's farmers). An admin sets a store's mentoring agency (accepted at once), or the
seller chooses one from the OPD list and it shows as pending until an admin accepts it. The
agency's officers (OpdOfficer role `mentor`) see its binaan stores, their verification state
and sales; reports and the transparency page split figures by mentoring agency."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import AuditLog, Opd, Order, Store
from malpro.services.errors import NotFoundError, ValidationError
from malpro.services.participation import completed_in
from malpro.services.periods import Period


def _opd(code: str | None) -> Opd | None:
    code = (code or "").strip()
    if not code:
        return None
    opd = db.session.scalar(select(Opd).where(Opd.code == code))
    if opd is None or not opd.active:
        raise ValidationError(fields={"mentor_opd": _("Pilih OPD pembina dari daftar.")})
    return opd


def set_by_admin(admin_id: int, store_id: int, opd_code: str | None) -> Store:
    """Set (accepted) or clear a store's mentoring agency."""
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFoundError()
    opd = _opd(opd_code)
    store.mentor_opd_id = opd.id if opd else None
    store.mentor_status = "accepted" if opd else None
    db.session.add(AuditLog(actor_id=admin_id, action="store.mentor", target_type="store", target_id=store.id,
                            reason=f"{opd.code}: {opd.name}" if opd else "-"))
    db.session.commit()
    return store


def choose_by_seller(store_id: int, opd_code: str | None) -> Store:
    """The seller names (or clears) their mentoring agency: pending until an admin accepts."""
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFoundError()
    opd = _opd(opd_code)
    if opd is not None and store.mentor_opd_id == opd.id:
        return store
    store.mentor_opd_id = opd.id if opd else None
    store.mentor_status = "pending" if opd else None
    db.session.commit()
    return store


def decide(admin_id: int, store_id: int, accept: bool) -> Store:
    store = db.session.get(Store, store_id)
    if store is None or store.mentor_status != "pending":
        raise NotFoundError()
    opd = store.mentor_opd
    if accept:
        store.mentor_status = "accepted"
    else:
        store.mentor_opd_id, store.mentor_status = None, None
    db.session.add(AuditLog(actor_id=admin_id, action="store.mentor." + ("accept" if accept else "refuse"),
                            target_type="store", target_id=store.id, reason=f"{opd.code}: {opd.name}"))
    db.session.commit()
    return store


def pending_requests() -> list[Store]:
    return list(db.session.scalars(select(Store).where(Store.mentor_status == "pending").order_by(Store.name)))


def binaan_stores(opd_id: int, period: Period) -> list[dict]:
    """The stores this agency mentors (accepted), their verification state and their sales
    in the period (orders completed, GMV)."""
    sales = (select(Order.store_id, func.count().label("orders"), func.sum(Order.total).label("gmv"))
             .where(completed_in(period.bounds)).group_by(Order.store_id).subquery())
    rows = db.session.execute(
        select(Store.id, Store.name, Store.slug, Store.kecamatan, Store.kelurahan, Store.status,
               func.coalesce(sales.c.orders, 0), func.coalesce(sales.c.gmv, 0))
        .outerjoin(sales, sales.c.store_id == Store.id)
        .where(Store.mentor_opd_id == opd_id, Store.mentor_status == "accepted")
        .order_by(func.coalesce(sales.c.gmv, 0).desc(), Store.name)).all()
    return [{"store_id": sid, "name": name, "slug": slug, "kecamatan": kec, "kelurahan": kel, "status": status,
             "orders": int(orders), "gmv": int(gmv)} for sid, name, slug, kec, kel, status, orders, gmv in rows]


def by_mentor(period: Period) -> list[dict]:
    """Per mentoring agency (accepted ones), and "none" for stores without one: verified
    stores now and sales completed in the period. Aggregates only (fit for transparency)."""
    sales = (select(Order.store_id, func.count().label("orders"), func.sum(Order.total).label("gmv"))
             .where(completed_in(period.bounds)).group_by(Order.store_id).subquery())
    rows = db.session.execute(
        select(Opd.code, Opd.name,
               func.count(Store.id).filter(Store.status == "verified"),
               func.coalesce(func.sum(sales.c.orders), 0), func.coalesce(func.sum(sales.c.gmv), 0))
        .select_from(Store)
        .outerjoin(Opd, (Opd.id == Store.mentor_opd_id) & (Store.mentor_status == "accepted"))
        .outerjoin(sales, sales.c.store_id == Store.id)
        .group_by(Opd.code, Opd.name)).all()
    result = [{"opd_code": code, "name": name or _("Tanpa OPD pembina"), "verified_stores": int(verified),
               "orders": int(orders), "gmv": int(gmv)} for code, name, verified, orders, gmv in rows]
    result.sort(key=lambda r: (r["opd_code"] is None, -r["gmv"], r["name"]))
    return result
