"""The buyer's side of a QRIS order: the order's QRIS as a PNG to save ("Simpan gambar QRIS"),
"Saya sudah bayar" with an optional screenshot, and the private proof image (its buyer, the
order's seller and admins; anyone else 404). The rules live in services.payments."""
from pathlib import Path

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from malpro.auth.decorators import role_required
from malpro.services import orders, payments, qris
from malpro.services.errors import DomainError, NotFoundError
from malpro.shop import bp


def qris_svg(order) -> Markup | None:
    """The order's QRIS drawn as inline SVG (no JavaScript), while it still needs paying."""
    if not order.is_qris or not order.qris_payload:
        return None
    return Markup(qris.render_svg(order.qris_payload))


@bp.app_template_global("order_qris_svg")
def order_qris_svg(order):
    return qris_svg(order)


@bp.get("/pesanan/<code>/qris.png", endpoint="order_qris_png")
@role_required("user")
def order_qris_png(code: str):
    try:
        order = orders.order_for_buyer(code, current_user.id)
    except NotFoundError:
        abort(404)
    if not order.is_qris or not order.qris_payload:
        abort(404)
    response = current_app.response_class(qris.render_png(order.qris_payload), mimetype="image/png")
    response.headers["Content-Disposition"] = f'attachment; filename="QRIS-{order.code}.png"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/pesanan/<code>/bayar", endpoint="claim_payment")
@role_required("user")
def claim_payment(code: str):
    proof = request.files.get("proof")
    try:
        payments.claim(code, current_user.id, proof if proof and proof.filename else None)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        flash(" ".join(error.fields.values()) or error.message, "error")
    else:
        flash(_("Terima kasih. Penjual akan memeriksa pembayaran Anda."), "success")
    return redirect(url_for("shop.order_detail", code=code) + "#pembayaran", 303)


@bp.get("/pesanan/<code>/bukti", endpoint="payment_proof")
@role_required("user")
def payment_proof(code: str):
    try:
        path = payments.proof_for(current_user, code)
    except NotFoundError:
        abort(404)
    response = send_file(Path(current_app.config["UPLOAD_DIR"]) / path, mimetype="image/webp", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
