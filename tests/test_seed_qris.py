"""seed-demo's QRIS part (malpro/seed_qris.py): a few stores with a valid QRIS and paid QRIS
orders, idempotent; the dashboard, the ASN report and /transparansi show the cashless share."""
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Order, Store
from malpro.services import qris, reports


def test_seed_demo_gives_stores_a_qris_and_paid_qris_orders(runner, client, make):
    assert runner.invoke(args=["seed-demo", "--stores", "8", "--products", "40"]).exit_code == 0
    stores = list(db.session.scalars(select(Store).where(Store.qris_payload.is_not(None))))
    assert len(stores) == 3
    for store in stores:
        assert qris.parse_static(store.qris_payload).nmid == store.qris_nmid
        assert [c.action for c in store.qris_changes] == ["added"]
    paid_qris = list(db.session.scalars(select(Order).where(Order.payment_method == "qris",
                                                            Order.payment_status == "paid")))
    assert len(paid_qris) >= 5
    for order in paid_qris:
        assert qris.amount_of(order.qris_payload) == order.total and order.status == "completed"
    count = db.session.scalar(select(func.count()).select_from(Order))
    assert runner.invoke(args=["seed-demo", "--stores", "8", "--products", "40"]).exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == count

    figures = reports.transparency()
    assert 0 < figures.cashless_share < 1
    assert any(0 < m["cashless_share"] < 1 for m in figures.series)
    page = client.get("/transparansi").get_data(as_text=True)
    assert f"{round(100 * figures.cashless_share, 1)}%" in page and "nontunai" in page

    client.post("/auth/login", data={"email": "admin@demo.malpro.id", "password": "malpro-admin"})
    dashboard = client.get("/admin/").get_data(as_text=True)
    assert 'id="cashless-share"' in dashboard and "Per cara bayar" in dashboard
