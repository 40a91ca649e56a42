"""The cart pages: add from product cards and pages, steppers and remove on the cart page.
With htmx they answer fragments (and the header badge out of band); without JavaScript
they redirect (PRG), so everything also works as plain forms."""
from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.forms import safe_next_url
from malpro.htmx import is_htmx, vary_on_htmx
from malpro.services import cart, checkout
from malpro.services.catalog import visible_product
from malpro.services.errors import DomainError
from malpro.shop import bp


def _buyer_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _quantity_from_form(default: int | None = None):
    raw = request.form.get("quantity", "")
    try:
        return int(raw)
    except ValueError:
        return default if raw == "" and default is not None else raw  # the service explains a bad value


def _cart_context() -> dict:
    """The cart and what the COD guard still allows the buyer (the cart warns before checkout)."""
    return {"cart": cart.get_cart(_buyer_id(), session), "guard": checkout.guard_for(_buyer_id())}


@bp.get("/keranjang")
def cart_page():
    return vary_on_htmx(render_template("shop/cart.html", **_cart_context()))


@bp.post("/keranjang/tambah")
def add_to_cart():
    product_id = request.form.get("product_id", type=int)
    error, in_cart = None, None
    try:
        in_cart = cart.add_to_cart(_buyer_id(), session, product_id or 0, _quantity_from_form(default=1))
    except DomainError as exc:
        error = next(iter(exc.fields.values()), None) if exc.code == "validation_error" else exc.message
    if is_htmx():
        product = visible_product(product_id or 0)
        return vary_on_htmx(render_template("shop/partials/_add_to_cart_result.html", product=product,
                                            in_cart=in_cart, error=error))
    if error:
        flash(error, "error")
    else:
        flash(_("Ditambahkan ke keranjang (%(n)d di keranjang).", n=in_cart), "success")
    return redirect(_back_to_referrer() or url_for("shop.cart_page"))


def _back_to_referrer() -> str | None:
    """The page the form was on, when it is a page of this site (no JavaScript: PRG)."""
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc != request.host:
        return None
    return safe_next_url(referrer.path + (f"?{referrer.query}" if referrer.query else ""))


@bp.post("/keranjang/<int:product_id>")
def update_cart_line(product_id: int):
    """Set a line's quantity (the steppers); 0 removes it."""
    error = None
    try:
        cart.set_quantity(_buyer_id(), session, product_id, _quantity_from_form())
    except DomainError as exc:
        error = exc.message if exc.code != "validation_error" else next(iter(exc.fields.values()), exc.message)
    return _cart_answer(error, product_id)


@bp.post("/keranjang/<int:product_id>/hapus")
def remove_cart_line(product_id: int):
    cart.remove(_buyer_id(), session, product_id)
    return _cart_answer(None, product_id, removed=True)


def _cart_answer(error: str | None, product_id: int, removed: bool = False):
    if is_htmx():
        return vary_on_htmx(render_template("shop/partials/_cart_lines.html", **_cart_context(),
                                            error=error, error_product_id=product_id, oob_badge=True))
    if error:
        flash(error, "error")
    elif removed:
        flash(_("Barang dihapus dari keranjang."), "info")
    return redirect(url_for("shop.cart_page"))
