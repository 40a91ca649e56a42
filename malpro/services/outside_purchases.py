"""Purchases outside Malpro ("belanja luar Malpro", DOMAIN.md "The employees' programme").

An employee with an ASN/non-ASN profile reports an in-person purchase at a Kota Malang UMKM
that is not on Malpro (yet), with a photo as proof. It is `pending` until a coordinator of the
employee's OPD (or an admin) approves it or rejects it with a reason; the employee is told.
Approved reports count toward the monthly minimum, always apart from Malpro orders
(services.participation). The photo goes through the one image pipeline into a private folder
and is shown only to the employee, their OPD's coordinators and admins."""
from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import AsnProfile, AuditLog, OutsidePurchase, User, utcnow
from malpro.reference import regions
from malpro.services import images
from malpro.services.asn import can_decide_for, profile_of
from malpro.services.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from malpro.services.periods import wib_today
from malpro.services.validation import validate_location

AMOUNT_MIN, AMOUNT_MAX = 1_000, 5_000_000
MAX_AGE_DAYS = 31
MAX_PENDING = 10
SHOP_NAME_MAX = 120
DESCRIPTION_MAX = 200
REASON_MAX = 500
PHOTO_FOLDER = "purchases"


def shop_key(name: str, kelurahan: str) -> str:
    """How the onboarding leads group shops: the name lower-cased without spaces or
    punctuation, and the kelurahan ("Warung Bu Sri" = "warung  bu. sri" = "WarungBuSri")."""
    return re.sub(r"[\W_]+", "", (name or "").lower()) + "|" + (kelurahan or "").strip().lower()


def _amount(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = re.sub(r"[.\s]", "", str(value or "")).removeprefix("Rp").removeprefix("rp")
    return int(text) if text.isdecimal() and len(text) < 12 else None


def report(user_id: int, *, purchase_date, shop_name: str, kecamatan: str, kelurahan: str, amount,
           description: str, photo) -> OutsidePurchase:
    """Record a purchase outside Malpro (pending). Raises ForbiddenError without a profile,
    ValidationError naming each bad field (nothing saved), ConflictError at MAX_PENDING
    pending reports."""
    profile = profile_of(user_id)
    if profile is None:
        raise ForbiddenError(_("Isi profil ASN dulu untuk melaporkan belanja luar Malpro."))
    fields = {}
    today = wib_today()
    day = purchase_date
    if not isinstance(day, date):
        try:
            day = date.fromisoformat(str(day or "").strip())
        except ValueError:
            day = None
    if day is None:
        fields["date"] = _("Isi tanggal belanja (TTTT-BB-HH).")
    elif day > today:
        fields["date"] = _("Tanggal belanja tidak boleh di masa depan.")
    elif day < today - timedelta(days=MAX_AGE_DAYS):
        fields["date"] = _("Belanja paling lama %(n)d hari yang lalu.", n=MAX_AGE_DAYS)
    shop_name = " ".join(str(shop_name or "").split())
    if len(shop_name) < 2 or len(shop_name) > SHOP_NAME_MAX or not re.sub(r"[\W_]+", "", shop_name):
        fields["shop_name"] = _("Isi nama toko/UMKM (2-120 karakter).")
    try:
        kecamatan, kelurahan = validate_location(str(kecamatan or ""), str(kelurahan or ""))
    except ValueError as exc:
        fields["kecamatan" if str(kecamatan or "") not in regions() else "kelurahan"] = str(exc)
    value = _amount(amount)
    if value is None or not AMOUNT_MIN <= value <= AMOUNT_MAX:
        fields["amount"] = _("Isi jumlah antara Rp1.000 dan Rp5.000.000.")
    description = " ".join(str(description or "").split())
    if not description or len(description) > DESCRIPTION_MAX:
        fields["description"] = _("Tulis singkat apa yang dibeli (maksimal 200 karakter).")
    if photo is None or not getattr(photo, "filename", "x"):
        fields["photo"] = _("Lampirkan foto struk atau barang di toko.")
    if fields:
        raise ValidationError(fields=fields)
    if pending_count(user_id) >= MAX_PENDING:
        raise ConflictError(_("Masih ada %(n)d laporan menunggu diperiksa. Tunggu keputusan OPD dulu.",
                              n=MAX_PENDING))
    thumb, large = images.save_image(photo, PHOTO_FOLDER, thumb_size=240, large_size=1280, field="photo")
    purchase = OutsidePurchase(user_id=user_id, purchase_date=day, shop_name=shop_name,
                               shop_key=shop_key(shop_name, kelurahan), kecamatan=kecamatan, kelurahan=kelurahan,
                               amount=value, description=description, photo_thumb=thumb, photo_large=large)
    db.session.add(purchase)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        images.delete_image_files(thumb, large)
        raise
    return purchase


def pending_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(OutsidePurchase).where(
        OutsidePurchase.user_id == user_id, OutsidePurchase.status == "pending"))


def list_for_user(user_id: int, page: int = 1, per_page: int = 20) -> tuple[list[OutsidePurchase], int]:
    query = select(OutsidePurchase).where(OutsidePurchase.user_id == user_id)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = list(db.session.scalars(query.order_by(OutsidePurchase.purchase_date.desc(), OutsidePurchase.id.desc())
                                    .limit(per_page).offset((page - 1) * per_page)))
    return items, total


def for_opd(opd_id: int, status: str | None = None, limit: int = 200) -> list[OutsidePurchase]:
    """Reports of the staff whose profile names this OPD (newest first; pending first)."""
    query = (select(OutsidePurchase).join(AsnProfile, AsnProfile.user_id == OutsidePurchase.user_id)
             .where(AsnProfile.opd_id == opd_id))
    if status:
        query = query.where(OutsidePurchase.status == status)
    return list(db.session.scalars(query.order_by(OutsidePurchase.created_at.desc(), OutsidePurchase.id.desc())
                                   .limit(limit)))


def can_see(viewer: User, purchase: OutsidePurchase) -> bool:
    """The employee, a coordinator of their OPD, or an admin."""
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.id == purchase.user_id or viewer.is_admin:
        return True
    profile = profile_of(purchase.user_id)
    return profile is not None and can_decide_for(viewer, profile.opd_id)


def visible(viewer: User, purchase_id: int) -> OutsidePurchase:
    """The report if `viewer` may see it; NotFoundError otherwise (no hint that it exists)."""
    purchase = db.session.get(OutsidePurchase, purchase_id)
    if purchase is None or not can_see(viewer, purchase):
        raise NotFoundError()
    return purchase


def photo_path(purchase: OutsidePurchase, size: str) -> Path:
    relative = purchase.photo_thumb if size == "kecil" else purchase.photo_large
    return Path(current_app.config["UPLOAD_DIR"]) / relative


def decide(actor_id: int, purchase_id: int, decision: str, reason: str | None = None) -> OutsidePurchase:
    """Approve or reject (with a reason) a pending report. Only a coordinator of the employee's
    OPD or an admin (anyone else: NotFoundError); a decided report: ConflictError. Audited;
    the employee is told, in their language."""
    from malpro.formatting import rupiah
    from malpro.services.notifications import in_language_of, notify

    actor = db.session.get(User, actor_id)
    purchase = db.session.get(OutsidePurchase, purchase_id)
    if actor is None or purchase is None:
        raise NotFoundError()
    profile = profile_of(purchase.user_id)
    if not (actor.is_admin or (profile is not None and can_decide_for(actor, profile.opd_id))):
        raise NotFoundError()
    if actor_id == purchase.user_id and not actor.is_admin:
        raise ForbiddenError(_("Laporan Anda sendiri diperiksa oleh koordinator lain atau admin."))
    reason = " ".join((reason or "").split())
    if decision not in ("approve", "reject"):
        raise ValidationError(fields={"decision": _("Pilih setujui atau tolak.")})
    if decision == "reject" and not reason:
        raise ValidationError(fields={"reason": _("Tulis alasan penolakan.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(fields={"reason": _("Maksimal 500 karakter.")})
    if purchase.status != "pending":
        raise ConflictError(_("Laporan ini sudah diputuskan."))
    purchase.status = "approved" if decision == "approve" else "rejected"
    purchase.reason = reason or None if decision == "reject" else None
    purchase.decided_by_id, purchase.decided_at = actor_id, utcnow()
    db.session.add(AuditLog(actor_id=actor_id, action=f"outside_purchase.{decision}", target_type="outside_purchase",
                            target_id=purchase.id, reason=reason or None))
    with in_language_of(purchase.user_id):
        if decision == "approve":
            notify(purchase.user_id, "outside_purchase",
                   _("Belanja luar Malpro di %(shop)s disetujui", shop=purchase.shop_name),
                   _("%(amount)s dihitung untuk belanja minimum bulan ini.", amount=rupiah(purchase.amount)),
                   "/akun/belanja-luar")
        else:
            notify(purchase.user_id, "outside_purchase",
                   _("Belanja luar Malpro di %(shop)s ditolak", shop=purchase.shop_name),
                   _("Alasan: %(reason)s", reason=reason), "/akun/belanja-luar")
    db.session.commit()
    return purchase


def status_label(status: str) -> str:
    return {"pending": _("Menunggu pemeriksaan"), "approved": _("Disetujui"),
            "rejected": _("Ditolak")}.get(status, status)


def purchase_json(purchase: OutsidePurchase) -> dict:
    from flask import url_for

    return {"id": purchase.id, "date": purchase.purchase_date.isoformat(), "shop_name": purchase.shop_name,
            "kecamatan": purchase.kecamatan, "kelurahan": purchase.kelurahan, "amount": purchase.amount,
            "description": purchase.description, "status": purchase.status, "reason": purchase.reason,
            "photo_url": url_for("api.outside_purchase_photo", purchase_id=purchase.id)}
