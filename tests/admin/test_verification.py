"""The admin verification queue and decisions, with and without htmx; visibility in the shop."""
from datetime import datetime

from sqlalchemy import select

from malpro.extensions import db
from malpro.models import Notification, Store, StoreDecision, User
from tests.factories import PASSWORD
from tests.helpers import PDF_BYTES, FakeUpload


def _pending_store(make, **fields):
    from malpro.services import verification

    owner = make.user()
    n = owner.id
    return verification.apply_for_store(owner.id, {
        "name": fields.get("name", f"Toko Antre {n}"), "nib": f"{n:013d}", "phone": "081234567890",
        "address": "Jl. Ijen No. 1", "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo",
        "delivery": True, "pickup": False, "delivery_fee": 5000}, files=[FakeUpload(PDF_BYTES, "nib.pdf")])


def test_queue_lists_pending_oldest_first_with_counts(admin_client, make):
    newer = _pending_store(make, name="Toko Baru")
    older = _pending_store(make, name="Toko Lama")
    older.submitted_at = datetime(2026, 1, 1)
    db.session.commit()
    make.store(status="verified")
    page = admin_client.get("/admin/verifikasi").get_data(as_text=True)
    assert page.index("Toko Lama") < page.index("Toko Baru")
    assert 'Menunggu verifikasi <span class="count">2</span>' in page
    assert 'Terverifikasi <span class="count">1</span>' in page
    assert newer.name in page


def test_detail_shows_application_documents_and_history(admin_client, make):
    store = _pending_store(make)
    page = admin_client.get(f"/admin/toko/{store.id}").get_data(as_text=True)
    assert store.nib in page and "nib.pdf" in page and f"/seller/dokumen/{store.documents[0].id}" in page
    assert "Riwayat keputusan" in page and "Verifikasi" in page and "Tolak" in page


def test_verify_without_htmx_redirects(admin_client, make):
    store = _pending_store(make)
    response = admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "verify"})
    assert response.status_code == 302
    db.session.refresh(store)
    assert store.status == "verified"


def test_reject_with_htmx_returns_the_panel(admin_client, make, htmx_headers):
    store = _pending_store(make)
    response = admin_client.post(f"/admin/toko/{store.id}/keputusan", headers=htmx_headers,
                                 data={"decision": "reject", "reason": "Alamat di luar Kota Malang."})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert 'id="store-decision"' in body and "Ditolak" in body and "Alamat di luar Kota Malang." in body
    assert 'id="flash"' in body and 'hx-swap-oob="true"' in body
    assert "HX-Request" in response.headers["Vary"]
    db.session.refresh(store)
    assert store.status == "rejected"


def test_reject_without_reason_shows_error_and_changes_nothing(admin_client, make, htmx_headers):
    store = _pending_store(make)
    response = admin_client.post(f"/admin/toko/{store.id}/keputusan", headers=htmx_headers,
                                 data={"decision": "reject", "reason": ""})
    assert response.status_code == 200 and "Tuliskan alasannya" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "reject"})
    assert response.status_code == 422 and "Tuliskan alasannya" in response.get_data(as_text=True)
    db.session.refresh(store)
    assert store.status == "pending" and len(store.decisions) == 1


def test_forged_illegal_move_is_refused(admin_client, make):
    store = make.store(status="rejected")
    response = admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "verify"})
    assert response.status_code == 409
    db.session.refresh(store)
    assert store.status == "rejected"
    assert admin_client.post("/admin/toko/99999/keputusan", data={"decision": "verify"}).status_code == 404


def test_full_flow_and_shop_visibility(admin_client, make, client):
    store = _pending_store(make)
    product = make.product(store=store, name="Keripik Apel Malang")
    assert client.get(f"/produk/{product.id}").status_code == 404
    assert "Keripik Apel Malang" not in client.get("/").get_data(as_text=True)

    admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "reject", "reason": "NIB buram."})
    from malpro.services import verification

    verification.update_application(store.owner_id, {"name": store.name, "nib": store.nib, "phone": "081234567890",
                                                     "address": store.address, "kecamatan": store.kecamatan,
                                                     "kelurahan": store.kelurahan, "delivery": True,
                                                     "pickup": False, "delivery_fee": 5000})
    admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "verify"})
    assert client.get(f"/produk/{product.id}").status_code in (200, 301, 302, 308)
    assert "Keripik Apel Malang" in client.get("/", follow_redirects=True).get_data(as_text=True)

    admin_client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "suspend", "reason": "Pengaduan."})
    assert client.get(f"/produk/{product.id}").status_code == 404
    assert "Keripik Apel Malang" not in client.get("/").get_data(as_text=True)

    db.session.expire_all()
    history = [d.to_status for d in db.session.scalars(
        select(StoreDecision).where(StoreDecision.store_id == store.id).order_by(StoreDecision.id))]
    assert history == ["pending", "rejected", "pending", "verified", "suspended"]
    page = admin_client.get(f"/admin/toko/{store.id}").get_data(as_text=True)
    assert "Pengaduan." in page and "NIB buram." in page and "Aktifkan kembali" in page


def test_decision_emails_the_seller(config, make, smtp_server):
    from malpro import create_app

    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    app = create_app(config)
    with app.app_context():
        store = _pending_store(make)
        owner_email = store.owner.email
        admin = make.admin(email="admin@example.com")
        client = app.test_client()
        client.post("/auth/login", data={"email": admin.email, "password": PASSWORD})
        client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "reject", "reason": "Dokumen kedaluwarsa."})
        assert db.session.scalar(select(Notification).where(Notification.user_id == store.owner_id))
    [message] = smtp_server.messages
    assert message["To"].endswith(owner_email + ">") or message["To"] == owner_email
    assert "ditolak" in message["Subject"]
    assert "Dokumen kedaluwarsa." in message.get_content()


def test_buyer_and_seller_cannot_use_the_queue(client, make):
    make.user(email="buyer@example.com")
    seller = make.store().owner
    store = _pending_store(make)
    for email in ("buyer@example.com", seller.email):
        client.post("/auth/login", data={"email": email, "password": PASSWORD})
        assert client.get("/admin/verifikasi").status_code == 403
        assert client.get(f"/admin/toko/{store.id}").status_code == 403
        assert client.post(f"/admin/toko/{store.id}/keputusan", data={"decision": "verify"}).status_code == 403
        client.post("/auth/logout")
    db.session.refresh(store)
    assert store.status == "pending"


def test_admin_creates_another_admin(admin_client, make):
    response = admin_client.post("/admin/admin-baru", data={"name": "Staf Diskopindag",
                                                            "email": "staf@malangkota.go.id", "password": "rahasia123"})
    assert response.status_code == 302
    new = db.session.scalar(select(User).where(User.email == "staf@malangkota.go.id"))
    assert new.is_admin
    existing = make.user(email="pegawai@example.com")
    admin_client.post("/admin/admin-baru", data={"name": "Pegawai", "email": "Pegawai@example.com", "password": "whatever1"})
    db.session.refresh(existing)
    assert existing.is_admin


def test_seed_demo_admin_can_work_the_queue(runner, client):
    runner.invoke(args=["seed-demo", "--stores", "8", "--products", "16"])
    client.post("/auth/login", data={"email": "admin@demo.malpro.id", "password": "malpro-admin"})
    page = client.get("/admin/verifikasi").get_data(as_text=True)
    pending = db.session.scalars(select(Store).where(Store.status == "pending")).all()
    assert pending and all(s.name in page for s in pending)
    response = client.post(f"/admin/toko/{pending[0].id}/keputusan", data={"decision": "verify"})
    assert response.status_code == 302
