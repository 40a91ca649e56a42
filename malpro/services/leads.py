"""Onboarding leads: the shops named in approved purchases outside Malpro that are not (yet) on
Malpro, grouped by name and kelurahan (case-, space- and punctuation-insensitive, see
outside_purchases.shop_key), with how many employees bought there and the total. Admins mark
a lead invited, or joined with the store it became (audited)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import distinct, func, select

from malpro.extensions import db
from malpro.models import LEAD_STATUSES, AuditLog, OutsidePurchase, ShopLead, Store, utcnow
from malpro.services.errors import NotFoundError, ValidationError
from malpro.services.outside_purchases import shop_key


def status_label(status: str) -> str:
    return {"new": _("Belum dihubungi"), "invited": _("Sudah diundang"), "joined": _("Sudah bergabung")}[status]


def leads(status: str | None = None) -> list[dict]:
    """Every lead, most employees first. A shop whose name and kelurahan match a store already
    on Malpro is left out unless an admin marked it (then it shows with its store)."""
    groups = db.session.execute(
        select(OutsidePurchase.shop_key, func.count(distinct(OutsidePurchase.user_id)).label("employees"),
               func.count().label("purchases"), func.sum(OutsidePurchase.amount).label("total"),
               func.min(OutsidePurchase.shop_name).label("name"), func.min(OutsidePurchase.kecamatan).label("kecamatan"),
               func.min(OutsidePurchase.kelurahan).label("kelurahan"),
               func.max(OutsidePurchase.purchase_date).label("last"))
        .where(OutsidePurchase.status == "approved").group_by(OutsidePurchase.shop_key)).all()
    marks = {m.shop_key: m for m in db.session.scalars(select(ShopLead))}
    on_malpro = {shop_key(name, kelurahan): sid for sid, name, kelurahan in
                 db.session.execute(select(Store.id, Store.name, Store.kelurahan))}
    names = _most_used_names()
    rows = []
    for g in groups:
        mark = marks.get(g.shop_key)
        if mark is None and g.shop_key in on_malpro:
            continue
        row_status = mark.status if mark else "new"
        if status and row_status != status:
            continue
        store = db.session.get(Store, mark.store_id) if mark and mark.store_id else None
        rows.append({"key": g.shop_key, "name": names.get(g.shop_key, g.name), "kecamatan": g.kecamatan,
                     "kelurahan": g.kelurahan, "employees": g.employees, "purchases": g.purchases,
                     "total": int(g.total), "last": g.last, "status": row_status,
                     "note": mark.note if mark else None, "store": store})
    rows.sort(key=lambda r: (-r["employees"], -r["total"], r["name"].lower()))
    return rows


def _most_used_names() -> dict[str, str]:
    """The spelling most reports used for each shop, to show one name per lead."""
    best: dict[str, tuple[int, int, str]] = {}
    for key, name, n, first in db.session.execute(
            select(OutsidePurchase.shop_key, OutsidePurchase.shop_name, func.count(), func.min(OutsidePurchase.id))
            .where(OutsidePurchase.status == "approved")
            .group_by(OutsidePurchase.shop_key, OutsidePurchase.shop_name)):
        # Most reports first; on a tie, the spelling reported first.
        if key not in best or (-n, first) < (-best[key][0], best[key][1]):
            best[key] = (n, first, name)
    return {key: name for key, (_n, _first, name) in best.items()}


def mark(admin_id: int, key: str, status: str, store_slug: str | None = None, note: str | None = None) -> ShopLead:
    """Mark a lead new / invited / joined. `joined` needs the store it became (its slug)."""
    if db.session.scalar(select(OutsidePurchase.id).where(OutsidePurchase.shop_key == key,
                                                          OutsidePurchase.status == "approved").limit(1)) is None:
        raise NotFoundError()
    if status not in LEAD_STATUSES:
        raise ValidationError(fields={"status": _("Pilih status.")})
    store = None
    slug = (store_slug or "").strip().rstrip("/").rsplit("/", 1)[-1]
    if status == "joined":
        store = db.session.scalar(select(Store).where(Store.slug == slug)) if slug else None
        if store is None:
            raise ValidationError(fields={"store": _("Isi alamat toko di Malpro (mis. /toko/warung-bu-sri).")})
    note = " ".join((note or "").split())[:255] or None
    lead = db.session.scalar(select(ShopLead).where(ShopLead.shop_key == key)) or ShopLead(shop_key=key)
    lead.status, lead.store_id, lead.note, lead.updated_by_id, lead.updated_at = (
        status, store.id if store else None, note, admin_id, utcnow())
    db.session.add(lead)
    db.session.add(AuditLog(actor_id=admin_id, action=f"lead.{status}", target_type="shop_lead",
                            target_id=store.id if store else None, reason=f"{key}" + (f". {note}" if note else "")))
    db.session.commit()
    return lead
