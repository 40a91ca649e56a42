"""The order lifecycle (services.orders): every legal and illegal move, stock returned on
cancel, payment on completion, events and notifications, and reviews."""
import threading

import pytest
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import ORDER_STATUSES, Notification, Product, Review, Store, User
from malpro.services import orders
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from tests.order_helpers import event_count, fresh_order, notification_count, place_order

# DOMAIN.md "Order lifecycle", written out independently of services.orders.MOVES:
# (fulfilment, from, who) -> where they may move it.
LEGAL = {
    ("delivery", "pending", "seller"): {"confirmed", "cancelled"},
    ("delivery", "pending", "buyer"): {"cancelled"},
    ("delivery", "confirmed", "seller"): {"shipped", "cancelled"},
    ("delivery", "shipped", "seller"): {"completed", "cancelled"},
    ("pickup", "pending", "seller"): {"confirmed", "cancelled"},
    ("pickup", "pending", "buyer"): {"cancelled"},
    ("pickup", "confirmed", "seller"): {"ready", "cancelled"},
    ("pickup", "ready", "seller"): {"completed", "cancelled"},
}
# How an order of each mode reaches each status (seller moves after placement).
PATHS = {
    "delivery": {"pending": [], "confirmed": ["confirmed"], "shipped": ["confirmed", "shipped"],
                 "completed": ["confirmed", "shipped", "completed"], "cancelled": ["cancelled"]},
    "pickup": {"pending": [], "confirmed": ["confirmed"], "ready": ["confirmed", "ready"],
               "completed": ["confirmed", "ready", "completed"], "cancelled": ["cancelled"]},
}
REACHABLE = [(mode, status) for mode, paths in PATHS.items() for status in paths]


@pytest.fixture
def shop(make):
    store = make.store(delivery_fee=5000)
    return {
        "store": store,
        "seller": store.owner,
        "buyer": make.user(email="pembeli@example.com"),
        "keripik": make.product(store=store, name="Keripik Tempe", price=15000, stock=10),
        "jasa": make.product(store=store, name="Jasa Jahit", price=50000, stock=None),
    }


def _order(shop, mode="delivery", at="pending", buyer=None):
    order = place_order(buyer or shop["buyer"], (shop["keripik"], 2), (shop["jasa"], 1), mode=mode)
    for step in PATHS[mode][at]:
        orders.move(order.code, shop["seller"].id, "seller", step, "alasan uji" if step == "cancelled" else None)
    return fresh_order(order.id)


def _actor(shop, role):
    return shop["seller"].id if role == "seller" else shop["buyer"].id


def _stock(product):
    return db.session.get(Product, product.id).stock


@pytest.mark.parametrize("mode,start,role,to", [
    (mode, start, role, to) for (mode, start, role), targets in LEGAL.items() for to in sorted(targets)])
def test_every_legal_move(app, shop, mode, start, role, to):
    order = _order(shop, mode, start)
    before_events = event_count(order.id)
    note = "Stok bahan habis" if to == "cancelled" else None
    moved = orders.move(order.code, _actor(shop, role), role, to, note)
    assert moved.status == to
    order = fresh_order(order.id)
    assert order.status == to
    assert event_count(order.id) == before_events + 1
    last = order.events[-1]
    assert (last.status, last.actor_id, last.note) == (to, _actor(shop, role), note)


@pytest.mark.parametrize("mode,start", REACHABLE)
def test_every_illegal_move_is_refused_and_changes_nothing(app, shop, mode, start):
    order = _order(shop, mode, start)
    snapshot = (order.status, order.updated_at, order.cancel_reason, order.paid_at, order.completed_at)
    events, stock = event_count(order.id), _stock(shop["keripik"])
    notes = {role: notification_count(_actor(shop, other))
             for role, other in (("seller", "buyer"), ("buyer", "seller"))}
    tried = 0
    for role in ("seller", "buyer"):
        for to in ORDER_STATUSES:
            if to in LEGAL.get((mode, start, role), set()):
                continue
            with pytest.raises(ConflictError):
                orders.move(order.code, _actor(shop, role), role, to, "alasan apa pun")
            db.session.rollback()
            tried += 1
            order = fresh_order(order.id)
            assert (order.status, order.updated_at, order.cancel_reason, order.paid_at,
                    order.completed_at) == snapshot, (role, to)
            assert event_count(order.id) == events and _stock(shop["keripik"]) == stock
    for role, other in (("seller", "buyer"), ("buyer", "seller")):
        assert notification_count(_actor(shop, other)) == notes[role]
    assert tried >= 9


def test_named_illegal_moves(app, shop):
    pending = _order(shop, "delivery")
    with pytest.raises(ConflictError):  # a buyer cannot confirm their own order
        orders.move(pending.code, shop["buyer"].id, "buyer", "confirmed")
    with pytest.raises(ConflictError):  # payment is only taken on delivery or collection
        orders.move(pending.code, shop["seller"].id, "seller", "completed")
    pickup = _order(shop, "pickup", "confirmed", buyer=shop["buyer"])
    with pytest.raises(ConflictError):  # a pickup order is never shipped
        orders.move(pickup.code, shop["seller"].id, "seller", "shipped")
    delivery = _order(shop, "delivery", "confirmed", buyer=shop["buyer"])
    with pytest.raises(ConflictError):  # a delivery order is never "ready for pickup"
        orders.move(delivery.code, shop["seller"].id, "seller", "ready")
    with pytest.raises(ConflictError):  # the buyer cannot cancel once the seller accepted
        orders.move(delivery.code, shop["buyer"].id, "buyer", "cancelled")


def test_unknown_status_is_a_validation_error(app, shop):
    order = _order(shop)
    with pytest.raises(ValidationError) as error:
        orders.move(order.code, shop["seller"].id, "seller", "paid")
    assert "status" in error.value.fields
    assert fresh_order(order.id).status == "pending"


def test_someone_elses_order_is_not_found(app, shop, make):
    order = _order(shop)
    stranger = make.user(email="orang-lain@example.com")
    other_seller = make.store(owner=make.user(email="penjual-lain@example.com")).owner
    with pytest.raises(NotFoundError):
        orders.move(order.code, stranger.id, "buyer", "cancelled")
    with pytest.raises(NotFoundError):
        orders.move(order.code, other_seller.id, "seller", "confirmed")
    with pytest.raises(NotFoundError):  # the buyer is not the seller of their own order
        orders.move(order.code, shop["buyer"].id, "seller", "confirmed")
    with pytest.raises(NotFoundError):
        orders.order_for_buyer(order.code, stranger.id)
    with pytest.raises(NotFoundError):
        orders.order_for_seller(order.code, other_seller.id)
    assert fresh_order(order.id).status == "pending"


def test_allowed_moves_follow_the_mode(app, shop):
    delivery, pickup = _order(shop, "delivery", "confirmed"), _order(shop, "pickup", "confirmed")
    assert orders.allowed_moves(delivery, "seller") == ["shipped", "cancelled"]
    assert orders.allowed_moves(pickup, "seller") == ["ready", "cancelled"]
    assert orders.allowed_moves(delivery, "buyer") == []
    assert orders.allowed_moves(_order(shop, "pickup", "completed"), "seller") == []


@pytest.mark.parametrize("start,role", [("pending", "buyer"), ("pending", "seller"), ("confirmed", "seller"),
                                        ("shipped", "seller")])
def test_cancel_returns_stock_and_unlimited_stays_unlimited(app, shop, start, role):
    assert _stock(shop["keripik"]) == 10
    order = _order(shop, "delivery", start)
    assert _stock(shop["keripik"]) == 8 and _stock(shop["jasa"]) is None
    orders.move(order.code, _actor(shop, role), role, "cancelled", "Pembeli tidak di rumah")
    assert _stock(shop["keripik"]) == 10 and _stock(shop["jasa"]) is None
    order = fresh_order(order.id)
    assert order.cancel_reason == "Pembeli tidak di rumah" and order.paid_at is None


def test_cancelling_twice_returns_stock_once(app, shop):
    order = _order(shop)
    orders.move(order.code, shop["buyer"].id, "buyer", "cancelled")
    with pytest.raises(ConflictError):
        orders.move(order.code, shop["seller"].id, "seller", "cancelled", "lagi")
    assert _stock(shop["keripik"]) == 10


def test_stock_of_a_deleted_product_is_not_returned(app, shop):
    order = _order(shop)
    db.session.delete(db.session.get(Product, shop["keripik"].id))
    db.session.commit()
    orders.move(order.code, shop["buyer"].id, "buyer", "cancelled")
    assert fresh_order(order.id).status == "cancelled"


@pytest.mark.parametrize("mode", ["delivery", "pickup"])
def test_completing_marks_the_order_paid(app, shop, mode):
    order = _order(shop, mode, "ready" if mode == "pickup" else "shipped")
    assert order.paid_at is None and order.completed_at is None
    orders.move(order.code, shop["seller"].id, "seller", "completed")
    order = fresh_order(order.id)
    assert order.paid_at is not None and order.completed_at == order.paid_at
    assert _stock(shop["keripik"]) == 8  # a completed sale keeps its stock taken


def test_events_keep_who_when_and_why(app, shop):
    order = _order(shop, "pickup")
    orders.move(order.code, shop["seller"].id, "seller", "confirmed", "  Sedang disiapkan  ")
    orders.move(order.code, shop["seller"].id, "seller", "ready", "")
    order = fresh_order(order.id)
    assert [(e.status, e.actor_id, e.note) for e in order.events] == [
        ("pending", shop["buyer"].id, None),
        ("confirmed", shop["seller"].id, "Sedang disiapkan"),
        ("ready", shop["seller"].id, None),
    ]
    assert all(e.created_at is not None for e in order.events)


def test_moves_notify_the_other_side(app, shop):
    order = _order(shop)
    buyer_before = notification_count(shop["buyer"].id)
    orders.move(order.code, shop["seller"].id, "seller", "confirmed", "Diproses hari ini")
    assert notification_count(shop["buyer"].id) == buyer_before + 1
    note = db.session.scalars(select(Notification).where(Notification.user_id == shop["buyer"].id)
                              .order_by(Notification.id.desc())).first()
    assert order.code in note.title and "Diproses" in note.title
    assert note.link == f"/pesanan/{order.code}" and "Diproses hari ini" in note.body

    other = _order(shop, buyer=shop["buyer"])
    seller_before = notification_count(shop["seller"].id)
    orders.move(other.code, shop["buyer"].id, "buyer", "cancelled", "Salah pesan")
    assert notification_count(shop["seller"].id) == seller_before + 1
    note = db.session.scalars(select(Notification).where(Notification.user_id == shop["seller"].id)
                              .order_by(Notification.id.desc())).first()
    assert other.code in note.title and note.link == f"/seller/pesanan/{other.code}"
    assert note.kind == "order.cancelled"


def test_seller_cancel_needs_a_reason_buyer_cancel_does_not(app, shop):
    order = _order(shop)
    for note in (None, "", "   "):
        with pytest.raises(ValidationError) as error:
            orders.move(order.code, shop["seller"].id, "seller", "cancelled", note)
        assert "note" in error.value.fields
    db.session.rollback()
    assert fresh_order(order.id).status == "pending" and _stock(shop["keripik"]) == 8
    assert orders.reason_required("seller", "cancelled") and not orders.reason_required("buyer", "cancelled")
    orders.move(order.code, shop["buyer"].id, "buyer", "cancelled")
    order = fresh_order(order.id)
    assert order.status == "cancelled" and order.cancel_reason is None


def test_note_length_is_limited(app, shop):
    order = _order(shop)
    with pytest.raises(ValidationError):
        orders.move(order.code, shop["seller"].id, "seller", "confirmed", "x" * 1001)
    assert fresh_order(order.id).status == "pending"


def test_price_snapshot_is_kept_after_the_seller_changes_the_price(app, shop):
    order = _order(shop)
    product = db.session.get(Product, shop["keripik"].id)
    product.price, product.name = 20000, "Keripik Tempe Pedas"
    db.session.commit()
    orders.move(order.code, shop["seller"].id, "seller", "confirmed")
    order = orders.order_for_buyer(order.code, shop["buyer"].id)
    item = next(i for i in order.items if i.product_id == shop["keripik"].id)
    assert (item.name, item.price, item.subtotal) == ("Keripik Tempe", 15000, 30000)
    assert (order.subtotal, order.delivery_fee, order.total) == (80000, 5000, 85000)


def test_lists_and_counts(app, shop, make):
    first = _order(shop)
    second = _order(shop, "pickup", "confirmed")
    _order(shop, buyer=make.user(email="lain@example.com"))
    mine = db.session.scalars(orders.buyer_orders(shop["buyer"].id)).all()
    assert [o.id for o in mine] == [second.id, first.id]
    assert [o.id for o in db.session.scalars(orders.buyer_orders(shop["buyer"].id, "confirmed"))] == [second.id]
    pending = db.session.scalars(orders.store_orders(shop["store"].id, "pending")).all()
    assert pending[0].id == first.id and len(pending) == 2  # oldest first: the queue to work through
    counts = orders.status_counts(store_id=shop["store"].id)
    assert counts == {"pending": 2, "confirmed": 1, "shipped": 0, "ready": 0, "completed": 0, "cancelled": 0}
    assert orders.status_counts(buyer_id=shop["buyer"].id)["pending"] == 1


# --- reviews ----------------------------------------------------------------------------

def _review(shop, order, *reviews):
    return orders.add_reviews(order.code, shop["buyer"].id, list(reviews))


@pytest.mark.parametrize("start", ["pending", "confirmed", "shipped", "cancelled"])
def test_reviews_only_after_completion(app, shop, start):
    order = _order(shop, "delivery", start)
    with pytest.raises(ConflictError) as error:
        _review(shop, order, {"product_id": shop["keripik"].id, "rating": 5})
    assert error.value.status == 409
    assert orders.reviewable_items(order) == []
    assert db.session.scalar(select(Review)) is None


def test_review_once_per_product_and_ratings_are_aggregated(app, shop):
    order = _order(shop, "pickup", "completed")
    assert {i.product_id for i in orders.reviewable_items(order)} == {shop["keripik"].id, shop["jasa"].id}
    _review(shop, order, {"product_id": shop["keripik"].id, "rating": 4, "comment": " Renyah "})
    review = db.session.scalar(select(Review))
    assert (review.rating, review.comment, review.user_id, review.store_id) == \
        (4, "Renyah", shop["buyer"].id, shop["store"].id)
    assert [i.product_id for i in orders.reviewable_items(fresh_order(order.id))] == [shop["jasa"].id]

    with pytest.raises(ConflictError) as error:
        _review(shop, order, {"product_id": shop["keripik"].id, "rating": 1})
    assert error.value.status == 409
    with pytest.raises(ConflictError):  # the same product twice in one submission
        _review(shop, order, {"product_id": shop["jasa"].id, "rating": 5},
                {"product_id": shop["jasa"].id, "rating": 5})
    db.session.rollback()

    _review(shop, order, {"product_id": shop["jasa"].id, "rating": 2})
    second = _order(shop, "delivery", "completed")
    _review(shop, second, {"product_id": shop["keripik"].id, "rating": 5})  # another order may rate it again
    db.session.expire_all()
    keripik, jasa = db.session.get(Product, shop["keripik"].id), db.session.get(Product, shop["jasa"].id)
    assert (keripik.rating_count, keripik.rating_sum, keripik.rating_average) == (2, 9, 4.5)
    assert (jasa.rating_count, jasa.rating_sum) == (1, 2)
    store = db.session.get(Store, shop["store"].id)
    assert (store.rating_count, store.rating_sum) == (3, 11)


@pytest.mark.parametrize("rating", [0, 6, -1, None, "5", 4.5, True])
def test_rating_must_be_1_to_5(app, shop, rating):
    order = _order(shop, "pickup", "completed")
    with pytest.raises(ValidationError) as error:
        _review(shop, order, {"product_id": shop["keripik"].id, "rating": rating})
    assert "0.rating" in error.value.fields
    assert db.session.get(Product, shop["keripik"].id).rating_count == 0


@pytest.mark.parametrize("rating", [1, 5])
def test_rating_bounds_are_accepted(app, shop, rating):
    order = _order(shop, "pickup", "completed")
    _review(shop, order, {"product_id": shop["keripik"].id, "rating": rating})
    assert db.session.scalar(select(Review.rating)) == rating


def test_review_of_a_product_not_in_the_order(app, shop, make):
    order = _order(shop, "pickup", "completed")
    elsewhere = make.product(name="Produk Lain")
    with pytest.raises(ValidationError) as error:
        _review(shop, order, {"product_id": elsewhere.id, "rating": 5})
    assert "0.product_id" in error.value.fields
    with pytest.raises(ValidationError):
        _review(shop, order)  # nothing to write
    with pytest.raises(ValidationError) as error:
        _review(shop, order, {"product_id": shop["keripik"].id, "rating": 5, "comment": "x" * 2001})
    assert "0.comment" in error.value.fields
    assert db.session.scalar(select(Review)) is None


def test_another_buyer_cannot_review(app, shop, make):
    order = _order(shop, "pickup", "completed")
    with pytest.raises(NotFoundError):
        orders.add_reviews(order.code, make.user(email="x@example.com").id,
                           [{"product_id": shop["keripik"].id, "rating": 5}])


def test_simultaneous_moves_one_wins_the_other_is_refused(app, shop):
    """The seller accepts while the buyer cancels, each in a request that has already read
    (the user): exactly one move applies and the other is a clean ConflictError, never
    "database is locked"."""
    results = []
    seller_id, buyer_id = shop["seller"].id, shop["buyer"].id
    for _round in range(5):
        order = _order(shop, "pickup")
        code, order_id = order.code, order.id
        db.session.rollback()  # the threads' commits must be visible to this session afterwards
        start = threading.Barrier(2)

        def act(user_id, role, to, code=code, start=start):
            with app.app_context():
                db.session.get(User, user_id)  # as load_user does at the start of a request
                start.wait()
                try:
                    orders.move(code, user_id, role, to)
                    results.append("ok")
                except ConflictError:
                    results.append("conflict")
                except Exception as error:  # noqa: BLE001 (the failure this test is about)
                    results.append(repr(error))
                finally:
                    db.session.remove()

        threads = [threading.Thread(target=act, args=(seller_id, "seller", "confirmed")),
                   threading.Thread(target=act, args=(buyer_id, "buyer", "cancelled"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        order = fresh_order(order_id)
        assert order.status in ("confirmed", "cancelled") and event_count(order_id) == 2, results
        if order.status == "confirmed":  # free the buyer's pending slot for the next round
            orders.move(code, seller_id, "seller", "cancelled", "uji")
        db.session.rollback()
    assert sorted(results) == ["conflict"] * 5 + ["ok"] * 5, results
    assert _stock(shop["keripik"]) == 10
