"""The buyer's orders: "Pesanan Saya", one order (items, totals, fulfilment, a timeline that
updates itself while the order runs), cancelling while pending, and reviews once completed.
The rules live in services.orders; another buyer's order is always 404."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.extensions import db
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.models import ORDER_STATUSES
from malpro.services import orders
from malpro.services.errors import DomainError, NotFoundError, ValidationError
from malpro.services.validation import whatsapp_url
from malpro.shop import bp

PER_PAGE = 10


def _order(code: str):
    try:
        return orders.order_for_buyer(code, current_user.id)
    except NotFoundError:
        abort(404)


def _rating_labels() -> dict[int, str]:
    return {1: _("Sangat buruk"), 2: _("Buruk"), 3: _("Cukup"), 4: _("Baik"), 5: _("Sangat baik")}


def _detail_context(order, **extra) -> dict:
    store = order.store
    if order.fulfilment == "pickup":
        message = _("Halo %(store)s, saya ingin mengambil pesanan %(code)s dari Malpro.",
                    store=store.name, code=order.code)
    else:
        message = _("Halo %(store)s, saya ingin menanyakan pesanan %(code)s dari Malpro.",
                    store=store.name, code=order.code)
    return {
        "order": order,
        "store": store,
        "whatsapp": whatsapp_url(store.phone, message),
        "status_label": orders.status_label,
        "reviewable": orders.reviewable_items(order),
        "rating_labels": _rating_labels(),
        "review_errors": {},
        "review_values": {},
        "cancel_error": None,
        "cancel_note": "",
        **extra,
    }


# --- the list -----------------------------------------------------------------------------

@bp.get("/pesanan", endpoint="orders")
@role_required("user")
def order_list():
    status = request.args.get("status")
    status = status if status in ORDER_STATUSES else None
    page = max(request.args.get("page", 1, type=int), 1)
    pagination = db.paginate(orders.buyer_orders(current_user.id, status), page=page, per_page=PER_PAGE,
                             error_out=False)
    counts = orders.status_counts(buyer_id=current_user.id)
    context = {"pagination": pagination, "status": status, "counts": counts, "total": sum(counts.values()),
               "status_label": orders.status_label, "statuses": ORDER_STATUSES}
    # The status tabs swap only the list (htmx, URL pushed); everything else gets the page.
    template = "shop/partials/_order_list.html" if is_htmx() else "shop/orders/list.html"
    return vary_on_htmx(render_template(template, **context))


# --- one order ----------------------------------------------------------------------------

@bp.get("/pesanan/<code>", endpoint="order_detail")
@role_required("user")
def order_detail(code: str):
    return render_template("shop/orders/detail.html", **_detail_context(_order(code)))


@bp.get("/pesanan/<code>/status", endpoint="order_status")
@role_required("user")
def order_status(code: str):
    """The self-replacing status block, polled while the order is not final."""
    return vary_on_htmx(make_response(_status_fragment(_order(code))))


def _with_flash(html: str) -> str:
    """An htmx answer that also shows the flashed messages (out of band, in #flash)."""
    return html + render_template("partials/_flash.html", oob=True)


def _status_fragment(order, cancel_error: str | None = None, cancel_note: str = "") -> str:
    """The status block, plus the parts of the page a change of status makes stale: the
    cancel form goes once the order is no longer pending, the review forms come once it is
    completed. While pending the cancel form is left alone, so a note being typed survives."""
    context = _detail_context(order, cancel_error=cancel_error, cancel_note=cancel_note)
    html = render_template("shop/partials/_order_status.html", **context)
    if order.status != "pending" or cancel_error:
        html += render_template("shop/partials/_order_cancel.html", oob=True, **context)
    if order.status == "completed":
        html += render_template("shop/partials/_order_reviews.html", oob=True, **context)
    if order.payment_status != "unpaid" or order.status == "cancelled":
        # Left alone while unpaid, so a proof being chosen survives the polling.
        html += render_template("shop/partials/_order_payment.html", oob=True, **context)
    return html


# --- cancelling ---------------------------------------------------------------------------

@bp.post("/pesanan/<code>/batal", endpoint="cancel_order")
@role_required("user")
def cancel_order(code: str):
    note = request.form.get("note", "")
    try:
        order = orders.move(code, current_user.id, "buyer", "cancelled", note)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        message = " ".join(error.fields.values()) or error.message
        if is_htmx():
            html = _status_fragment(_order(code), cancel_error=message, cancel_note=note)
            return vary_on_htmx(make_response(html))
        flash(message, "error")
    else:
        flash(_("Pesanan %(code)s dibatalkan. Stok dikembalikan ke penjual.", code=order.code), "success")
        if is_htmx():
            return vary_on_htmx(make_response(_with_flash(_status_fragment(order))))
    return vary_on_htmx(redirect(url_for("shop.order_detail", code=code), 303))


# --- reviews ------------------------------------------------------------------------------

@bp.post("/pesanan/<code>/ulasan", endpoint="review_order")
@role_required("user")
def review_order(code: str):
    order = _order(code)
    product_id = request.form.get("product_id", type=int)
    values = {"product_id": product_id, "rating": request.form.get("rating", type=int),
              "comment": request.form.get("comment", "")}
    try:
        orders.add_reviews(code, current_user.id, [values])
    except ValidationError as error:
        # One form is one review: its errors come back as "0.rating", "0.comment", ...
        errors = {key.split(".", 1)[-1]: message for key, message in error.fields.items()}
        if not errors:
            errors["form"] = error.message
        context = _detail_context(_order(code), review_errors={product_id: errors},
                                  review_values={product_id: values})
        if is_htmx():
            return vary_on_htmx(render_template("shop/partials/_order_reviews.html", **context))
        return vary_on_htmx(make_response(render_template("shop/orders/detail.html", **context), 422))
    except DomainError as error:  # not completed yet, or already reviewed
        flash(error.message, "error")
    else:
        flash(_("Terima kasih! Ulasan Anda untuk %(name)s tersimpan.",
                name=next((i.name for i in order.items if i.product_id == product_id), "")), "success")
    if is_htmx():
        html = render_template("shop/partials/_order_reviews.html", **_detail_context(_order(code)))
        return vary_on_htmx(make_response(_with_flash(html)))
    return vary_on_htmx(redirect(url_for("shop.order_detail", code=code) + "#ulasan", 303))
