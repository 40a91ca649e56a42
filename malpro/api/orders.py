"""The buyer's cart and orders (a buyer's token; every account may buy)."""
from flask import g, jsonify, request
from flask_babel import gettext as _

from malpro.api import bp
from malpro.api.auth import api_user, token_required
from malpro.api.inputs import BadRequestError, check_object, choice_arg, is_int, json_body, paginated, raw_json
from malpro.api.serializers import cart_json, order_json
from malpro.extensions import limiter
from malpro.services import cart, checkout, orders, payments

ADDRESS_FIELDS = {"recipient": str, "phone": str, "street": str, "kecamatan": str, "kelurahan": str,
                  "notes": (str, type(None))}
REVIEW_FIELDS = {"product_id": int, "rating": int, "comment": (str, type(None))}
MAX_IDEMPOTENCY_KEY = 80


def _cart_response():
    return jsonify(cart_json(cart.get_cart(g.api_user_id, None)))


@bp.get("/cart")
@token_required()
def get_cart():
    return _cart_response()


@bp.put("/cart/items/<int:product_id>")
@token_required()
def put_cart_item(product_id: int):
    body = json_body({"quantity": int}, required=("quantity",))
    cart.set_quantity(g.api_user_id, None, product_id, body["quantity"])
    return _cart_response()


@bp.delete("/cart/items/<int:product_id>")
@token_required()
def delete_cart_item(product_id: int):
    cart.remove(g.api_user_id, None, product_id)
    return _cart_response()


def _buyer_key() -> str:
    user = api_user()
    return f"buyer:{user.id}" if user else f"address:{request.remote_addr}"


def _store_id(key: str) -> int | None:
    return int(key) if key.isascii() and key.isdigit() and len(key) < 10 else None


@bp.post("/orders")
@limiter.limit("10 per minute", key_func=_buyer_key)
@token_required()
def place_orders():
    body = json_body({"store_ids": (list, type(None)), "fulfilment": (dict, type(None)),
                      "address": (dict, type(None)), "payment": (dict, type(None))})
    store_ids = body.get("store_ids")
    if store_ids is not None and not all(is_int(s) for s in store_ids):
        raise BadRequestError(fields={"store_ids": _("Harus daftar id toko (bilangan bulat).")})
    fulfilment = body.get("fulfilment") or {}
    bad = {f"fulfilment.{key}": _("Kunci harus id toko, nilainya \"delivery\" atau \"pickup\".")
           for key, mode in fulfilment.items() if _store_id(key) is None or not isinstance(mode, str)}
    payment = body.get("payment") or {}
    bad |= {f"payment.{key}": _("Kunci harus id toko, nilainya \"cash\" atau \"qris\".")
            for key, method in payment.items() if _store_id(key) is None or not isinstance(method, str)}
    if bad:
        raise BadRequestError(fields=bad)
    address = body.get("address")
    if address is not None:
        check_object(address, ADDRESS_FIELDS, prefix="address.")
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise BadRequestError(fields={"Idempotency-Key": _("Maksimal %(n)d karakter.", n=MAX_IDEMPOTENCY_KEY)})
    placed = checkout.place_orders(g.api_user_id, key or checkout.new_checkout_key(),
                                   {_store_id(k): v for k, v in fulfilment.items()},
                                   address=address, store_ids=store_ids,
                                   payment={_store_id(k): v for k, v in payment.items()})
    return jsonify(orders=[order_json(order) for order in placed]), 201


@bp.get("/orders")
@token_required()
def list_orders():
    query = orders.buyer_orders(g.api_user_id, choice_arg("status", tuple(orders.STATUS_LABELS)))
    return jsonify(paginated(query, order_json))


@bp.get("/orders/<code>")
@token_required()
def get_order(code: str):
    return jsonify(order_json(orders.order_for_buyer(code, g.api_user_id)))


@bp.post("/orders/<code>/cancel")
@token_required()
def cancel_order(code: str):
    body = json_body({"note": (str, type(None))}, optional_body=True)
    return jsonify(order_json(orders.move(code, g.api_user_id, "buyer", "cancelled", body.get("note"))))


@bp.post("/orders/<code>/reviews")
@token_required()
def add_reviews(code: str):
    body = raw_json()
    if not isinstance(body, list):
        raise BadRequestError(_("Body harus daftar ulasan: [{product_id, rating, comment}]."))
    for i, review in enumerate(body):
        if not isinstance(review, dict):
            raise BadRequestError(fields={str(i): _("Harus objek {product_id, rating, comment}.")})
        check_object(review, REVIEW_FIELDS, required=("product_id", "rating"), prefix=f"{i}.")
    written = orders.add_reviews(code, g.api_user_id, body)
    return jsonify([{"product_id": r.product_id, "rating": r.rating, "comment": r.comment} for r in written]), 201


@bp.post("/orders/<code>/payment-claim")
@token_required()
def claim_payment(code: str):
    """The buyer paid the order's QRIS; an optional multipart `proof` screenshot."""
    proof = request.files.get("proof") if request.mimetype == "multipart/form-data" else None
    return jsonify(order_json(payments.claim(code, g.api_user_id, proof)))
