"""services.payments: the store's QRIS (audit, notification and email, nothing saved on a
refusal), the payment states and their events, the "paid first" rule of QRIS orders, refunds,
and the unpaid-order expiry."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Order, OrderEvent, Product, StoreQrisChange
from malpro.services import cart, checkout, orders, payments
from malpro.services.errors import ConflictError, NotFoundError, ValidationError
from tests.order_helpers import fresh_order
from tests.qris_helpers import static_payload


@pytest.fixture
def shop(make):
    store = make.store(name="Keripik Bu Sri")
    return {"store": store, "seller": store.owner, "buyer": make.user(name="Budi"),
            "keripik": make.product(store=store, price=20000, stock=5)}


def _qris_order(shop, mode="pickup", quantity=1):
    cart.set_quantity(shop["buyer"].id, None, shop["keripik"].id, quantity)
    [order] = checkout.place_orders(shop["buyer"].id, checkout.new_checkout_key(), {shop["store"].id: mode},
                                    store_ids=[shop["store"].id], payment={shop["store"].id: "qris"})
    return order


def test_changing_the_qris_emails_the_seller(app, make, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    store = make.store(owner=make.user(email="sri@example.com"))
    payments.set_store_qris(store.owner_id, static_payload(name="SRI"), remote_addr="10.0.0.7")
    [message] = smtp_server.messages
    assert message["Subject"] == "[Malpro] QRIS toko Anda diubah"
    assert "SRI" in message.get_content() and "ganti kata sandi" in message.get_content()
    [change] = db.session.scalars(select(StoreQrisChange)).all()
    assert (change.action, change.remote_addr) == ("added", "10.0.0.7")
    # The same QRIS again changes nothing and warns nobody.
    payments.set_store_qris(store.owner_id, static_payload(name="SRI"))
    assert len(smtp_server.messages) == 1
    assert db.session.scalar(select(func.count()).select_from(StoreQrisChange)) == 1


def test_a_refused_qris_leaves_the_old_one(shop):
    payments.set_store_qris(shop["seller"].id, static_payload(name="LAMA"))
    with pytest.raises(ValidationError) as caught:
        payments.set_store_qris(shop["seller"].id, static_payload(t53="840"))
    assert "Rupiah" in caught.value.fields["qris"]
    db.session.expire_all()
    assert shop["store"].qris_merchant_name == "LAMA"
    with pytest.raises(NotFoundError):
        payments.remove_store_qris(shop["buyer"].id)


def test_checkout_refuses_qris_where_the_store_has_none_and_writes_nothing(shop):
    cart.set_quantity(shop["buyer"].id, None, shop["keripik"].id, 1)
    with pytest.raises(ValidationError) as caught:
        checkout.place_orders(shop["buyer"].id, "k1", {shop["store"].id: "pickup"},
                              payment={shop["store"].id: "qris"})
    assert f"payment.{shop['store'].id}" in caught.value.fields
    with pytest.raises(ValidationError):
        checkout.place_orders(shop["buyer"].id, "k2", {shop["store"].id: "pickup"},
                              payment={shop["store"].id: "bitcoin"})
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0
    assert db.session.get(Product, shop["keripik"].id).stock == 5


def test_a_placed_orders_qris_survives_a_change_of_the_stores_qris(shop):
    payments.set_store_qris(shop["seller"].id, static_payload(name="ASLI"))
    order = _qris_order(shop)
    payments.set_store_qris(shop["seller"].id, static_payload(name="PENCURI"))
    order = fresh_order(order.id)
    assert order.qris_merchant_name == "ASLI" and "PENCURI" not in order.qris_payload


def test_payment_moves_are_events_and_wrong_states_are_conflicts(shop):
    payments.set_store_qris(shop["seller"].id, static_payload())
    order = _qris_order(shop)
    with pytest.raises(ConflictError):
        payments.decide(order.code, shop["seller"].id, True)
    with pytest.raises(NotFoundError):
        payments.claim(order.code, shop["seller"].id)  # not the buyer
    payments.claim(order.code, shop["buyer"].id)
    with pytest.raises(ConflictError):
        orders.move(order.code, shop["seller"].id, "seller", "completed")
    orders.move(order.code, shop["seller"].id, "seller", "confirmed")
    assert orders.allowed_moves(fresh_order(order.id), "seller") == ["cancelled"]
    with pytest.raises(ConflictError, match="setelah pembayaran diterima"):
        orders.move(order.code, shop["seller"].id, "seller", "ready")
    payments.decide(order.code, shop["seller"].id, True)
    assert orders.allowed_moves(fresh_order(order.id), "seller") == ["ready", "cancelled"]
    with pytest.raises(ConflictError):
        payments.mark_refunded(order.code, shop["seller"].id)
    events = db.session.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id)
                                .order_by(OrderEvent.id)).all()
    assert [(e.status, e.payment_status) for e in events] == [
        ("pending", None), ("pending", "claimed"), ("confirmed", None), ("confirmed", "paid")]


def test_buyer_cancels_a_paid_pending_order_then_the_refund(shop):
    payments.set_store_qris(shop["seller"].id, static_payload())
    order = _qris_order(shop)
    payments.claim(order.code, shop["buyer"].id)
    payments.decide(order.code, shop["seller"].id, True)
    orders.move(order.code, shop["buyer"].id, "buyer", "cancelled")
    assert fresh_order(order.id).payment_status == "refund_due"
    payments.mark_refunded(order.code, shop["seller"].id, "Dikembalikan lewat DANA")
    order = fresh_order(order.id)
    assert order.payment_status == "refunded" and order.events[-1].note == "Dikembalikan lewat DANA"


def test_a_claim_on_an_order_cancelled_meanwhile_is_answered_by_the_seller(shop):
    payments.set_store_qris(shop["seller"].id, static_payload())
    order = _qris_order(shop)
    payments.claim(order.code, shop["buyer"].id)
    orders.move(order.code, shop["seller"].id, "seller", "cancelled", "Habis")
    assert fresh_order(order.id).payment_status == "claimed"
    payments.decide(order.code, shop["seller"].id, True)
    assert fresh_order(order.id).payment_status == "refund_due"


def test_expiry_counts_from_the_last_claim_and_the_configured_hours(app, shop):
    payments.set_store_qris(shop["seller"].id, static_payload())
    order = _qris_order(shop, quantity=2)
    payments.claim(order.code, shop["buyer"].id)
    payments.decide(order.code, shop["seller"].id, False)  # back to unpaid after a claim just now
    long_ago = fresh_order(order.id).created_at - timedelta(hours=30)
    db.session.execute(Order.__table__.update().where(Order.id == order.id).values(created_at=long_ago))
    db.session.commit()
    assert payments.expire_unpaid() == []  # the claim was recent
    two_hours_ago = fresh_order(order.id).payment_claimed_at - timedelta(hours=2)
    db.session.execute(Order.__table__.update().where(Order.id == order.id).values(payment_claimed_at=two_hours_ago))
    db.session.commit()
    assert payments.expire_unpaid() == []  # 24 hours by default
    app.config["QRIS_UNPAID_EXPIRY_HOURS"] = 1
    assert payments.expire_unpaid() == [order.code]
    assert payments.expire_unpaid() == []
    assert db.session.get(Product, shop["keripik"].id).stock == 5
