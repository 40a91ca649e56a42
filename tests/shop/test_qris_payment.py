"""Cashless payment with each store's own QRIS, through the web pages: the store adds its QRIS
by image (check, confirm, audit, notification), the buyer checks out one QRIS and one cash
order, sees the order's QR (it decodes to the order total with a right CRC), saves it as a PNG,
claims payment with a proof, the seller confirms and completes; the lifecycle rules, the
expiry command, and who may see the proof."""
import io
import re
from datetime import timedelta

import crcmod.predefined
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Notification, Order, Product, StoreQrisChange
from malpro.services import cart, orders, payments, qris
from tests.factories import PASSWORD
from tests.order_helpers import ADDRESS, fresh_order, place_order
from tests.qris_helpers import NMID, qr_png, static_payload

crc_ccitt_false = crcmod.predefined.mkCrcFun("crc-ccitt-false")


@pytest.fixture
def shop(make):
    qris_store = make.store(name="Keripik Bu Sri", delivery_fee=7000)
    cash_store = make.store(name="Batik Celaket")
    return {
        "store": qris_store, "seller": qris_store.owner,
        "cash_store": cash_store, "cash_seller": cash_store.owner,
        "buyer": make.user(email="pembeli@example.com", name="Budi Pembeli", phone="6281277778888"),
        "other_buyer": make.user(email="lain@example.com"),
        "admin": make.admin(email="admin@example.com"),
        "keripik": make.product(store=qris_store, name="Keripik Tempe", price=15000, stock=10),
        "batik": make.product(store=cash_store, name="Batik Tulis", price=300000, stock=3),
    }


def login(client, user):
    client.post("/auth/logout")
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def text(response) -> str:
    return response.get_data(as_text=True)


def png_bytes(color="white") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 64), color).save(out, "PNG")
    return out.getvalue()


def give_qris(shop, name="KERIPIK BU SRI"):
    payments.set_store_qris(shop["seller"].id, static_payload(name=name))


def qris_order(shop, quantity=2, mode="delivery"):
    cart.set_quantity(shop["buyer"].id, None, shop["keripik"].id, quantity)
    from malpro.services import checkout
    [order] = checkout.place_orders(shop["buyer"].id, checkout.new_checkout_key(), {shop["store"].id: mode},
                                    address=ADDRESS if mode == "delivery" else None, store_ids=[shop["store"].id],
                                    payment={shop["store"].id: "qris"})
    return order


# --- the store's QRIS -----------------------------------------------------------------------

def test_seller_adds_qris_by_image_after_confirming_what_it_says(client, shop):
    login(client, shop["seller"])
    payload = static_payload(name="KERIPIK BU SRI", city="KOTA MALANG")
    page = client.post("/seller/toko/qris", data={"image": (io.BytesIO(qr_png(payload)), "qris.png")},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    html = text(page)
    assert "KERIPIK BU SRI" in html and NMID in html and "KOTA MALANG" in html
    db.session.expire_all()
    assert shop["store"].qris_payload is None  # nothing saved before the seller confirms

    saved = client.post("/seller/toko/qris/simpan", data={"payload": payload})
    assert saved.status_code == 303
    db.session.expire_all()
    store = shop["store"]
    assert (store.qris_payload, store.qris_merchant_name, store.qris_nmid, store.qris_city) == (
        payload, "KERIPIK BU SRI", NMID, "KOTA MALANG")
    [change] = store.qris_changes
    assert (change.action, change.actor_id, change.nmid) == ("added", shop["seller"].id, NMID)
    titles = db.session.scalars(select(Notification.title).where(Notification.user_id == shop["seller"].id)).all()
    assert "QRIS toko Anda diubah" in titles
    assert "KERIPIK BU SRI" in text(client.get("/seller/toko"))

    # Changing and removing are kept in the trail too; an admin sees the history.
    client.post("/seller/toko/qris/simpan", data={"payload": static_payload(name="BARU")})
    client.post("/seller/toko/qris/hapus")
    db.session.expire_all()
    assert [c.action for c in store.qris_changes] == ["added", "changed", "removed"]
    assert store.qris_payload is None
    login(client, shop["admin"])
    admin_page = text(client.get(f"/admin/toko/{store.id}"))
    assert "QRIS diganti" in admin_page and "QRIS dihapus" in admin_page and NMID in admin_page


@pytest.mark.parametrize("data, reason", [
    ({"payload": static_payload(t01="12")}, "QRIS ini sudah berisi nominal (QRIS dinamis)"),
    ({"payload": "https://example.com"}, "QR ini bukan QRIS"),
    ({"image": (io.BytesIO(png_bytes()), "kosong.png")}, "Gambar tidak terbaca, foto ulang lebih dekat dan terang"),
])
def test_a_bad_qris_is_refused_in_plain_words_and_nothing_is_saved(client, shop, data, reason):
    login(client, shop["seller"])
    for url in ("/seller/toko/qris", "/seller/toko/qris/simpan"):
        if url.endswith("simpan") and "image" in data:
            continue
        response = client.post(url, data=data, content_type="multipart/form-data", follow_redirects=True)
        assert reason in text(response)
    db.session.expire_all()
    assert shop["store"].qris_payload is None
    assert db.session.scalar(select(func.count()).select_from(StoreQrisChange)) == 0


# --- checkout and paying ------------------------------------------------------------------------

def test_checkout_offers_qris_only_where_the_store_has_one(client, shop):
    give_qris(shop)
    login(client, shop["buyer"])
    cart.set_quantity(shop["buyer"].id, None, shop["keripik"].id, 1)
    cart.set_quantity(shop["buyer"].id, None, shop["batik"].id, 1)
    html = text(client.get("/checkout"))
    assert f'name="payment-{shop["store"].id}" value="qris"' in html
    assert f'name="payment-{shop["cash_store"].id}" value="qris"' not in html
    assert "Malpro tidak menerima atau menyimpan uang" in html


def test_the_whole_flow_one_qris_and_one_cash_order(client, shop):
    give_qris(shop)
    cart.set_quantity(shop["buyer"].id, None, shop["keripik"].id, 2)
    cart.set_quantity(shop["buyer"].id, None, shop["batik"].id, 1)
    login(client, shop["buyer"])
    form = text(client.get("/checkout"))
    key = re.search(r'name="checkout_key"[^>]*value="([^"]+)"', form) or re.search(
        r'value="([^"]+)"[^>]*name="checkout_key"', form)
    store_id, cash_id = shop["store"].id, shop["cash_store"].id
    placed = client.post("/checkout", data={
        "checkout_key": key.group(1), "store": [str(store_id), str(cash_id)],
        f"fulfilment-{store_id}": "delivery", f"fulfilment-{cash_id}": "pickup",
        f"payment-{store_id}": "qris", f"payment-{cash_id}": "cash",
        **{k: v for k, v in ADDRESS.items()}})
    assert placed.status_code == 302, text(placed)[:2000]
    qris_order_ = db.session.scalar(select(Order).where(Order.store_id == store_id))
    cash_order = db.session.scalar(select(Order).where(Order.store_id == cash_id))
    assert (qris_order_.payment_method, qris_order_.payment_status) == ("qris", "unpaid")
    assert (cash_order.payment_method, cash_order.qris_payload) == ("cash", None)
    assert qris_order_.total == 2 * 15000 + 7000

    # The order page: the order's QR (inline SVG), merchant name, amount, "Simpan gambar QRIS".
    page = text(client.get(f"/pesanan/{qris_order_.code}"))
    assert "<svg" in page and "KERIPIK BU SRI" in page and "Rp37.000" in page and "Simpan gambar QRIS" in page
    assert "<svg" not in text(client.get(f"/pesanan/{cash_order.code}")).split("order-payment")[-1][:3000]
    png = client.get(f"/pesanan/{qris_order_.code}/qris.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert "attachment" in png.headers["Content-Disposition"]
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))[0].text
    tags = dict(qris.parse_tlv(decoded))
    assert tags["54"] == str(qris_order_.total) and tags["01"] == "12"
    assert f"{crc_ccitt_false(decoded[:-4].encode()):04X}" == decoded[-4:]
    assert dict(qris.parse_tlv(tags["62"]))["01"] == qris_order_.code

    # Shipped before paid: refused, nothing changes.
    orders.move(qris_order_.code, shop["seller"].id, "seller", "confirmed")
    login(client, shop["seller"])
    refused = client.post(f"/seller/pesanan/{qris_order_.code}/status", data={"status": "shipped"})
    assert refused.status_code == 422 and "setelah pembayaran diterima" in text(refused)
    assert fresh_order(qris_order_.id).status == "confirmed"

    # The buyer claims with a proof; the seller sees it and confirms.
    login(client, shop["buyer"])
    claimed = client.post(f"/pesanan/{qris_order_.code}/bayar",
                          data={"proof": (io.BytesIO(png_bytes("green")), "bukti.png")},
                          content_type="multipart/form-data")
    assert claimed.status_code == 303
    order = fresh_order(qris_order_.id)
    assert order.payment_status == "claimed" and order.payment_proof_path.startswith("proofs/")
    assert client.get(f"/pesanan/{order.code}/bukti").status_code == 200
    assert client.get(f"/media/{order.payment_proof_path}").status_code == 404  # never public

    login(client, shop["seller"])
    board = text(client.get("/seller/pesanan?status=confirmed"))
    assert "Menunggu konfirmasi penjual" in board and "Pembayaran diterima" in board
    assert client.get(f"/pesanan/{order.code}/bukti").status_code == 200
    client.post(f"/seller/pesanan/{order.code}/pembayaran", data={"received": "1"})
    assert fresh_order(order.id).payment_status == "paid"
    client.post(f"/seller/pesanan/{order.code}/status", data={"status": "shipped"})
    client.post(f"/seller/pesanan/{order.code}/status", data={"status": "completed"})
    order = fresh_order(order.id)
    assert (order.status, order.payment_status) == ("completed", "paid")
    detail = text(client.get(f"/seller/pesanan/{order.code}"))
    assert "Pembayaran: Menunggu konfirmasi penjual" in detail and "Pembayaran: Lunas" in detail

    # The cash order completes as before and is paid on completion.
    login(client, shop["cash_seller"])
    for step in ("confirmed", "ready", "completed"):
        client.post(f"/seller/pesanan/{cash_order.code}/status", data={"status": step})
    assert fresh_order(cash_order.id).payment_status == "paid"


def test_seller_says_not_received_and_the_buyer_can_claim_again(client, shop):
    give_qris(shop)
    order = qris_order(shop)
    payments.claim(order.code, shop["buyer"].id)
    login(client, shop["seller"])
    client.post(f"/seller/pesanan/{order.code}/pembayaran", data={"received": "0"})
    assert fresh_order(order.id).payment_status == "unpaid"
    titles = db.session.scalars(select(Notification.title).where(Notification.user_id == shop["buyer"].id)).all()
    assert any("belum diterima" in t for t in titles)
    login(client, shop["buyer"])
    client.post(f"/pesanan/{order.code}/bayar")
    assert fresh_order(order.id).payment_status == "claimed"
    # A second claim while claimed is refused and changes nothing.
    response = client.post(f"/pesanan/{order.code}/bayar", follow_redirects=True)
    assert "tidak dapat dikonfirmasi lagi" in text(response)


def test_proof_is_404_to_another_buyer_and_another_seller_and_shown_to_admins(client, shop):
    give_qris(shop)
    order = qris_order(shop)
    login(client, shop["buyer"])
    client.post(f"/pesanan/{order.code}/bayar", data={"proof": (io.BytesIO(png_bytes()), "b.png")},
                content_type="multipart/form-data")
    for user in (shop["other_buyer"], shop["cash_seller"]):
        login(client, user)
        assert client.get(f"/pesanan/{order.code}/bukti").status_code == 404
        assert client.get(f"/pesanan/{order.code}/qris.png").status_code == 404
    login(client, shop["admin"])
    assert client.get(f"/pesanan/{order.code}/bukti").status_code == 200


def test_a_paid_order_cancelled_needs_a_refund_until_the_seller_marks_it(client, shop):
    give_qris(shop)
    order = qris_order(shop)
    payments.claim(order.code, shop["buyer"].id)
    payments.decide(order.code, shop["seller"].id, True)
    orders.move(order.code, shop["seller"].id, "seller", "cancelled", "Stok rusak")
    assert fresh_order(order.id).payment_status == "refund_due"
    login(client, shop["buyer"])
    assert "Dana perlu dikembalikan" in text(client.get(f"/pesanan/{order.code}"))
    login(client, shop["seller"])
    assert "Dana perlu dikembalikan" in text(client.get(f"/seller/pesanan/{order.code}"))
    client.post(f"/seller/pesanan/{order.code}/dana-kembali", data={"note": "Transfer balik BCA"})
    assert fresh_order(order.id).payment_status == "refunded"
    assert "Dana perlu dikembalikan" not in text(client.get(f"/seller/pesanan/{order.code}"))


# --- expiry -------------------------------------------------------------------------------------

def test_expire_unpaid_cancels_and_returns_stock_exactly_once(app, runner, shop):
    app.config["MAX_PENDING_ORDERS"] = 10
    give_qris(shop)
    stale = qris_order(shop, quantity=3)
    claimed = qris_order(shop, quantity=1)
    payments.claim(claimed.code, shop["buyer"].id)
    fresh = qris_order(shop, quantity=1)
    cash = place_order(shop["buyer"], (shop["batik"], 1))
    past = fresh_order(stale.id).created_at - timedelta(hours=25)
    db.session.execute(Order.__table__.update().where(Order.id.in_([stale.id, claimed.id, cash.id]))
                       .values(created_at=past))
    db.session.execute(Order.__table__.update().where(Order.id == claimed.id).values(payment_claimed_at=past))
    db.session.commit()
    assert db.session.get(Product, shop["keripik"].id).stock == 10 - 3 - 1 - 1

    for expected in ("1 pesanan QRIS dibatalkan", "0 pesanan QRIS dibatalkan"):
        result = runner.invoke(args=["expire-unpaid"])
        assert result.exit_code == 0 and expected in result.output

    db.session.expire_all()
    assert fresh_order(stale.id).status == "cancelled"
    assert "tidak diterima dalam 24 jam" in fresh_order(stale.id).cancel_reason
    assert fresh_order(claimed.id).status == "pending"  # claimed: the seller must answer first
    assert fresh_order(fresh.id).status == "pending"
    assert fresh_order(cash.id).status == "pending"
    assert db.session.get(Product, shop["keripik"].id).stock == 10 - 1 - 1  # returned once
    for user in (shop["buyer"], shop["seller"]):
        assert db.session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == user.id, Notification.kind == "order.expired")) == 1
