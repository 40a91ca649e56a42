"""The seller's side of payment: the store's QRIS (check, confirm, save, remove) and the
payment of an order ("Pembayaran diterima" / "Belum diterima", refund made). The rules live
in services.payments; another store's order is 404."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.forms import safe_next_url
from malpro.seller import bp
from malpro.services import payments
from malpro.services.errors import DomainError, NotFoundError


def _error_text(error: DomainError) -> str:
    return " ".join(error.fields.values()) or error.message


@bp.post("/toko/qris", endpoint="qris_preview")
@role_required("seller")
def qris_preview():
    """Read the uploaded image or pasted text and show what it says, to confirm."""
    image = request.files.get("image")
    try:
        parsed = payments.read_qris(request.form.get("payload"), image if image and image.filename else None)
    except DomainError as error:
        flash(_error_text(error), "error")
        return redirect(url_for("seller.edit_store") + "#qris", 303)
    return render_template("seller/qris_confirm.html", parsed=parsed)


@bp.post("/toko/qris/simpan", endpoint="qris_save")
@role_required("seller")
def qris_save():
    try:
        parsed = payments.set_store_qris(current_user.id, request.form.get("payload"),
                                         remote_addr=request.remote_addr)
    except DomainError as error:
        flash(_error_text(error), "error")
    else:
        flash(_("QRIS %(merchant)s (NMID %(nmid)s) tersimpan. Pembeli kini bisa membayar dengan QRIS.",
                merchant=parsed.merchant_name, nmid=parsed.nmid), "success")
    return redirect(url_for("seller.edit_store") + "#qris", 303)


@bp.post("/toko/qris/hapus", endpoint="qris_remove")
@role_required("seller")
def qris_remove():
    try:
        payments.remove_store_qris(current_user.id, remote_addr=request.remote_addr)
    except DomainError as error:
        flash(_error_text(error), "error")
    else:
        flash(_("QRIS toko dihapus. Pesanan baru hanya dapat dibayar tunai."), "success")
    return redirect(url_for("seller.edit_store") + "#qris", 303)


def _back(code: str):
    target = safe_next_url(request.form.get("next")) or url_for("seller.order_detail", code=code)
    return redirect(target, 303)


@bp.post("/pesanan/<code>/pembayaran", endpoint="order_payment")
@role_required("seller")
def order_payment(code: str):
    received = request.form.get("received") == "1"
    try:
        order = payments.decide(code, current_user.id, received)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Pesanan %(code)s: %(status)s.", code=order.code, status=payments.status_label(order.payment_status)),
              "success")
    return _back(code)


@bp.post("/pesanan/<code>/dana-kembali", endpoint="order_refunded")
@role_required("seller")
def order_refunded(code: str):
    try:
        order = payments.mark_refunded(code, current_user.id, request.form.get("note"))
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(error.message, "error")
    else:
        flash(_("Pesanan %(code)s: %(status)s.", code=order.code, status=payments.status_label(order.payment_status)),
              "success")
    return _back(code)


@bp.app_context_processor
def payment_helpers():
    """Payment words for every template (buyer's and seller's order pages, the board)."""
    return {"payment_label": payments.status_label, "payment_method_label": payments.method_label,
            "qris_change_label": payments.change_label}
