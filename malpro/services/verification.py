"""Store applications and their verification (DOMAIN.md "Store verification").

A user applies once; admins verify, reject, suspend or reinstate with a reason; a rejected
seller edits and re-submits. Every step is a StoreDecision (the history the seller and admins
see) and, for admins, an AuditLog row; the seller is notified of every admin decision."""
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from malpro.extensions import db
from malpro.models import AuditLog, Store, StoreDecision, StoreDocument, User, utcnow
from malpro.reference import regions
from malpro.services import documents, notifications
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from malpro.services.validation import normalize_nib, normalize_phone, validate_location
from malpro.slugs import slugify, unique_slug

# decision -> (status it applies to, status it leads to)
DECISIONS = {
    "verify": ("pending", "verified"),
    "reject": ("pending", "rejected"),
    "suspend": ("verified", "suspended"),
    "reinstate": ("suspended", "verified"),
}
REASON_REQUIRED = {"reject", "suspend", "reinstate"}

STATUS_LABELS = {
    "pending": _l("Menunggu verifikasi"),
    "verified": _l("Terverifikasi"),
    "rejected": _l("Ditolak"),
    "suspended": _l("Dibekukan"),
}
# Fields fixed once the city has verified the store: changing them needs a new verification.
LOCKED_WHEN_VERIFIED = ("name", "nib", "kecamatan", "kelurahan")
APPLICATION_FIELDS = ("name", "nib", "phone", "address", "kecamatan", "kelurahan", "description",
                      "delivery", "pickup", "delivery_fee")
MAX_DELIVERY_FEE = 1_000_000
MAX_DOCUMENTS = 5


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# --- applying ---------------------------------------------------------------------------

def clean_application(data: dict, store_id: int | None = None, partial: bool = False) -> dict:
    """Check an application against DOMAIN.md; returns the normalised values.

    `partial` checks only the keys present (API PATCH). Raises ValidationError listing every
    failing field, or ConflictError for an NIB another store already uses."""
    fields, clean = {}, {}

    def wanted(key):
        return not partial or key in data

    if wanted("name"):
        name = str(data.get("name") or "").strip()
        if not 3 <= len(name) <= 120:
            fields["name"] = _("Nama toko harus 3-120 karakter.")
        clean["name"] = name
    if wanted("nib"):
        try:
            clean["nib"] = normalize_nib(str(data.get("nib") or ""))
        except ValueError as exc:
            fields["nib"] = str(exc)
    if wanted("phone"):
        try:
            clean["phone"] = normalize_phone(str(data.get("phone") or ""))
        except ValueError as exc:
            fields["phone"] = str(exc)
    if wanted("address"):
        address = str(data.get("address") or "").strip()
        if not 5 <= len(address) <= 255:
            fields["address"] = _("Tulis alamat usaha lengkap (nama jalan dan nomor).")
        clean["address"] = address
    if wanted("kecamatan") or wanted("kelurahan"):
        kecamatan, kelurahan = str(data.get("kecamatan") or ""), str(data.get("kelurahan") or "")
        try:
            clean["kecamatan"], clean["kelurahan"] = validate_location(kecamatan, kelurahan)
        except ValueError as exc:
            fields["kelurahan" if kecamatan in regions() else "kecamatan"] = str(exc)
    if wanted("description"):
        description = str(data.get("description") or "").strip()
        if len(description) > 2000:
            fields["description"] = _("Deskripsi maksimal 2000 karakter.")
        clean["description"] = description
    for mode in ("delivery", "pickup"):
        if wanted(mode):
            clean[mode] = bool(data.get(mode))
    if not partial and not (clean["delivery"] or clean["pickup"]):
        fields["delivery"] = _("Pilih minimal satu cara: antar (COD) atau ambil sendiri.")
    if wanted("delivery_fee"):
        fee = data.get("delivery_fee")
        fee = 0 if fee in (None, "") else fee
        if isinstance(fee, bool) or not isinstance(fee, int) or not 0 <= fee <= MAX_DELIVERY_FEE:
            fields["delivery_fee"] = _("Ongkos kirim harus bilangan bulat rupiah antara 0 dan 1.000.000.")
        else:
            clean["delivery_fee"] = fee
    if fields:
        raise ValidationError(fields=fields)
    if "nib" in clean:
        _check_nib_free(clean["nib"], store_id)
    return clean


def _check_nib_free(nib: str, store_id: int | None) -> None:
    query = select(Store.id).where(Store.nib == nib)
    if store_id is not None:
        query = query.where(Store.id != store_id)
    if db.session.scalar(query) is not None:
        raise ConflictError(_("NIB ini sudah dipakai toko lain."), fields={"nib": _("NIB ini sudah terdaftar di Malpro.")})


def _read_documents(files) -> list[tuple[bytes, str, str]]:
    return [documents.read_document(f) for f in files if f is not None and f.filename]


def _apply_values(store: Store, clean: dict) -> None:
    for key, value in clean.items():
        if key == "delivery":
            store.offers_delivery = value
        elif key == "pickup":
            store.offers_pickup = value
        else:
            setattr(store, key, value)


def _attach_documents(store: Store, checked: list[tuple[bytes, str, str]], written: list[str]) -> None:
    for data, content_type, filename in checked:
        stored_name = documents.write_document(data, content_type)
        written.append(stored_name)
        store.documents.append(StoreDocument(filename=filename, stored_name=stored_name,
                                             content_type=content_type, size=len(data)))


def _commit_or_remove_files(written: list[str]) -> None:
    """Commit; if the database refuses, remove the files written for this change."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        for name in written:
            documents.delete_document_file(name)
        raise ConflictError(_("Data bentrok dengan toko lain (NIB atau nama). Periksa kembali.")) from None
    except Exception:
        db.session.rollback()
        for name in written:
            documents.delete_document_file(name)
        raise


def apply_for_store(user_id: int, data: dict, files=(), logo=None, require_document: bool = True) -> Store:
    """Create the user's store application (status pending).

    The web form sends the NIB certificate with the application (`require_document`);
    the API creates the application first and uploads documents after."""
    if db.session.scalar(select(Store.id).where(Store.owner_id == user_id)) is not None:
        raise ConflictError(_("Anda sudah memiliki toko. Satu akun hanya boleh memiliki satu toko."))
    clean = clean_application(data)
    checked = _read_documents(files)
    if require_document and not checked:
        raise ValidationError(fields={"documents": _("Unggah sertifikat NIB (PDF, JPEG atau PNG, maks. 5 MB).")})
    if len(checked) > MAX_DOCUMENTS:
        raise ValidationError(fields={"documents": _("Maksimal %(n)d dokumen.", n=MAX_DOCUMENTS)})
    logo_paths = _save_logo(logo)

    store = Store(owner_id=user_id, status="pending", submitted_at=utcnow(),
                  slug=unique_slug(slugify(clean["name"], 130), _slug_taken))
    _apply_values(store, clean)
    store.logo_path = logo_paths
    db.session.add(store)
    written: list[str] = []
    _attach_documents(store, checked, written)
    store.decisions.append(StoreDecision(actor_id=user_id, from_status=None, to_status="pending"))
    _commit_or_remove_files(written)
    return store


def _slug_taken(slug: str) -> bool:
    return db.session.scalar(select(Store.id).where(Store.slug == slug)) is not None


def _save_logo(logo) -> str | None:
    if logo is None or not getattr(logo, "filename", ""):
        return None
    from malpro.services.images import save_image

    thumb, _large = save_image(logo, "logos", field="logo")
    return thumb


def own_store(user_id: int) -> Store:
    store = db.session.scalar(select(Store).where(Store.owner_id == user_id))
    if store is None:
        raise NotFoundError(_("Anda belum memiliki toko."))
    return store


def update_application(user_id: int, data: dict, files=(), logo=None, partial: bool = False) -> Store:
    """Edit the user's own store. A rejected application becomes pending again (re-submitted);
    name, NIB and location cannot change once the store has been verified."""
    store = own_store(user_id)
    if store.status in ("verified", "suspended"):
        locked = [k for k in LOCKED_WHEN_VERIFIED if k in data and _changed(k, data[k], store)]
        if locked:
            raise ValidationError(fields={k: _("Tidak dapat diubah setelah toko diverifikasi. Hubungi admin Malpro.")
                                          for k in locked})
        data = {k: v for k, v in data.items() if k not in LOCKED_WHEN_VERIFIED}
        partial = True
    clean = clean_application(data, store_id=store.id, partial=partial)
    checked = _read_documents(files)
    if len(store.documents) + len(checked) > MAX_DOCUMENTS:
        raise ValidationError(fields={"documents": _("Maksimal %(n)d dokumen.", n=MAX_DOCUMENTS)})
    logo_path = _save_logo(logo)

    _apply_values(store, clean)
    if logo_path:
        store.logo_path = logo_path
    written: list[str] = []
    _attach_documents(store, checked, written)
    if store.status == "rejected":
        _resubmit(store, user_id)
    _commit_or_remove_files(written)
    return store


def _changed(key: str, value, store: Store) -> bool:
    """Whether a submitted value differs from the store's (empty means "not sent")."""
    value = str(value or "").strip()
    if key == "nib":
        value = "".join(value.split())
    return value not in ("", str(getattr(store, key)))


def _resubmit(store: Store, user_id: int) -> None:
    store.decisions.append(StoreDecision(actor_id=user_id, from_status="rejected", to_status="pending",
                                         reason=_("Diperbaiki dan diajukan ulang oleh penjual.")))
    store.status = "pending"
    store.status_reason = None
    store.submitted_at = utcnow()


def add_document(user_id: int, file_storage) -> StoreDocument:
    """Upload one more legality document to the user's own store (API and web)."""
    store = own_store(user_id)
    if len(store.documents) >= MAX_DOCUMENTS:
        raise ValidationError(fields={"file": _("Maksimal %(n)d dokumen.", n=MAX_DOCUMENTS)})
    data, content_type, filename = documents.read_document(file_storage, field="file")
    written: list[str] = []
    _attach_documents(store, [(data, content_type, filename)], written)
    _commit_or_remove_files(written)
    return store.documents[-1]


def remove_document(user_id: int, document_id: int) -> None:
    """Sellers may replace documents while the application is not yet verified."""
    store = own_store(user_id)
    document = next((d for d in store.documents if d.id == document_id), None)
    if document is None:
        raise NotFoundError()
    if store.status not in ("pending", "rejected"):
        raise ConflictError(_("Dokumen toko yang sudah diverifikasi tidak dapat dihapus."))
    stored_name = document.stored_name
    store.documents.remove(document)
    db.session.commit()
    documents.delete_document_file(stored_name)


def document_for(user: User, document_id: int) -> StoreDocument:
    """A document, if `user` may see it: the store's owner or an admin. Anyone else gets
    NotFoundError, so they cannot even learn that it exists."""
    document = db.session.get(StoreDocument, document_id)
    if document is None or not (user.is_admin or document.store.owner_id == user.id):
        raise NotFoundError()
    return document


# --- admin decisions --------------------------------------------------------------------

def decide(store_id: int, admin_id: int, decision: str, reason: str | None = None) -> Store:
    """Apply an admin decision. A move the status table does not allow is a ConflictError
    (two admins deciding at once: the second one gets it too, nothing changes twice)."""
    if decision not in DECISIONS:
        raise ValidationError(fields={"decision": _("Keputusan tidak dikenal.")})
    reason = (reason or "").strip()
    if decision in REASON_REQUIRED and not reason:
        raise ValidationError(fields={"reason": _("Tuliskan alasannya; penjual akan membacanya.")})
    if len(reason) > 2000:
        raise ValidationError(fields={"reason": _("Alasan maksimal 2000 karakter.")})
    store = db.session.get(Store, store_id)
    if store is None:
        raise NotFoundError()
    from_status, to_status = DECISIONS[decision]
    if store.status != from_status:
        raise ConflictError(_("Toko berstatus %(status)s; keputusan ini tidak dapat diterapkan.",
                              status=status_label(store.status)))
    if decision == "verify" and not store.documents:
        raise ValidationError(_("Toko belum mengunggah dokumen legalitas."),
                              fields={"decision": _("Toko belum mengunggah dokumen legalitas.")})

    now = utcnow()
    values = {"status": to_status, "status_reason": reason if decision in ("reject", "suspend") else None,
              "updated_at": now}
    if decision == "verify":
        values["verified_at"] = now
    # Conditional on the status we checked, so a concurrent decision cannot be applied twice.
    moved = db.session.execute(
        update(Store).where(Store.id == store_id, Store.status == from_status).values(**values)
    ).rowcount
    if moved != 1:
        db.session.rollback()
        raise ConflictError(_("Toko ini baru saja diputuskan oleh admin lain. Muat ulang halaman."))
    db.session.add(StoreDecision(store_id=store_id, actor_id=admin_id, from_status=from_status,
                                 to_status=to_status, reason=reason or None, created_at=now))
    db.session.add(AuditLog(actor_id=admin_id, action=f"store.{decision}", target_type="store",
                            target_id=store_id, reason=reason or None, created_at=now))
    _notify_owner(store, decision, reason)
    db.session.commit()
    db.session.refresh(store)
    return store


def _notify_owner(store: Store, decision: str, reason: str) -> None:
    notifications.send(store.owner_id, f"store.{decision}", {"store": store.name, "reason": reason or None},
                       link="/seller/")


def queue(status: str = "pending") -> list[Store]:
    """Applications with a status; pending ones oldest first (the order to work through them)."""
    order = Store.submitted_at.asc() if status == "pending" else Store.updated_at.desc()
    return list(db.session.scalars(select(Store).where(Store.status == status).order_by(order, Store.id)))


def status_counts() -> dict[str, int]:
    counts = dict(db.session.execute(select(Store.status, func.count()).group_by(Store.status)).all())
    return {status: counts.get(status, 0) for status in STATUS_LABELS}


def max_document_mb() -> int:
    return current_app.config["DOCUMENT_MAX_BYTES"] // (1024 * 1024)


CHECKLIST = (
    ("name", _l("Nama toko")),
    ("nib", _l("NIB 13 digit")),
    ("phone", _l("Nomor HP / WhatsApp")),
    ("address", _l("Alamat usaha")),
    ("location", _l("Kecamatan dan kelurahan di Kota Malang")),
    ("fulfilment", _l("Cara pesanan diterima (COD dan/atau ambil sendiri)")),
    ("documents", _l("Sertifikat NIB (PDF, JPEG atau PNG)")),
)


def checklist(data: dict, has_document: bool) -> list[dict]:
    """What the application still misses, item by item, for the seller's checklist."""
    def ok(keys: dict) -> bool:
        try:
            clean_application(keys, partial=True, store_id=data.get("store_id"))
        except (ValidationError, ConflictError):
            return False
        return True

    done = {
        "name": ok({"name": data.get("name")}),
        "nib": ok({"nib": data.get("nib")}),
        "phone": ok({"phone": data.get("phone")}),
        "address": ok({"address": data.get("address")}),
        "location": ok({"kecamatan": data.get("kecamatan"), "kelurahan": data.get("kelurahan")}),
        "fulfilment": bool(data.get("delivery") or data.get("pickup")),
        "documents": has_document,
    }
    return [{"key": key, "label": str(label), "done": done[key]} for key, label in CHECKLIST]
