"""The checkout's limits (issue 15 points 4 and 5, issue 13 point 2): no buying from one's own
store, the maximum per product per order, the value of unpaid orders, and truthful messages."""
import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import CartItem, Order, Product
from malpro.services import cart, checkout, orders, products
from malpro.services.errors import ForbiddenError, TooManyPendingOrdersError, ValidationError
from tests.order_helpers import place_order


def _orders():
    return db.session.scalar(select(func.count()).select_from(Order))


def _cart_lines(user_id):
    return db.session.scalar(select(func.count()).select_from(CartItem).where(CartItem.user_id == user_id))


def _stock(product_id):
    db.session.expire_all()
    return db.session.get(Product, product_id).stock


# --- a store's owner never buys from their own store ----------------------------------------

def test_owner_cannot_put_own_products_in_the_cart(app, make):
    store = make.store()
    product = make.product(store=store)
    with pytest.raises(ForbiddenError, match="toko Anda sendiri"):
        cart.set_quantity(store.owner_id, None, product.id, 1)
    with pytest.raises(ForbiddenError):
        cart.add_to_cart(store.owner_id, None, product.id, 1)
    assert _cart_lines(store.owner_id) == 0
    # Another account may.
    buyer = make.user()
    assert cart.set_quantity(buyer.id, None, product.id, 1) == 1


def test_owner_cannot_order_from_own_store_even_with_a_line_already_in_the_cart(app, make):
    store = make.store()
    product = make.product(store=store, stock=5)
    # A line from before the rule (or written behind the service's back).
    db.session.add(CartItem(user_id=store.owner_id, product_id=product.id, quantity=1))
    db.session.commit()
    group = cart.get_cart(store.owner_id, None).groups[0]
    assert not group.orderable and "toko Anda sendiri" in group.problem
    with pytest.raises(ForbiddenError):
        checkout.place_orders(store.owner_id, "k", {store.id: "pickup"})
    assert _orders() == 0 and _stock(product.id) == 5


def test_guest_cart_merge_leaves_out_the_accounts_own_products(app, make):
    store = make.store()
    own, other = make.product(store=store), make.product()
    cart.merge_guest_cart(store.owner_id, {own.id: 2, other.id: 1})
    lines = dict(db.session.execute(select(CartItem.product_id, CartItem.quantity)
                                    .where(CartItem.user_id == store.owner_id)).all())
    assert lines == {other.id: 1}


def test_owner_cannot_review_own_store_products(app, make):
    buyer = make.user()
    store = make.store(owner=make.user())
    product = make.product(store=store)
    order = place_order(buyer, (product, 1), mode="pickup")
    for status in ("confirmed", "ready", "completed"):
        orders.move(order.code, store.owner_id, "seller", status)
    # An order from before the rule: its buyer is now the store's owner.
    store.owner_id = buyer.id
    db.session.commit()
    assert orders.reviewable_items(db.session.get(Order, order.id)) == []
    with pytest.raises(ForbiddenError, match="tokonya sendiri"):
        orders.add_reviews(order.code, buyer.id, [{"product_id": product.id, "rating": 5}])
    db.session.expire_all()
    assert db.session.get(Product, product.id).rating_count == 0


# --- at most so many of a product per order -------------------------------------------------

def test_limited_stock_products_go_at_most_twenty_per_order_by_default(app, make):
    buyer = make.user()
    product = make.product(stock=500, name="Tempe Mendoan", unit="paket")
    assert cart.set_quantity(buyer.id, None, product.id, 20) == 20
    with pytest.raises(ValidationError, match="paling banyak 20 paket Tempe Mendoan") as refused:
        cart.set_quantity(buyer.id, None, product.id, 21)
    assert "quantity" in refused.value.fields
    with pytest.raises(ValidationError):
        cart.add_to_cart(buyer.id, None, product.id, 1)
    assert cart.get_cart(buyer.id, None).groups[0].lines[0].quantity == 20


def test_the_seller_sets_another_maximum_and_services_have_none(app, make):
    buyer = make.user()
    store = make.store()
    product = products.create_product(store.id, {"name": "Kue Lapis", "category": "makanan-minuman",
                                                  "price": 5000, "stock": 100, "max_per_order": "5"})
    service = make.product(store=store, stock=None, unit="jam")
    with pytest.raises(ValidationError, match="paling banyak 5"):
        cart.set_quantity(buyer.id, None, product.id, 6)
    assert cart.set_quantity(buyer.id, None, product.id, 5) == 5
    assert cart.set_quantity(buyer.id, None, service.id, 50) == 50
    products.update_product(store.id, product.id, {"max_per_order": 40})
    assert cart.set_quantity(buyer.id, None, product.id, 40) == 40


@pytest.mark.parametrize("value", [0, -1, 1000, "banyak", 2.5, True])
def test_a_bad_maximum_is_refused_on_its_field(app, make, value):
    store = make.store()
    with pytest.raises(ValidationError) as refused:
        products.create_product(store.id, {"name": "Kue Lapis", "category": "makanan-minuman", "price": 5000,
                                           "stock": 10, "max_per_order": value})
    assert "max_per_order" in refused.value.fields
    assert db.session.scalar(select(func.count()).select_from(Product)) == 0


def test_checkout_refuses_a_line_over_a_maximum_lowered_after_it_was_carted(app, make):
    buyer = make.user()
    product = make.product(stock=50, max_per_order=10)
    cart.set_quantity(buyer.id, None, product.id, 10)
    product.max_per_order = 4
    db.session.commit()
    with pytest.raises(ValidationError, match="paling banyak 4"):
        checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})
    assert _orders() == 0 and _stock(product.id) == 50 and _cart_lines(buyer.id) == 1


def test_guest_cart_merge_is_capped_at_the_maximum(app, make):
    buyer = make.user()
    product = make.product(stock=100)
    cart.merge_guest_cart(buyer.id, {product.id: 35})
    assert cart.get_cart(buyer.id, None).groups[0].lines[0].quantity == 20


# --- the value of unpaid orders ----------------------------------------------------------------

def test_unpaid_orders_are_worth_at_most_five_million_together(app, make):
    buyer = make.user()
    store = make.store(delivery_fee=10000)
    tv = make.product(store=store, price=4_990_000, stock=3)
    cart.set_quantity(buyer.id, None, tv.id, 1)
    # Rp4.990.000 + Rp10.000 delivery = exactly the limit: allowed.
    place_order(buyer, (tv, 1), mode="delivery")
    small = make.product(price=1000, stock=5)
    cart.set_quantity(buyer.id, None, small.id, 1)
    with pytest.raises(TooManyPendingOrdersError) as refused:
        checkout.place_orders(buyer.id, "k2", {small.store_id: "pickup"})
    message = refused.value.message
    assert "Rp5.000.000" in message and "Rp5.000.000" in message and "Rp1.000" in message
    assert refused.value.code == "too_many_pending_orders"
    assert _orders() == 1 and _stock(small.id) == 5


def test_a_single_checkout_over_the_value_is_refused_and_names_the_limit(app, make):
    buyer = make.user()
    a = make.product(price=3_000_000, stock=5)
    b = make.product(price=2_500_000, stock=5)
    cart.set_quantity(buyer.id, None, a.id, 1)
    cart.set_quantity(buyer.id, None, b.id, 1)
    with pytest.raises(TooManyPendingOrdersError, match=r"maksimal Rp5\.000\.000.*Checkout ini bernilai Rp5\.500\.000"):
        checkout.place_orders(buyer.id, "k", {a.store_id: "pickup", b.store_id: "pickup"})
    assert _orders() == 0 and _stock(a.id) == 5 and _stock(b.id) == 5
    # One store alone fits.
    checkout.place_orders(buyer.id, "k2", {a.store_id: "pickup"}, store_ids=[a.store_id])
    assert _orders() == 1


def test_cancelled_and_paid_orders_do_not_count_and_completed_ones_raise_the_limit(app, make):
    buyer = make.user()
    product = make.product(price=4_000_000, stock=10)
    first = place_order(buyer, (product, 1), mode="pickup")
    guard = checkout.guard_for(buyer.id)
    assert (guard.pending, guard.unpaid_value, guard.max_value, guard.trusted) == (1, 4_000_000, 5_000_000, False)
    orders.move(first.code, buyer.id, "buyer", "cancelled")
    assert checkout.guard_for(buyer.id).unpaid_value == 0
    second = place_order(buyer, (product, 1), mode="pickup")
    for status in ("confirmed", "ready", "completed"):
        orders.move(second.code, product.store.owner_id, "seller", status)
    guard = checkout.guard_for(buyer.id)
    assert (guard.pending, guard.unpaid_value, guard.max_value, guard.trusted) == (0, 0, 15_000_000, True)
    cart.set_quantity(buyer.id, None, product.id, 3)  # Rp12.000.000: over 5 million, under 15 million
    checkout.place_orders(buyer.id, "k3", {product.store_id: "pickup"})
    assert checkout.guard_for(buyer.id).unpaid_value == 12_000_000


def test_value_limits_are_configurable(app, make):
    app.config.update(MAX_UNPAID_ORDER_VALUE=50_000)
    buyer = make.user()
    product = make.product(price=30_000, stock=10)
    cart.set_quantity(buyer.id, None, product.id, 2)
    with pytest.raises(TooManyPendingOrdersError, match=r"Rp50\.000"):
        checkout.place_orders(buyer.id, "k", {product.store_id: "pickup"})


# --- the pending count, told truthfully ---------------------------------------------------------

def test_a_new_buyer_with_four_stores_is_told_what_is_true(app, make):
    buyer = make.user()
    items = [make.product() for _ in range(4)]
    for product in items:
        cart.set_quantity(buyer.id, None, product.id, 1)
    with pytest.raises(TooManyPendingOrdersError) as refused:
        checkout.place_orders(buyer.id, "k", {p.store_id: "pickup" for p in items})
    message = refused.value.message
    assert "Checkout ini akan membuat 4 pesanan" in message and "maksimal 3" in message
    assert "Hapus centang toko sampai tersisa 3" in message
    assert "0 pesanan" not in message and "sudah punya" not in message
    assert _orders() == 0


def test_a_buyer_with_pending_orders_is_told_how_many_remain(app, make):
    buyer = make.user()
    items = [make.product() for _ in range(4)]
    place_order(buyer, (items[0], 1), mode="pickup")
    place_order(buyer, (items[1], 1), mode="pickup")
    for product in items[2:]:
        cart.set_quantity(buyer.id, None, product.id, 1)
    with pytest.raises(TooManyPendingOrdersError) as refused:
        checkout.place_orders(buyer.id, "k", {p.store_id: "pickup" for p in items[2:]})
    message = refused.value.message
    assert "akan membuat 2 pesanan" in message and "sudah punya 2 pesanan" in message
    assert "tersisa 1" in message


def test_summary_follows_the_chosen_stores_and_modes(app, make):
    buyer = make.user()
    cod = make.store(delivery_fee=8000)
    other = make.store(delivery_fee=5000)
    a = make.product(store=cod, price=20000)
    b = make.product(store=other, price=10000)
    cart.set_quantity(buyer.id, None, a.id, 2)
    cart.set_quantity(buyer.id, None, b.id, 1)
    buyer_cart = cart.get_cart(buyer.id, None)
    everything = checkout.summarize(buyer_cart, buyer.id, None, {cod.id: "delivery", other.id: "delivery"})
    assert everything.total == 40000 + 8000 + 10000 + 5000 and everything.fees == 13000
    pickup = checkout.summarize(buyer_cart, buyer.id, None, {cod.id: "delivery", other.id: "pickup"})
    assert pickup.total == 48000 + 10000
    one = checkout.summarize(buyer_cart, buyer.id, {cod.id}, {cod.id: "delivery"})
    assert one.total == 48000 and [s.chosen for s in one.stores] == [True, False]
    assert one.warnings == []
