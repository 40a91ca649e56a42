"""Checkout: one order per store, COD delivery or pickup, a one-time key against double
submission, and the confirmation page with WhatsApp links to each seller."""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.auth.decorators import role_required
from malpro.forms import kelurahan_choices, show_domain_error
from malpro.htmx import vary_on_htmx
from malpro.services import cart, checkout
from malpro.services.errors import DomainError
from malpro.services.validation import whatsapp_url
from malpro.shop import bp
from malpro.shop.forms import CheckoutForm, KelurahanForm


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
    chosen_stores = [int(s) for s in request.form.getlist("store") if s.isdigit()]
    fulfilment = {g.store.id: request.form.get(f"fulfilment-{g.store.id}") for g in buyer_cart.groups}
    payment = {g.store.id: request.form.get(f"payment-{g.store.id}") or "cash" for g in buyer_cart.groups}
    if form.validate_on_submit():
        try:
            orders = checkout.place_orders(current_user.id, form.checkout_key.data, fulfilment,
                                           address=form.address(), store_ids=chosen_stores,
                                           save_address=form.save_address.data, payment=payment)
        except DomainError as error:
            show_domain_error(form, error)
            buyer_cart = cart.get_cart(current_user.id, session)
        else:
            return redirect(url_for("shop.checkout_done", key=orders[0].checkout.key))
    status = 422 if request.method == "POST" else 200
    return render_template("shop/checkout.html", form=form, cart=buyer_cart, addresses=addresses,
                           chosen=set(chosen_stores) if request.method == "POST" else None,
                           fulfilment=fulfilment, payment=payment), status


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
    form.kelurahan.choices = kelurahan_choices(form.kecamatan.data)


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
