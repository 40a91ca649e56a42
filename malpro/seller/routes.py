"""The seller area's store pages: the dashboard, the application (apply, fix, re-submit),
the store profile, and the store's legality documents."""
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.forms import show_domain_error
from malpro.seller import bp
from malpro.seller.forms import StoreApplicationForm, StoreProfileForm
from malpro.services import documents, orders, products, stores, verification
from malpro.services.errors import DomainError, NotFoundError


def _counts(store) -> dict:
    """The dashboard's figures: products (all, active, out of stock) and orders to confirm."""
    product_counts = products.status_counts(store.id)
    return {"products": product_counts["all"], "active": product_counts["active"],
            "out_of_stock": product_counts["out_of_stock"],
            "pending_orders": orders.status_counts(store_id=store.id)["pending"]}


@bp.get("/")
def dashboard():
    store = current_user.store
    return render_template("seller/dashboard.html", store=store,
                           status_label=verification.status_label,
                           counts=_counts(store) if store is not None else None,
                           closed=store is not None and stores.is_closed(store))


@bp.route("/daftar", methods=["GET", "POST"])
def apply():
    if current_user.store is not None:
        return redirect(url_for("seller.edit_store"))
    form = StoreApplicationForm()
    if not form.is_submitted():
        form.phone.data = _local_phone(current_user.phone)
        form.delivery.data = form.pickup.data = True
    if form.validate_on_submit():
        try:
            verification.apply_for_store(current_user.id, form.application_data(),
                                         files=form.documents.data or [], logo=form.logo.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Pengajuan toko terkirim. Admin Malpro akan memeriksanya; Anda akan mendapat notifikasi."),
                  "success")
            return redirect(url_for("seller.dashboard"))
    status = 422 if form.is_submitted() else 200
    return render_template("seller/application.html", form=form, store=None,
                           checklist=verification.checklist(form.application_data(), has_document=False)), status


@bp.route("/toko", methods=["GET", "POST"])
def edit_store():
    store = current_user.store
    if store is None:
        return redirect(url_for("seller.apply"))
    form = StoreApplicationForm(obj=None if request.method == "POST" else _StoreValues(store))
    profile_form = StoreProfileForm(obj=store, prefix="profile")
    if form.validate_on_submit():
        try:
            was_rejected = store.status == "rejected"
            verification.update_application(current_user.id, form.application_data(),
                                            files=form.documents.data or [], logo=form.logo.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Pengajuan diperbaiki dan diajukan ulang. Admin akan memeriksanya kembali.") if was_rejected
                  else _("Data toko tersimpan."), "success")
            return redirect(url_for("seller.dashboard") if was_rejected else url_for("seller.edit_store"))
    data = form.application_data() | {"store_id": store.id}
    status = 422 if form.is_submitted() else 200
    return render_template("seller/application.html", form=form, store=store, profile_form=profile_form,
                           status_label=verification.status_label,
                           product_count=products.status_counts(store.id)["all"],
                           locked=verification.LOCKED_WHEN_VERIFIED if store.status in ("verified", "suspended")
                           else (),
                           checklist=verification.checklist(data, has_document=bool(store.documents))), status


@bp.post("/toko/profil")
def update_profile():
    if current_user.store is None:
        abort(404)
    form = StoreProfileForm(prefix="profile")
    if form.validate_on_submit():
        try:
            stores.update_profile(current_user.id, form.opening_hours.data, form.closed_from.data,
                                  form.closed_until.data, form.closed_note.data)
        except DomainError as error:
            show_domain_error(form, error)
        else:
            flash(_("Jam buka dan jadwal libur tersimpan."), "success")
            return redirect(url_for("seller.edit_store") + "#profil")
    for field in form:
        for message in field.errors:
            flash(f"{field.label.text}: {message}", "error")
    for message in form.form_errors:
        flash(message, "error")
    return redirect(url_for("seller.edit_store") + "#profil")


@bp.post("/daftar/cek")
def application_checklist():
    """The checklist, recomputed as the seller fills the form (htmx)."""
    store = current_user.store
    form = StoreApplicationForm()
    data = form.application_data() | {"store_id": store.id if store else None}
    items = verification.checklist(data, has_document=bool(store and store.documents))
    return render_template("seller/partials/_application_checklist.html", checklist=items)


@bp.get("/dokumen/<int:document_id>")
def document(document_id: int):
    """A legality document, for its store's owner and for admins only (others: 404)."""
    try:
        doc = verification.document_for(current_user, document_id)
    except NotFoundError:
        abort(404)
    response = send_file(documents.document_path(doc.stored_name), mimetype=doc.content_type,
                         as_attachment=True, download_name=doc.filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/dokumen/<int:document_id>/hapus")
def delete_document(document_id: int):
    try:
        verification.remove_document(current_user.id, document_id)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Dokumen dihapus."), "success")
    return redirect(url_for("seller.edit_store") + "#dokumen")


def _local_phone(phone: str | None) -> str | None:
    """628… as the 08… form people type."""
    return "0" + phone[2:] if phone and phone.startswith("62") else phone


class _StoreValues:
    """The store's values under the form's field names."""

    def __init__(self, store):
        self.__dict__.update(
            name=store.name, nib=store.nib, phone=_local_phone(store.phone), address=store.address,
            kecamatan=store.kecamatan, kelurahan=store.kelurahan, description=store.description,
            delivery=store.offers_delivery, pickup=store.offers_pickup, delivery_fee=store.delivery_fee,
        )
