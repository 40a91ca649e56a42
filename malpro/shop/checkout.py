"""Checkout: one order per store, COD delivery or pickup, a one-time key against double
submission, and the confirmation page with WhatsApp links to each seller.

The page shows per store its subtotal, the fee of the chosen mode and the order's total, and
the grand total. With JavaScript, htmx posts the choices to `checkout_summary` on every change
and swaps the figures and the COD-guard warnings in; without it, "Hitung ulang total" (or
placing the orders) recomputes them on the server."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.forms import kelurahan_choices
from malpro.htmx import vary_on_htmx
from malpro.services import cart, checkout
from malpro.services.errors import DomainError
from malpro.services.validation import whatsapp_url
from malpro.shop import bp
from malpro.shop.forms import CheckoutForm, KelurahanForm


def _choices(buyer_cart):
    """The chosen stores (None on a first visit: all of them) and the requested modes."""
    chosen = None
    if request.method == "POST":
        chosen = {int(s) for s in request.form.getlist("store") if s.isascii() and s.isdecimal() and len(s) < 10}
    requested = {g.store.id: request.form.get(f"fulfilment-{g.store.id}") for g in buyer_cart.groups}
    return chosen, requested


def _error_links(error: DomainError, form: CheckoutForm, buyer_cart) -> list[tuple[str, str]]:
    """A service's errors: on the form's own fields, or as (anchor, message) for the summary."""
    links = []
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None and name != "checkout_key":
            field.errors = [*field.errors, message]
        elif name.startswith("fulfilment."):
            links.append((f"#fulfilment-{name.split('.', 1)[1]}", message))
        else:
            links.append(("#checkout-stores", message))
    if not error.fields:
        links.append(("#checkout-stores", error.message))
    return links


@bp.route("/checkout", methods=["GET", "POST"])
@role_required("user")
def checkout_page():
    key = request.form.get("checkout_key", "")
    if request.method == "POST" and key and checkout.orders_of_checkout(current_user.id, key):
        # A second submission of the same form (double click, retry): show what was placed.
        return redirect(url_for("shop.checkout_done", key=key))
    buyer_cart = cart.get_cart(current_user.id, session)
    if not buyer_cart.groups:
        flash(_("Keranjang Anda masih kosong."), "info")
        return redirect(url_for("shop.cart_page"))
    form = CheckoutForm()
    addresses = checkout.saved_addresses(current_user.id)
    if request.method == "GET":
        form.checkout_key.data = checkout.new_checkout_key()
        _prefill_address(form, addresses)
    chosen, requested = _choices(buyer_cart)
    errors, status = [], 200
    if request.form.get("action") == "recalculate":
        pass  # without JavaScript: the same page with the figures of the current choices
    elif form.validate_on_submit():
        try:
            orders = checkout.place_orders(current_user.id, form.checkout_key.data, requested,
                                           address=form.address(), store_ids=sorted(chosen or ()),
                                           save_address=form.save_address.data)
        except DomainError as error:
            errors = _error_links(error, form, buyer_cart)
            buyer_cart = cart.get_cart(current_user.id, session)
        else:
            return redirect(url_for("shop.checkout_done", key=orders[0].checkout.key))
        status = 422
    elif form.is_submitted():
        errors = [("#checkout-stores", message) for message in form.form_errors]
        status = 422
    summary = checkout.summarize(buyer_cart, current_user.id, chosen, requested)
    return render_template("shop/checkout.html", form=form, cart=buyer_cart, addresses=addresses,
                           summary=summary, errors=errors), status


@bp.post("/checkout/ringkasan")
@role_required("user")
def checkout_summary():
    """The figures and warnings for the current choices (htmx, on every change of the form)."""
    buyer_cart = cart.get_cart(current_user.id, session)
    chosen, requested = _choices(buyer_cart)
    summary = checkout.summarize(buyer_cart, current_user.id, chosen, requested)
    return vary_on_htmx(render_template("shop/partials/_checkout_summary.html", summary=summary, oob=True))


def _prefill_address(form: CheckoutForm, addresses) -> None:
    """The last used address, or the account's name and phone."""
    if addresses:
        last = addresses[0]
        for key in ("recipient", "street", "kecamatan", "kelurahan", "notes"):
            getattr(form, key).data = getattr(last, key)
        form.phone.data = "0" + last.phone[2:]
    else:
        form.recipient.data = current_user.name
        form.phone.data = "0" + current_user.phone[2:] if current_user.phone else ""
        form.kecamatan.data = current_user.kecamatan or ""


@bp.get("/checkout/selesai/<key>")
@role_required("user")
def checkout_done(key: str):
    orders = checkout.orders_of_checkout(current_user.id, key) or abort(404)
    links = {order.id: whatsapp_url(order.store.phone, _(
        "Halo %(store)s, saya baru memesan di Malpro dengan kode %(code)s.", store=order.store.name,
        code=order.code)) for order in orders}
    return render_template("shop/checkout_done.html", orders=orders, whatsapp=links)


@bp.get("/wilayah/kelurahan")
def kelurahan_options():
    """The kelurahan <select> for the chosen kecamatan (htmx swaps it into any address form)."""
    form = KelurahanForm(formdata=None)
    form.kelurahan.choices = kelurahan_choices(request.args.get("kecamatan"))
    return vary_on_htmx(render_template("partials/_kelurahan_field.html", form=form))
