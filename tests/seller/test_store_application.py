"""The seller's store pages: apply, checklist, kelurahan by kecamatan, fix and re-submit,
profile (hours, closure), documents."""
import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Store
from malpro.services import verification
from tests.factories import PASSWORD
from tests.helpers import PDF_BYTES, html_as_pdf, pdf_upload

FORM = {
    "name": "Batik Celaket", "nib": "1234567890123", "phone": "081234567890", "address": "Jl. Celaket No. 5",
    "kecamatan": "Klojen", "kelurahan": "Rampal Celaket", "description": "Batik tulis khas Malang.",
    "delivery": "y", "pickup": "y", "delivery_fee": "10000",
}


@pytest.fixture
def seller_client(client, make):
    user = make.user(email="calon@example.com")
    client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    client.user = user
    return client


def _post_application(client, **changes):
    data = {**FORM, **changes}
    if "documents" not in changes:
        data["documents"] = [pdf_upload()]
    return client.post("/seller/daftar", data=data, content_type="multipart/form-data")


def _stores():
    return db.session.scalar(select(func.count()).select_from(Store))


def test_dashboard_invites_a_buyer_to_open_a_store(seller_client):
    page = seller_client.get("/seller/").get_data(as_text=True)
    assert "Buka Toko" in page and "/seller/daftar" in page


def test_application_form_shows_checklist_and_kecamatan(seller_client):
    page = seller_client.get("/seller/daftar").get_data(as_text=True)
    assert 'id="application-checklist"' in page and "Kelengkapan pengajuan" in page
    assert "Sukun" in page and "Lowokwaru" in page
    assert "<optgroup" in page  # without JavaScript every kelurahan is offered, grouped by kecamatan


def test_apply_through_the_web(seller_client):
    response = _post_application(seller_client)
    assert response.status_code == 302 and response.headers["Location"] == "/seller/"
    store = db.session.scalar(select(Store))
    assert store.owner_id == seller_client.user.id and store.status == "pending"
    assert store.documents[0].content_type == "application/pdf"
    page = seller_client.get("/seller/").get_data(as_text=True)
    assert "Menunggu verifikasi" in page and "sedang diperiksa" in page


@pytest.mark.parametrize("changes,message", [
    ({"nib": "12345"}, "NIB harus 13 digit"),
    ({"kecamatan": "Sukun", "kelurahan": "Rampal Celaket"}, "Kelurahan tidak berada di Kecamatan Sukun"),
    ({"kecamatan": "Kepanjen", "kelurahan": "Ardirejo"}, "Pilih kecamatan di Kota Malang"),
    ({"phone": "0341 551234"}, "nomor seluler Indonesia"),
    ({"documents": [html_as_pdf()]}, "bukan PDF, JPEG atau PNG"),
    ({"documents": []}, "Unggah sertifikat NIB"),
    ({"documents": [pdf_upload(data=b"%PDF-" + b"0" * (5 * 1024 * 1024 + 1) + b"%%EOF")]}, "lebih dari 5 MB"),
])
def test_bad_application_shows_the_message_and_saves_nothing(seller_client, changes, message):
    response = _post_application(seller_client, **changes)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _stores() == 0


def test_duplicate_nib_message(seller_client, make):
    make.store(nib="1234567890123")
    response = _post_application(seller_client)
    assert response.status_code == 422 and "NIB ini sudah terdaftar" in response.get_data(as_text=True)
    assert _stores() == 1


def test_second_store_for_the_same_user_is_not_possible(seller_client):
    _post_application(seller_client)
    assert seller_client.get("/seller/daftar").status_code == 302  # goes to the existing store
    _post_application(seller_client, nib="9999999999999", name="Toko Kedua")
    assert _stores() == 1


def test_kelurahan_options_follow_the_kecamatan(seller_client, htmx_headers):
    response = seller_client.get("/wilayah/kelurahan?kecamatan=Sukun", headers=htmx_headers)
    body = response.get_data(as_text=True)
    assert 'id="kelurahan-field"' in body and "<html" not in body
    assert "Bandulan" in body and "Kauman" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_checklist_updates_as_the_form_is_filled(seller_client, htmx_headers):
    body = seller_client.post("/seller/daftar/cek", data={"name": "Batik Celaket", "nib": "123"},
                              headers=htmx_headers).get_data(as_text=True)
    assert 'id="application-checklist"' in body and "<html" not in body
    assert "Masih kurang 6 hal" in body


def test_rejected_seller_sees_reason_fixes_and_resubmits(seller_client, make):
    _post_application(seller_client)
    store = db.session.scalar(select(Store))
    verification.decide(store.id, make.admin().id, "reject", "Foto sertifikat NIB terpotong.")
    page = seller_client.get("/seller/").get_data(as_text=True)
    assert "Foto sertifikat NIB terpotong." in page and "Perbaiki dan ajukan ulang" in page
    edit = seller_client.get("/seller/toko").get_data(as_text=True)
    assert "Ajukan ulang" in edit and 'value="1234567890123"' in edit
    response = seller_client.post("/seller/toko", data={**FORM, "documents": [pdf_upload("nib-jelas.pdf")]},
                                  content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.refresh(store)
    assert store.status == "pending" and len(store.documents) == 2


def test_store_profile_hours_and_closure(seller_client, make):
    store = make.store(owner=seller_client.user)
    response = seller_client.post("/seller/toko/profil", data={
        "profile-opening_hours": "Senin-Sabtu 08.00-16.00", "profile-closed_from": "2026-12-24",
        "profile-closed_until": "2026-12-26", "profile-closed_note": "Libur Natal"})
    assert response.status_code == 302
    db.session.refresh(store)
    assert store.opening_hours == "Senin-Sabtu 08.00-16.00" and store.closed_note == "Libur Natal"
    seller_client.post("/seller/toko/profil", data={
        "profile-closed_from": "2026-12-26", "profile-closed_until": "2026-12-20"})
    db.session.refresh(store)
    assert str(store.closed_until) == "2026-12-26"  # the bad range was refused
    page = seller_client.get("/seller/toko").get_data(as_text=True)
    assert "tidak boleh sebelum" in page


def test_document_download_for_owner_and_admin_only(client, make):
    owner = make.user(email="owner@example.com")
    store = verification.apply_for_store(owner.id, {**FORM, "delivery": True, "pickup": True, "delivery_fee": 0},
                                         files=[_file_storage()])
    doc_url = f"/seller/dokumen/{store.documents[0].id}"

    assert client.get(doc_url).status_code == 302  # anonymous: to the login page
    client.post("/auth/login", data={"email": owner.email, "password": PASSWORD})
    response = client.get(doc_url)
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    # Shown in the browser (issue 13, point 15), still private and sandboxed; ?unduh=1 saves it.
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Cache-Control"] == "private, no-store"
    download = client.get(doc_url + "?unduh=1")
    assert download.headers["Content-Disposition"].startswith("attachment;") and download.data == PDF_BYTES
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    client.post("/auth/logout")

    other = make.store(owner=make.user(email="other@example.com")).owner
    client.post("/auth/login", data={"email": other.email, "password": PASSWORD})
    assert client.get(doc_url).status_code == 404
    client.post("/auth/logout")

    make.admin(email="admin@example.com")
    client.post("/auth/login", data={"email": "admin@example.com", "password": PASSWORD})
    assert client.get(doc_url).status_code == 200


def test_documents_are_not_reachable_as_public_media(client, make):
    owner = make.user()
    store = verification.apply_for_store(owner.id, {**FORM, "delivery": True, "pickup": True, "delivery_fee": 0},
                                         files=[_file_storage()])
    stored = store.documents[0].stored_name
    assert client.get(f"/media/documents/{stored}").status_code == 404
    assert client.get(f"/static/../instance/uploads/documents/{stored}").status_code == 404


def test_apply_without_csrf_token_is_refused(config, make):
    from malpro import create_app

    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    client = app.test_client()
    with app.app_context():
        make.user(email="calon@example.com")
    client.post("/auth/login", data={"email": "calon@example.com", "password": PASSWORD})  # refused too
    response = client.post("/seller/daftar", data={**FORM, "documents": [pdf_upload()]},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 400)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Store)) == 0


def _file_storage():
    import io

    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(PDF_BYTES), filename="nib.pdf")
