"""What admins manage besides store verification: accounts, product listings, categories,
OPDs, and the audit log that records every admin action (who, what, when, why).

Every function takes the acting admin's id, changes one thing, writes one AuditLog row in the
same commit and returns the changed object. For edits the row's `reason` starts with what
changed ("Nama: A → B"), followed by the admin's note if they gave one."""
from __future__ import annotations

import re
from datetime import date, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from malpro.extensions import db
from malpro.models import ApiToken, AuditLog, Category, Opd, Product, Store, User, utcnow
from malpro.services import notifications
from malpro.services.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError

REASON_MAX = 2000

ACTION_LABELS = {
    "store.verify": _l("Verifikasi toko"),
    "store.reject": _l("Tolak toko"),
    "store.suspend": _l("Bekukan toko"),
    "store.reinstate": _l("Aktifkan kembali toko"),
    "admin.grant": _l("Jadikan admin"),
    "admin.revoke": _l("Cabut hak admin"),
    "user.deactivate": _l("Nonaktifkan akun"),
    "user.reactivate": _l("Aktifkan kembali akun"),
    "product.takedown": _l("Turunkan produk"),
    "product.restore": _l("Tayangkan kembali produk"),
    "category.update": _l("Ubah kategori"),
    "category.move": _l("Ubah urutan kategori"),
    "opd.create": _l("Tambah OPD"),
    "opd.update": _l("Ubah nama OPD"),
    "opd.retire": _l("Nonaktifkan OPD"),
    "opd.restore": _l("Aktifkan kembali OPD"),
    "setting.asn_minimum": _l("Ubah belanja minimum ASN"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))


def _audit(admin_id: int, action: str, target_type: str, target_id: int | None, reason: str | None) -> None:
    db.session.add(AuditLog(actor_id=admin_id, action=action, target_type=target_type, target_id=target_id,
                            reason=reason or None, created_at=utcnow()))


def _reason(reason: str | None, required: bool, message: str | None = None) -> str:
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError(fields={"reason": message or _("Tuliskan alasannya; tercatat di log audit.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": _("Alasan maksimal %(n)d karakter.", n=REASON_MAX)})
    return reason


def _with_note(change: str, note: str) -> str:
    return f"{change}. {note}" if note else change


def _get(model, object_id: int):
    obj = db.session.get(model, object_id)
    if obj is None:
        raise NotFoundError()
    return obj


# --- Accounts -----------------------------------------------------------------------------

USER_FILTERS = ("all", "admin", "seller", "inactive")


def users_query(q: str = "", role: str = "all") -> Select:
    """Accounts whose name or email contains `q`, newest first. Not by phone number: the
    admin pages never show one (personal data, DOMAIN.md)."""
    query = select(User)
    q = (q or "").strip()
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(func.lower(User.name).like(pattern), User.email.like(pattern)))
    if role == "admin":
        query = query.where(User.is_admin.is_(True))
    elif role == "seller":
        query = query.where(User.id.in_(select(Store.owner_id)))
    elif role == "inactive":
        query = query.where(User.active.is_(False))
    return query.options(selectinload(User.store)).order_by(User.created_at.desc(), User.id.desc())


def deactivate_user(admin_id: int, user_id: int, reason: str) -> User:
    """The account can no longer log in (web or API); its open sessions and tokens stop working."""
    reason = _reason(reason, required=True)
    if user_id == admin_id:
        raise ForbiddenError(_("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    user = _get(User, user_id)
    if not user.active:
        raise ConflictError(_("Akun ini sudah nonaktif."))
    user.active, user.deactivated_reason = False, reason
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    _audit(admin_id, "user.deactivate", "user", user_id, reason)
    db.session.commit()
    return user


def reactivate_user(admin_id: int, user_id: int, reason: str | None = None) -> User:
    reason = _reason(reason, required=True)
    user = _get(User, user_id)
    if user.active:
        raise ConflictError(_("Akun ini sudah aktif."))
    user.active, user.deactivated_reason = True, None
    _audit(admin_id, "user.reactivate", "user", user_id, reason)
    db.session.commit()
    return user


def set_admin(admin_id: int, user_id: int, grant: bool, reason: str | None = None) -> User:
    """Grant or revoke the admin role. An admin cannot revoke their own (so there is always
    at least one admin: the one acting)."""
    reason = _reason(reason, required=not grant)
    if not grant and user_id == admin_id:
        raise ForbiddenError(_("Anda tidak dapat mencabut hak admin Anda sendiri."))
    user = _get(User, user_id)
    if user.is_admin == grant:
        raise ConflictError(_("Akun ini sudah admin.") if grant else _("Akun ini bukan admin."))
    user.is_admin = grant
    _audit(admin_id, "admin.grant" if grant else "admin.revoke", "user", user_id, reason)
    db.session.commit()
    return user


# --- Product listings ---------------------------------------------------------------------

PRODUCT_FILTERS = ("all", "active", "taken_down")


def products_query(q: str = "", status: str = "all") -> Select:
    query = (select(Product).join(Product.store)
             .options(contains_eager(Product.store), selectinload(Product.category)))
    q = (q or "").strip()
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(func.lower(Product.name).like(pattern), func.lower(Store.name).like(pattern)))
    if status == "active":
        query = query.where(Product.is_active.is_(True))
    elif status == "taken_down":
        query = query.where(Product.moderation_reason.is_not(None))
    return query.order_by(Product.created_at.desc(), Product.id.desc())


def take_down_product(admin_id: int, product_id: int, reason: str) -> Product:
    """Hide a listing with a reason the seller sees (and cannot switch it back on himself)."""
    reason = _reason(reason, required=True, message=_("Tuliskan alasannya; penjual akan membacanya."))
    product = _get(Product, product_id)
    if product.moderation_reason:
        raise ConflictError(_("Produk ini sudah diturunkan."))
    product.is_active, product.moderation_reason = False, reason
    _audit(admin_id, "product.takedown", "product", product_id, reason)
    notifications.send(product.store.owner_id, "product.takedown", {"product": product.name, "reason": reason},
                       link=f"/seller/produk/{product.id}/ubah")
    db.session.commit()
    return product


def restore_product(admin_id: int, product_id: int, reason: str | None = None) -> Product:
    reason = _reason(reason, required=False)
    product = _get(Product, product_id)
    if not product.moderation_reason:
        raise ConflictError(_("Produk ini tidak sedang diturunkan."))
    product.is_active, product.moderation_reason = True, None
    _audit(admin_id, "product.restore", "product", product_id, reason)
    notifications.send(product.store.owner_id, "product.restore", {"product": product.name, "reason": reason},
                       link="/seller/produk")
    db.session.commit()
    return product


# --- Categories ---------------------------------------------------------------------------

def categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def update_category(admin_id: int, category_id: int, name: str, name_en: str, icon: str = "") -> Category:
    """Rename a category or change its icon; its slug (URLs, API) never changes."""
    category = _get(Category, category_id)
    name, name_en, icon = (name or "").strip(), (name_en or "").strip(), (icon or "").strip()
    fields = {}
    if not 2 <= len(name) <= 80:
        fields["name"] = _("Nama harus 2-80 karakter.")
    if not 2 <= len(name_en) <= 80:
        fields["name_en"] = _("Nama (Inggris) harus 2-80 karakter.")
    if len(icon) > 16:
        fields["icon"] = _("Ikon maksimal 16 karakter (satu emoji).")
    if fields:
        raise ValidationError(fields=fields)
    changes = [f"{label}: {old} → {new}" for label, old, new in (
        (_("Nama"), category.name, name), (_("Nama (Inggris)"), category.name_en, name_en),
        (_("Ikon"), category.icon, icon)) if old != new]
    if not changes:
        return category
    category.name, category.name_en, category.icon = name, name_en, icon
    _audit(admin_id, "category.update", "category", category_id, "; ".join(changes))
    db.session.commit()
    return category


def move_category(admin_id: int, category_id: int, direction: str) -> list[Category]:
    """Swap a category with its neighbour ("up" or "down"); positions become 0..7."""
    if direction not in ("up", "down"):
        raise ValidationError(fields={"direction": _("Arah tidak dikenal.")})
    ordered = categories()
    index = next((i for i, c in enumerate(ordered) if c.id == category_id), None)
    if index is None:
        raise NotFoundError()
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return ordered
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, category in enumerate(ordered):
        category.position = position
    _audit(admin_id, "category.move", "category", category_id,
           _("Posisi %(old)d → %(new)d", old=index + 1, new=other + 1))
    db.session.commit()
    return ordered


# --- OPDs ---------------------------------------------------------------------------------

OPD_CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,39}")


def opds() -> list[Opd]:
    return list(db.session.scalars(select(Opd).order_by(Opd.active.desc(), Opd.name)))


def _clean_opd_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not 3 <= len(name) <= 200:
        raise ValidationError(fields={"name": _("Nama OPD harus 3-200 karakter.")})
    return name


def create_opd(admin_id: int, code: str, name: str) -> Opd:
    code = (code or "").strip().upper()
    if not OPD_CODE.fullmatch(code):
        raise ValidationError(fields={"code": _("Kode 2-40 huruf besar, angka atau tanda hubung, contoh DISKOMINFO.")})
    name = _clean_opd_name(name)
    taken = _("Kode ini sudah dipakai OPD lain.")
    if db.session.scalar(select(Opd.id).where(Opd.code == code)) is not None:
        raise ConflictError(taken, fields={"code": taken})
    opd = Opd(code=code, name=name, active=True)
    db.session.add(opd)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ConflictError(taken, fields={"code": taken}) from None
    _audit(admin_id, "opd.create", "opd", opd.id, f"{code}: {name}")
    db.session.commit()
    return opd


def rename_opd(admin_id: int, opd_id: int, name: str) -> Opd:
    """Agencies are renamed when the city reorganises; the code stays (profiles point to it)."""
    opd = _get(Opd, opd_id)
    name = _clean_opd_name(name)
    if name == opd.name:
        return opd
    _audit(admin_id, "opd.update", "opd", opd_id, f"{_('Nama')}: {opd.name} → {name}")
    opd.name = name
    db.session.commit()
    return opd


def set_opd_active(admin_id: int, opd_id: int, active: bool, reason: str | None = None) -> Opd:
    """Retire an agency (it stays in profiles and reports, but cannot be chosen any more),
    or bring it back."""
    reason = _reason(reason, required=False)
    opd = _get(Opd, opd_id)
    if opd.active == active:
        raise ConflictError(_("OPD ini sudah aktif.") if active else _("OPD ini sudah nonaktif."))
    opd.active = active
    _audit(admin_id, "opd.restore" if active else "opd.retire", "opd", opd_id, reason)
    db.session.commit()
    return opd


# --- The audit log ------------------------------------------------------------------------

def audit_query(action: str | None = None, actor_id: int | None = None, date_from: date | None = None,
                date_to: date | None = None) -> Select:
    """Audit rows, newest first, filtered by action (exact, or a prefix such as "store."),
    actor and WIB days (both inclusive)."""
    from malpro.services.reports import wib_midnight_utc

    query = select(AuditLog)
    if action:
        query = query.where(AuditLog.action.startswith(action) if action.endswith(".")
                            else AuditLog.action == action)
    if actor_id:
        query = query.where(AuditLog.actor_id == actor_id)
    if date_from:
        query = query.where(AuditLog.created_at >= wib_midnight_utc(date_from))
    if date_to:
        query = query.where(AuditLog.created_at < wib_midnight_utc(date_to + timedelta(days=1)))
    return query.options(selectinload(AuditLog.actor)).order_by(AuditLog.created_at.desc(), AuditLog.id.desc())


def audit_actors() -> list[tuple[int, str]]:
    """Accounts that appear in the log as actors (for the filter)."""
    return list(db.session.execute(
        select(User.id, User.name).where(User.id.in_(select(AuditLog.actor_id).distinct())).order_by(User.name)))


def audit_actions() -> list[str]:
    used = set(db.session.scalars(select(AuditLog.action).distinct()))
    return sorted(used | set(ACTION_LABELS), key=lambda a: (a.split(".")[0], action_label(a)))


def audit_targets(entries: list[AuditLog]) -> dict[tuple[str, int], str]:
    """A readable name for each entry's target, loaded with one query per target type."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.target_id is not None:
            wanted.setdefault(entry.target_type, set()).add(entry.target_id)
    models = {"user": (User, User.name), "store": (Store, Store.name), "product": (Product, Product.name),
              "category": (Category, Category.name), "opd": (Opd, Opd.code)}
    names = {}
    for kind, ids in wanted.items():
        if kind in models:
            model, column = models[kind]
            for object_id, name in db.session.execute(select(model.id, column).where(model.id.in_(ids))):
                names[(kind, object_id)] = name
    return names
