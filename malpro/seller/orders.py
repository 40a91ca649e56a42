"""The seller's orders: a board by status (the pending queue first, oldest first), one order
with the buyer's contact and address, and the status moves the lifecycle allows, in place with
htmx or as plain forms. services.orders decides what is legal; another store's order is 404."""
from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.extensions import db
from malpro.forms import safe_next_url
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.models import ORDER_STATUSES
from malpro.seller import bp
from malpro.services import orders
from malpro.services.errors import DomainError, NotFoundError
from malpro.services.validation import whatsapp_url

PER_PAGE = 20
ALL = "semua"  # the board's "every status" tab


@bp.context_processor
def order_helpers():
    # A function: the count is only queried by pages that show it (the dashboard).
    return {"pending_order_count": _pending_order_count}


def _pending_order_count() -> int:
    store = current_user.store if current_user.is_authenticated else None
    return orders.status_counts(store_id=store.id)["pending"] if store else 0


def _order(code: str):
    try:
        return orders.order_for_seller(code, current_user.id)
    except NotFoundError:
        abort(404)


def _common() -> dict:
    return {"status_label": orders.status_label, "action_labels": orders.ACTION_LABELS,
            "allowed_moves": orders.allowed_moves, "reason_required": orders.reason_required}


# --- the board ----------------------------------------------------------------------------

def _board_context(status: str, page: int) -> dict:
    store = current_user.store
    pagination = db.paginate(orders.store_orders(store.id, None if status == ALL else status),
                             page=max(page, 1), per_page=PER_PAGE, error_out=False)
    counts = orders.status_counts(store_id=store.id)
    board_url = url_for("seller.orders", status=None if status == "pending" else status,
                        page=pagination.page if pagination.page > 1 else None)
    return {"store": store, "status": status, "statuses": ORDER_STATUSES, "all_status": ALL,
            "counts": counts, "total": sum(counts.values()), "pagination": pagination, "board_url": board_url,
            **_common()}


def _tabs_context() -> dict:
    """The tab counts after a move on the board; the tab shown is the page the move came from."""
    store = current_user.store
    counts = orders.status_counts(store_id=store.id)
    status = request.form.get("tab")
    return {"status": status if status in ORDER_STATUSES or status == ALL else "pending",
            "statuses": ORDER_STATUSES, "all_status": ALL, "counts": counts, "total": sum(counts.values()),
            **_common()}


@bp.get("/pesanan", endpoint="orders")
@role_required("seller")
def order_board():
    status = request.args.get("status", "pending")
    status = status if status in ORDER_STATUSES or status == ALL else "pending"
    context = _board_context(status, request.args.get("page", 1, type=int))
    if is_htmx():
        # A tab was chosen: the list, and the tabs out of band so the current one moves.
        html = (render_template("seller/partials/_order_board.html", **context)
                + render_template("seller/partials/_order_tabs.html", oob=True, **context))
        return vary_on_htmx(make_response(html))
    return vary_on_htmx(render_template("seller/orders/list.html", **context))


# --- one order ----------------------------------------------------------------------------

def _detail_context(order, **extra) -> dict:
    contact = order.phone if order.fulfilment == "delivery" else order.buyer.phone
    message = _("Halo, saya dari %(store)s tentang pesanan %(code)s di Malpro.",
                store=order.store.name, code=order.code)
    return {"order": order, "buyer": order.buyer,
            "whatsapp": whatsapp_url(contact, message) if contact else None,
            "error": None, "message": None, "note_error": None, "note": "", "failed_status": None,
            **_common(), **extra}


@bp.get("/pesanan/<code>", endpoint="order_detail")
@role_required("seller")
def order_detail(code: str):
    return render_template("seller/orders/detail.html", **_detail_context(_order(code)))


@bp.post("/pesanan/<code>/status", endpoint="move_order")
@role_required("seller")
def move_order(code: str):
    to_status = request.form.get("status", "")
    note = request.form.get("note", "")
    from_board = request.form.get("view") == "row"
    try:
        order = orders.move(code, current_user.id, "seller", to_status, note)
    except NotFoundError:
        abort(404)
    except DomainError as error:
        # Nothing changed: show the order as it is now, with the reason.
        order = _order(code)
        note_error = error.fields.get("note")
        message = " ".join(v for k, v in error.fields.items() if k != "note") or (None if note_error
                                                                                  else error.message)
        extra = {"error": message, "note_error": note_error, "note": note, "failed_status": to_status}
        if is_htmx():
            return vary_on_htmx(make_response(_moved_fragment(order, from_board, **extra)))
        flash(message or note_error, "error")
        return vary_on_htmx(make_response(
            render_template("seller/orders/detail.html", **_detail_context(order, **extra)), 422))
    done = _("Pesanan %(code)s: %(status)s.", code=order.code, status=orders.status_label(order.status))
    if is_htmx():
        return vary_on_htmx(make_response(_moved_fragment(order, from_board, message=done)))
    flash(done, "success")
    target = safe_next_url(request.form.get("next")) or url_for("seller.order_detail", code=code)
    return vary_on_htmx(redirect(target, 303))


def _moved_fragment(order, from_board: bool, **extra) -> str:
    """What htmx swaps after a move: the board's row (and the tab counts), or the detail's
    action panel (and the timeline)."""
    context = _detail_context(order, **extra)
    if from_board:
        return (render_template("seller/partials/_order_row.html", tab=request.form.get("tab"),
                                next_url=safe_next_url(request.form.get("next")), **context)
                + render_template("seller/partials/_order_tabs.html", oob=True, **_tabs_context()))
    return (render_template("seller/partials/_order_actions.html", **context)
            + render_template("shop/partials/_order_events.html", oob=True, viewer="seller", **context))
