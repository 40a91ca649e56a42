"""Admin management: accounts, product listings, categories, OPDs and the audit log."""
import csv
import io
import re

import pytest
from flask import g
from sqlalchemy import select

from malpro.extensions import db
from malpro.models import AuditLog, Category, Notification, Opd
from malpro.services import moderation
from malpro.services.errors import ForbiddenError
from tests.factories import PASSWORD
from tests.reference_guard import restore_reference_data  # noqa: F401  (the fixture)


def _audit(action):
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == action)))


def _login(client, email):
    """Sign `client` in as `email`. The tests share one app context (conftest), where
    Flask-Login caches the request's user in `g`: drop it, as a new request would."""
    g.pop("_login_user", None)
    client.post("/auth/logout")
    g.pop("_login_user", None)
    response = client.post("/auth/login", data={"email": email, "password": PASSWORD})
    g.pop("_login_user", None)
    return response


def _get(client, path):
    g.pop("_login_user", None)
    return client.get(path)


# --- Accounts -----------------------------------------------------------------------------

def test_user_search_and_filters(admin_client, make):
    make.user(email="siti@example.com", name="Siti Aminah")
    make.user(email="budi@example.com", name="Budi")
    body = admin_client.get("/admin/pengguna", query_string={"q": "amin"}).get_data(as_text=True)
    assert "Siti Aminah" in body and "budi@example.com" not in body
    admins = admin_client.get("/admin/pengguna", query_string={"peran": "admin"}).get_data(as_text=True)
    assert "admin@example.com" in admins and "siti@example.com" not in admins


def test_deactivated_user_cannot_log_in_and_reactivation(admin_client, make, app):
    user = make.user(email="nakal@example.com")
    refused = admin_client.post(f"/admin/pengguna/{user.id}/nonaktifkan", data={"reason": ""})
    assert refused.status_code == 422 and "Tuliskan alasannya" in refused.get_data(as_text=True)
    db.session.refresh(user)
    assert user.active

    response = admin_client.post(f"/admin/pengguna/{user.id}/nonaktifkan", data={"reason": "Penipuan COD berulang"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.active and user.deactivated_reason == "Penipuan COD berulang"
    [entry] = _audit("user.deactivate")
    assert (entry.actor_id, entry.target_type, entry.target_id, entry.reason) == (
        admin_client.admin.id, "user", user.id, "Penipuan COD berulang")

    other = app.test_client()
    refused = _login(other, "nakal@example.com")
    assert refused.status_code != 302 and _get(other, "/akun").status_code == 302  # not signed in

    _get(admin_client, "/admin/")  # the admin's own request again
    admin_client.post(f"/admin/pengguna/{user.id}/aktifkan", data={"reason": "Sudah klarifikasi"})
    db.session.refresh(user)
    assert user.active and user.deactivated_reason is None and len(_audit("user.reactivate")) == 1
    assert _login(other, "nakal@example.com").status_code == 302 and _get(other, "/akun").status_code == 200


def test_a_logged_in_user_is_logged_out_when_deactivated(admin_client, make, app):
    user = make.user(email="sesi@example.com")
    session_client = app.test_client()
    _login(session_client, user.email)
    assert _get(session_client, "/akun").status_code == 200
    _get(admin_client, "/admin/")
    admin_client.post(f"/admin/pengguna/{user.id}/nonaktifkan", data={"reason": "Akun dibajak"})
    assert _get(session_client, "/akun").status_code == 302


def test_admin_cannot_deactivate_or_demote_themselves(admin_client):
    me = admin_client.admin
    response = admin_client.post(f"/admin/pengguna/{me.id}/nonaktifkan", data={"reason": "coba"})
    assert response.status_code == 403 and "akun Anda sendiri" in response.get_data(as_text=True)
    response = admin_client.post(f"/admin/pengguna/{me.id}/cabut-admin", data={"reason": "coba"})
    assert response.status_code == 403
    db.session.refresh(me)
    assert me.active and me.is_admin and not _audit("admin.revoke") and not _audit("user.deactivate")
    with pytest.raises(ForbiddenError):
        moderation.set_admin(me.id, me.id, False, "x")


def test_grant_and_revoke_admin(admin_client, make, app):
    user = make.user(email="staf@example.com")
    assert admin_client.post(f"/admin/pengguna/{user.id}/jadikan-admin", data={"reason": ""}).status_code == 302
    db.session.refresh(user)
    assert user.is_admin and len(_audit("admin.grant")) == 1
    staff = app.test_client()
    _login(staff, user.email)
    assert _get(staff, "/admin/pengguna").status_code == 200

    _get(admin_client, "/admin/")
    assert admin_client.post(f"/admin/pengguna/{user.id}/cabut-admin", data={"reason": ""}).status_code == 422
    assert admin_client.post(f"/admin/pengguna/{user.id}/cabut-admin",
                             data={"reason": "Pindah tugas"}).status_code == 302
    db.session.refresh(user)
    assert not user.is_admin and _audit("admin.revoke")[0].reason == "Pindah tugas"
    assert _get(staff, "/admin/pengguna").status_code == 403


def test_user_page_shows_nip_to_admins(admin_client, make):
    from malpro.services import asn

    user = make.user()
    asn.set_profile(user.id, "asn", "198507122010031002", "DISKOMINFO")
    body = admin_client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    assert "198507122010031002" in body and "Dinas Komunikasi dan Informatika" in body


# --- Product listings ---------------------------------------------------------------------

def test_take_down_and_restore_a_product(admin_client, make):
    product = make.product(name="Jamu Ajaib Sembuhkan Segala Penyakit")
    refused = admin_client.post(f"/admin/produk/{product.id}/turunkan", data={"reason": "  "})
    assert refused.status_code == 422 and "penjual akan membacanya" in refused.get_data(as_text=True)

    response = admin_client.post(f"/admin/produk/{product.id}/turunkan",
                                 data={"reason": "Klaim kesehatan berlebihan"})
    assert response.status_code == 302
    db.session.refresh(product)
    assert not product.is_active and product.moderation_reason == "Klaim kesehatan berlebihan"
    assert _audit("product.takedown")[0].target_id == product.id
    note = db.session.scalar(select(Notification).where(Notification.user_id == product.store.owner_id,
                                                         Notification.kind == "product.takedown"))
    assert "Klaim kesehatan berlebihan" in note.body
    listed = admin_client.get("/admin/produk", query_string={"status": "taken_down"}).get_data(as_text=True)
    assert "Jamu Ajaib" in listed

    # The seller sees the reason and cannot switch the listing back on.
    seller = admin_client.application.test_client()
    _login(seller, product.store.owner.email)
    assert "Klaim kesehatan berlebihan" in _get(seller, f"/seller/produk/{product.id}/ubah").get_data(as_text=True)

    _get(admin_client, "/admin/")
    assert admin_client.post(f"/admin/produk/{product.id}/tayangkan", data={"reason": ""}).status_code == 302
    db.session.refresh(product)
    assert product.is_active and product.moderation_reason is None and len(_audit("product.restore")) == 1


# --- Categories ---------------------------------------------------------------------------

@pytest.mark.usefixtures("restore_reference_data")
def test_rename_and_reorder_categories_keep_slugs(admin_client):
    category = db.session.scalar(select(Category).where(Category.slug == "jasa"))
    response = admin_client.post(f"/admin/kategori/{category.id}",
                                 data={"name": "Jasa & Layanan", "name_en": "Services", "icon": "🧰", "slug": "x"})
    assert response.status_code == 302
    db.session.refresh(category)
    assert (category.slug, category.name, category.icon) == ("jasa", "Jasa & Layanan", "🧰")
    assert "Jasa → Jasa & Layanan" in _audit("category.update")[0].reason
    assert admin_client.post(f"/admin/kategori/{category.id}", data={"name": "J", "name_en": "Services"}).status_code \
        == 422

    order = lambda: [c.slug for c in moderation.categories()]  # noqa: E731
    before = order()
    admin_client.post(f"/admin/kategori/{category.id}/geser", data={"arah": "up"})
    after = order()
    index = before.index("jasa")
    assert after[index - 1] == "jasa" and after[index] == before[index - 1] and sorted(after) == sorted(before)
    first = db.session.scalar(select(Category).where(Category.slug == after[0]))
    admin_client.post(f"/admin/kategori/{first.id}/geser", data={"arah": "up"})
    assert order() == after  # the first cannot go higher
    assert len(_audit("category.move")) == 1
    body = admin_client.get("/admin/kategori").get_data(as_text=True)
    assert "Jasa &amp; Layanan" in body


# --- OPDs ---------------------------------------------------------------------------------

@pytest.mark.usefixtures("restore_reference_data")
def test_add_rename_and_retire_opds(admin_client, make):
    response = admin_client.post("/admin/opd", data={"code": "dinas-baru", "name": "Dinas Baru Kota Malang"})
    assert response.status_code == 302
    opd = db.session.scalar(select(Opd).where(Opd.code == "DINAS-BARU"))
    assert opd.active and len(_audit("opd.create")) == 1
    duplicate = admin_client.post("/admin/opd", data={"code": "DINAS-BARU", "name": "Lain"})
    assert duplicate.status_code == 409 and "sudah dipakai" in duplicate.get_data(as_text=True)
    assert admin_client.post("/admin/opd", data={"code": "x y", "name": "Dinas"}).status_code == 422

    admin_client.post(f"/admin/opd/{opd.id}", data={"name": "Dinas Baru Sekali"})
    db.session.refresh(opd)
    assert opd.name == "Dinas Baru Sekali" and opd.code == "DINAS-BARU"
    admin_client.post(f"/admin/opd/{opd.id}/status", data={"aktif": "0", "reason": "Perda 2026 reorganisasi"})
    db.session.refresh(opd)
    assert not opd.active and _audit("opd.retire")[0].reason == "Perda 2026 reorganisasi"

    buyer = make.user(email="asn.baru@example.com")
    buyer_client = admin_client.application.test_client()
    _login(buyer_client, buyer.email)
    form = _get(buyer_client, "/akun/asn").get_data(as_text=True)
    assert "DINAS-BARU" not in form and "DISKOMINFO" in form
    _get(admin_client, "/admin/")
    admin_client.post(f"/admin/opd/{opd.id}/status", data={"aktif": "1"})
    db.session.refresh(opd)
    assert opd.active and len(_audit("opd.restore")) == 1


# --- Audit log ----------------------------------------------------------------------------

@pytest.mark.usefixtures("restore_reference_data")
def test_audit_log_lists_and_filters_every_action(admin_client, make):
    other_admin = make.user(email="admin2@example.com", name="Admin Kedua", is_admin=True)
    user = make.user(email="target@example.com", name="Target Orang")
    moderation.deactivate_user(other_admin.id, user.id, "Spam")
    admin_client.post("/admin/opd", data={"code": "BARU", "name": "Badan Baru"})

    body = admin_client.get("/admin/audit").get_data(as_text=True)
    assert "Nonaktifkan akun" in body and "Tambah OPD" in body and "Spam" in body and "Target Orang" in body
    by_action = admin_client.get("/admin/audit", query_string={"aksi": "opd.create"}).get_data(as_text=True)
    assert "Tambah OPD" in by_action and "Spam" not in by_action
    by_actor = admin_client.get("/admin/audit", query_string={"admin": other_admin.id}).get_data(as_text=True)
    assert "Spam" in by_actor and "Badan Baru" not in by_actor
    future = admin_client.get("/admin/audit", query_string={"dari": "2099-01-01"}).get_data(as_text=True)
    assert "Tidak ada tindakan" in future
    bad = admin_client.get("/admin/audit", query_string={"dari": "kemarin"}).get_data(as_text=True)
    assert "Tanggal tidak valid" in bad

    export = admin_client.get("/admin/audit/unduh.csv", query_string={"admin": other_admin.id})
    rows = list(csv.reader(io.StringIO(export.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Waktu (WIB)", "Admin", "Tindakan"] and len(rows) == 2
    assert rows[1][1:4] == ["Admin Kedua", "Nonaktifkan akun", "user.deactivate"] and rows[1][5] == "Spam"
    assert export.headers["Content-Disposition"].startswith('attachment; filename="malpro-audit-')


@pytest.fixture
def csrf_app(config, request):
    config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app")


def test_admin_forms_need_the_csrf_token(csrf_app, client, make):
    admin = make.admin(email="csrf.admin@example.com")
    user = make.user(email="csrf.user@example.com")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/auth/login").get_data(as_text=True))
    client.post("/auth/login", data={"email": admin.email, "password": PASSWORD, "csrf_token": token.group(1)})
    refused = client.post(f"/admin/pengguna/{user.id}/nonaktifkan", data={"reason": "Tanpa token"})
    assert refused.status_code == 400
    db.session.refresh(user)
    assert user.active and not _audit("user.deactivate")

    page = client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    accepted = client.post(f"/admin/pengguna/{user.id}/nonaktifkan", data={"reason": "Dengan token", "csrf_token": token})
    assert accepted.status_code == 302
    db.session.refresh(user)
    assert not user.active
