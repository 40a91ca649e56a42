"""The checkout's limits through the API (issue 15 points 4 and 5): a store's owner cannot buy
from or review their own store; the maximum per product per order; the unpaid-value cap."""
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Order, Product
from malpro.services import cart, orders
from tests.api.conftest import assert_error
from tests.order_helpers import place_order


def _orders():
    return db.session.scalar(select(func.count()).select_from(Order))


def test_owner_cannot_put_own_product_in_the_cart(api, seller, make):
    own = make.product(store=seller.user.store)
    error = assert_error(api.put(f"/cart/items/{own.id}", token=seller.token, json={"quantity": 1}), 403, "forbidden")
    assert "toko Anda sendiri" in error["message"]
    assert db.session.scalar(select(func.count()).select_from(CartItem)) == 0


def test_owner_cannot_order_from_own_store(api, seller, make):
    own = make.product(store=seller.user.store, stock=5)
    db.session.add(CartItem(user_id=seller.id, product_id=own.id, quantity=1))  # from before the rule
    db.session.commit()
    response = api.post("/orders", token=seller.token, json={"fulfilment": {str(own.store_id): "pickup"}})
    assert_error(response, 403, "forbidden")
    assert _orders() == 0 and db.session.get(Product, own.id).stock == 5
    assert api.get("/cart", token=seller.token).get_json()["groups"][0]["items"][0]["available"] is False


def test_owner_cannot_review_own_store(api, caller, make):
    buyer = caller()
    store = make.store()
    product = make.product(store=store)
    order = place_order(buyer.user, (product, 1), mode="pickup")
    for status in ("confirmed", "ready", "completed"):
        orders.move(order.code, store.owner_id, "seller", status)
    store.owner_id = buyer.id  # an order from before the rule: its buyer now owns the store
    db.session.commit()
    response = api.post(f"/orders/{order.code}/reviews", token=buyer.token, json=[{"product_id": product.id,
                                                                                   "rating": 5}])
    assert_error(response, 403, "forbidden")
    assert api.get(f"/products/{product.id}").get_json()["rating"]["count"] == 0


def test_quantity_over_the_maximum_per_order_is_422_on_its_field(api, buyer, make):
    product = make.product(stock=100)
    error = assert_error(api.put(f"/cart/items/{product.id}", token=buyer.token, json={"quantity": 21}), 422,
                         "validation_error", fields=("quantity",))
    assert "paling banyak 20" in error["fields"]["quantity"]
    assert api.put(f"/cart/items/{product.id}", token=buyer.token, json={"quantity": 20}).status_code == 200
    service = make.product(stock=None)
    assert api.put(f"/cart/items/{service.id}", token=buyer.token, json={"quantity": 50}).status_code == 200


def test_seller_sets_the_maximum_per_order(api, seller):
    body = {"name": "Kue Lapis Legit", "category": "makanan-minuman", "price": 120000, "stock": 30,
            "max_per_order": 3}
    created = api.post("/seller/products", token=seller.token, json=body)
    assert created.status_code == 201 and created.get_json()["max_per_order"] == 3
    product_id = created.get_json()["id"]
    patched = api.patch(f"/seller/products/{product_id}", token=seller.token, json={"max_per_order": None})
    assert patched.get_json()["max_per_order"] is None
    assert_error(api.patch(f"/seller/products/{product_id}", token=seller.token, json={"max_per_order": 0}), 422,
                 "validation_error", fields=("max_per_order",))
    assert_error(api.patch(f"/seller/products/{product_id}", token=seller.token, json={"max_per_order": "5"}), 400,
                 "bad_request", fields=("max_per_order",))


def test_unpaid_value_over_the_limit_is_422_and_names_it(api, buyer, make):
    product = make.product(price=2_600_000, stock=5)
    cart.set_quantity(buyer.id, None, product.id, 2)
    response = api.post("/orders", token=buyer.token, json={"fulfilment": {str(product.store_id): "pickup"}})
    error = assert_error(response, 422, "too_many_pending_orders")
    assert "Rp5.000.000" in error["message"] and "Rp5.200.000" in error["message"]
    assert _orders() == 0 and db.session.get(Product, product.id).stock == 5


def test_four_stores_at_once_are_refused_with_the_true_reason(api, buyer, make):
    items = [make.product() for _ in range(4)]
    for product in items:
        cart.set_quantity(buyer.id, None, product.id, 1)
    response = api.post("/orders", token=buyer.token,
                        json={"fulfilment": {str(p.store_id): "pickup" for p in items}})
    error = assert_error(response, 422, "too_many_pending_orders")
    assert "Checkout ini akan membuat 4 pesanan" in error["message"] and "maksimal 3" in error["message"]
    placed = api.post("/orders", token=buyer.token, json={"store_ids": [p.store_id for p in items[:3]],
                                                          "fulfilment": {str(p.store_id): "pickup" for p in items}})
    assert placed.status_code == 201 and len(placed.get_json()["orders"]) == 3
