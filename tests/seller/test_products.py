"""The seller's product pages through the real stack: forms, uploads, htmx quick edits, guards."""
import io
import re
from html import unescape
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Order, OrderItem, Product
from malpro.services import products
from tests.factories import PASSWORD

FORM = {"name": "Keripik Tempe Original", "category": "makanan-minuman", "price": "15.000", "stock": "20",
        "unit": "bungkus", "description": "Renyah dan gurih.", "halal_number": "ID35110000123450123",
        "pirt_number": "", "bpom_number": "", "active": "y"}


def photo(color=(200, 30, 30), name="foto.jpg", fmt="JPEG") -> tuple[io.BytesIO, str]:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buffer, fmt)
    buffer.seek(0)
    return buffer, name


def login(client, user):
    response = client.post("/auth/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def count_products() -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


def fresh(product_id: int) -> Product:
    db.session.expire_all()
    return db.session.get(Product, product_id)


@pytest.fixture
def seller(make, client):
    store = make.store(owner=make.user(email="penjual@example.com"))
    login(client, store.owner)
    return store


@pytest.fixture
def product(seller):
    return products.create_product(seller.id, {"name": "Sambal Bawang", "category": "makanan-minuman",
                                               "price": 25000, "stock": 5, "unit": "botol"})


def page(response) -> str:
    return response.get_data(as_text=True)


# --- Create, edit, images ---------------------------------------------------------------------

def test_new_product_form_is_a_multipart_upload_form_for_gallery_or_camera(client, seller):
    response = client.get("/seller/produk/baru")
    assert response.status_code == 200
    html = page(response)
    assert 'enctype="multipart/form-data"' in html
    assert 'accept="image/jpeg,image/png,image/webp"' in html and "multiple" in html
    assert "capture" not in html
    assert 'name="viewport"' in html and "Makanan &amp; Minuman" in html and 'list="unit-options"' in html


def test_create_with_images_end_to_end(app, client, seller):
    response = client.post("/seller/produk/baru", data={**FORM, "images": [photo(), photo((0, 90, 0), "b.png", "PNG")]},
                           content_type="multipart/form-data")
    assert response.status_code == 303 and response.headers["Location"].endswith("/seller/produk")

    product = db.session.scalars(select(Product)).one()
    assert product.store_id == seller.id
    assert (product.name, product.price, product.stock, product.unit) == ("Keripik Tempe Original", 15000, 20,
                                                                          "bungkus")
    assert product.halal_number == "ID35110000123450123" and product.pirt_number is None and product.is_active
    assert len(product.images) == 2 and product.cover_path == product.images[0].thumb_path
    root = Path(app.config["UPLOAD_DIR"])
    for image in product.images:
        assert (root / image.thumb_path).is_file() and (root / image.large_path).is_file()
        assert image.thumb_path.endswith(".webp") and "foto" not in image.thumb_path

    listing = client.get("/seller/produk")
    assert "Keripik Tempe Original" in page(listing) and "disimpan" in page(listing)
    media = client.get(f"/media/{product.cover_path}")
    assert media.status_code == 200 and media.mimetype == "image/webp"


@pytest.mark.parametrize("field,value,message", [
    ("name", "ab", "Nama produk harus 3-120 karakter."),
    ("price", "50", "Harga harus antara Rp100 dan Rp1.000.000.000."),
    ("stock", "-3", "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas."),
    ("category", "", "Pilih salah satu kategori."),
])
def test_create_refuses_bad_values_with_the_message_and_saves_nothing(app, client, seller, field, value, message):
    response = client.post("/seller/produk/baru", data={**FORM, field: value, "images": [photo()]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    html = page(response)
    assert message in html
    assert 'aria-invalid="true"' in html
    assert "Pilih ulang foto Anda" in html
    assert count_products() == 0
    folder = Path(app.config["UPLOAD_DIR"]) / "products"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_text_file_posing_as_a_photo_is_refused_on_the_form(client, seller):
    fake = (io.BytesIO(b"hello, I am not a photo"), "foto.jpg")
    response = client.post("/seller/produk/baru", data={**FORM, "images": [fake]}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Berkas harus berupa gambar JPEG, PNG, atau WebP." in page(response)
    assert count_products() == 0


def test_edit_shows_values_and_saves_changes_and_new_photos(client, seller, product):
    response = client.get(f"/seller/produk/{product.id}/ubah")
    assert response.status_code == 200
    html = page(response)
    assert 'value="Sambal Bawang"' in html and 'value="25000"' in html and 'value="botol"' in html
    assert 'id="product-images"' in html and "Tambah foto" in html

    response = client.post(f"/seller/produk/{product.id}/ubah", data={
        **FORM, "name": "Sambal Bawang Pedas", "price": "27500", "stock": "", "active": "",
        "images": [photo()]}, content_type="multipart/form-data")
    assert response.status_code == 303
    product = fresh(product.id)
    assert (product.name, product.price, product.stock, product.is_active) == ("Sambal Bawang Pedas", 27500, None,
                                                                              False)
    assert len(product.images) == 1 and product.cover_path == product.images[0].thumb_path


def test_edit_with_a_bad_value_changes_nothing(client, seller, product):
    response = client.post(f"/seller/produk/{product.id}/ubah", data={**FORM, "price": "99", "images": [photo()]},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Harga harus antara Rp100 dan Rp1.000.000.000." in page(response)
    product = fresh(product.id)
    assert product.price == 25000 and product.name == "Sambal Bawang" and product.images == []


def test_photo_order_cover_and_removal_from_the_edit_page(client, seller, product, htmx_headers):
    products.add_images(seller.id, product.id, [photo()[0], photo((0, 0, 200))[0], photo((0, 200, 0))[0]])
    first, second, third = fresh(product.id).images

    response = client.post(f"/seller/produk/{product.id}/foto/{third.id}/sampul", headers=htmx_headers)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = page(response)
    assert "<html" not in html and 'id="product-images"' in html and "Foto sampul diganti." in html
    assert [i.id for i in fresh(product.id).images] == [third.id, first.id, second.id]
    assert fresh(product.id).cover_path == third.thumb_path

    response = client.post(f"/seller/produk/{product.id}/foto/{third.id}/geser", data={"arah": "kanan"})
    assert response.status_code == 303 and "/ubah" in response.headers["Location"]
    assert [i.id for i in fresh(product.id).images] == [first.id, third.id, second.id]

    client.post(f"/seller/produk/{product.id}/foto/{second.id}/geser", data={"arah": "kiri"}, headers=htmx_headers)
    assert [i.id for i in fresh(product.id).images] == [first.id, second.id, third.id]

    response = client.post(f"/seller/produk/{product.id}/foto/{first.id}/hapus", headers=htmx_headers)
    assert response.status_code == 200 and "(2/8)" in page(response)
    assert [i.id for i in fresh(product.id).images] == [second.id, third.id]
    assert fresh(product.id).cover_path == second.thumb_path


def test_duplicate_opens_the_inactive_copy(client, seller, product):
    response = client.post(f"/seller/produk/{product.id}/duplikat")
    assert response.status_code == 303
    copy_id = int(re.search(r"/produk/(\d+)/ubah", response.headers["Location"]).group(1))
    copy = fresh(copy_id)
    assert copy.id != product.id and copy.name == "Sambal Bawang (salinan)" and not copy.is_active
    assert "belum aktif" in page(client.get(response.headers["Location"]))


def test_delete_asks_first_then_deletes(client, seller, product):
    confirm = client.get(f"/seller/produk/{product.id}/hapus")
    assert confirm.status_code == 200 and "Ya, hapus" in page(confirm)
    response = client.post(f"/seller/produk/{product.id}/hapus")
    assert response.status_code == 303 and response.headers["Location"].endswith("/seller/produk")
    assert fresh(product.id) is None


def test_delete_of_an_ordered_product_explains_and_offers_deactivation(client, make, seller, product):
    order = Order(code="MLP-20261129-000009", buyer_id=make.user().id, store_id=seller.id, fulfilment="pickup",
                  subtotal=25000, total=25000)
    order.items.append(OrderItem(product_id=product.id, name=product.name, price=25000, quantity=1, subtotal=25000))
    db.session.add(order)
    db.session.commit()

    confirm = page(client.get(f"/seller/produk/{product.id}/hapus"))
    assert "sudah pernah dipesan" in confirm and "Nonaktifkan produk" in confirm and "Ya, hapus" not in confirm
    response = client.post(f"/seller/produk/{product.id}/hapus", follow_redirects=True)
    assert "tidak bisa dihapus" in page(response) and "Nonaktifkan" in page(response)
    assert fresh(product.id) is not None


# --- List and quick edits -----------------------------------------------------------------------

def test_list_search_filters_and_htmx_fragment(client, seller, product, htmx_headers):
    products.create_product(seller.id, {"name": "Keripik Singkong", "category": "makanan-minuman", "price": 9000,
                                        "stock": 0})
    products.create_product(seller.id, {"name": "Keripik Pisang", "category": "makanan-minuman", "price": 9000,
                                        "active": False})
    html = page(client.get("/seller/produk"))
    assert all(n in html for n in ("Sambal Bawang", "Keripik Singkong", "Keripik Pisang"))
    assert 'id="product-row-%d"' % product.id in html

    html = page(client.get("/seller/produk?q=kerip"))
    assert "Keripik Singkong" in html and "Sambal Bawang" not in html
    html = page(client.get("/seller/produk?status=stok-habis"))
    assert "Keripik Singkong" in html and "Keripik Pisang" not in html and "Sambal Bawang" not in html
    html = page(client.get("/seller/produk?status=nonaktif"))
    assert "Keripik Pisang" in html and "Keripik Singkong" not in html

    response = client.get("/seller/produk?q=sambal", headers=htmx_headers)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    fragment = page(response)
    assert "<html" not in fragment and fragment.lstrip().startswith('<section id="product-list"')
    assert "Sambal Bawang" in fragment and "Keripik" not in fragment
    full = client.get("/seller/produk?q=sambal")
    assert "<html" in page(full) and "HX-Request" in full.headers["Vary"]
    restore = client.get("/seller/produk?q=sambal", headers={**htmx_headers, "HX-History-Restore-Request": "true"})
    assert "<html" in page(restore)


@pytest.mark.parametrize("path,data,check", [
    ("stok", {"stock": "12"}, lambda p: p.stock == 12),
    ("stok", {"stock": ""}, lambda p: p.stock is None),
    ("harga", {"price": "30.000"}, lambda p: p.price == 30000),
    ("aktif", {}, lambda p: p.is_active is False),
])
def test_quick_edits_answer_the_row_to_htmx(client, seller, product, htmx_headers, path, data, check):
    response = client.post(f"/seller/produk/{product.id}/{path}", data=data, headers=htmx_headers)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    html = page(response)
    assert "<html" not in html and html.lstrip().startswith(f'<li id="product-row-{product.id}"')
    assert 'role="status"' in html
    assert check(fresh(product.id))


@pytest.mark.parametrize("path,data,message,check", [
    ("stok", {"stock": "7", "next": "/seller/produk?q=sambal"}, "Stok disimpan.", lambda p: p.stock == 7),
    ("harga", {"price": "1000", "next": "https://evil.example/"}, "Harga disimpan.", lambda p: p.price == 1000),
    ("aktif", {"active": "0"}, "Produk dinonaktifkan.", lambda p: not p.is_active),
])
def test_quick_edits_work_without_javascript(client, seller, product, path, data, message, check):
    response = client.post(f"/seller/produk/{product.id}/{path}", data=data)
    assert response.status_code == 303 and "HX-Request" in response.headers["Vary"]
    location = response.headers["Location"]
    assert location == data.get("next", "/seller/produk").replace("https://evil.example/", "/seller/produk")
    assert check(fresh(product.id))
    followed = client.get(location)
    assert "<html" in page(followed) and message in page(followed)


def test_toggle_twice_reactivates(client, seller, product, htmx_headers):
    client.post(f"/seller/produk/{product.id}/aktif", headers=htmx_headers)
    response = client.post(f"/seller/produk/{product.id}/aktif", headers=htmx_headers)
    assert fresh(product.id).is_active and "Produk diaktifkan." in page(response)


@pytest.mark.parametrize("path,data,message", [
    ("stok", {"stock": "-1"}, "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas."),
    ("harga", {"price": "99"}, "Harga harus antara Rp100 dan Rp1.000.000.000."),
    ("harga", {"price": "abc"}, "Harga harus bilangan bulat rupiah, tanpa koma."),
])
def test_quick_edit_errors_come_back_in_the_row(client, seller, product, htmx_headers, path, data, message):
    response = client.post(f"/seller/produk/{product.id}/{path}", data=data, headers=htmx_headers)
    assert response.status_code == 200
    html = page(response)
    assert html.lstrip().startswith(f'<li id="product-row-{product.id}"') and message in html
    assert f'value="{next(iter(data.values()))}"' in html  # what the seller typed stays in the box
    product = fresh(product.id)
    assert (product.stock, product.price) == (5, 25000)

    response = client.post(f"/seller/produk/{product.id}/{path}", data={**data, "next": "/seller/produk?q=sambal"})
    assert response.status_code == 422
    html = page(response)
    assert "<html" in html and message in html and "Sambal Bawang" in html
    assert (fresh(product.id).stock, fresh(product.id).price) == (5, 25000)


def test_a_product_taken_down_by_an_admin_stays_down(client, seller, product, htmx_headers):
    product.is_active = False
    product.moderation_reason = "Klaim kesehatan berlebihan"
    db.session.commit()
    listing = page(client.get("/seller/produk"))
    assert "Diturunkan admin" in listing and "Klaim kesehatan berlebihan" in listing
    response = client.post(f"/seller/produk/{product.id}/aktif", data={"active": "1"}, headers=htmx_headers)
    assert response.status_code == 200 and "Klaim kesehatan berlebihan" in page(response)
    edit = page(client.get(f"/seller/produk/{product.id}/ubah"))
    assert "diturunkan oleh admin" in edit and "disabled" in edit
    assert fresh(product.id).is_active is False


# --- Who may do what -------------------------------------------------------------------------

def _all_routes(product_id: int, image_id: int) -> list[tuple[str, str, dict]]:
    base = f"/seller/produk/{product_id}"
    return [
        ("get", f"{base}/ubah", {}),
        ("post", f"{base}/ubah", {**FORM, "name": "Diretas"}),
        ("post", f"{base}/duplikat", {}),
        ("get", f"{base}/hapus", {}),
        ("post", f"{base}/hapus", {}),
        ("post", f"{base}/aktif", {"active": "0"}),
        ("post", f"{base}/stok", {"stock": "0"}),
        ("post", f"{base}/harga", {"price": "100"}),
        ("post", f"{base}/foto/{image_id}/sampul", {}),
        ("post", f"{base}/foto/{image_id}/geser", {"arah": "kiri"}),
        ("post", f"{base}/foto/{image_id}/hapus", {}),
    ]


def test_another_sellers_product_is_404_everywhere_and_unchanged(client, make, seller, htmx_headers):
    other_store = make.store()
    theirs = products.create_product(other_store.id, {"name": "Produk Orang Lain", "category": "kriya",
                                                      "price": 50000, "stock": 3}, images=[photo()[0], photo()[0]])
    image_id = theirs.images[1].id
    for method, path, data in _all_routes(theirs.id, image_id):
        for headers in ({}, htmx_headers):
            response = getattr(client, method)(path, data=data, headers=headers)
            assert response.status_code == 404, (method, path)
    theirs = fresh(theirs.id)
    assert (theirs.name, theirs.price, theirs.stock, theirs.is_active) == ("Produk Orang Lain", 50000, 3, True)
    assert len(theirs.images) == 2 and count_products() == 1
    assert "Produk Orang Lain" not in page(client.get("/seller/produk"))


def test_buyer_without_a_store_gets_403(client, make, product):
    buyer = make.user(email="pembeli@example.com")
    client.post("/auth/logout")
    login(client, buyer)
    paths = [("get", "/seller/produk", {}), ("get", "/seller/produk/baru", {}), ("post", "/seller/produk/baru", FORM),
             *_all_routes(product.id, 1)]
    for method, path, data in paths:
        assert getattr(client, method)(path, data=data).status_code == 403, path
    assert fresh(product.id).price == 25000


def test_anonymous_is_sent_to_login(app, make):
    client = app.test_client()
    store = make.store()
    for method, path, data in [("get", "/seller/produk", {}), ("get", "/seller/produk/baru", {}),
                               ("post", "/seller/produk/1/stok", {"stock": "1"})]:
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    response = client.post("/seller/produk/1/harga", data={"price": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 401 and "/auth/login" in response.headers["HX-Redirect"]
    assert store.id


def test_a_pending_store_may_prepare_products(client, make):
    store = make.store(owner=make.user(email="baru@example.com"), status="pending")
    login(client, store.owner)  # the client is not signed in yet here
    response = client.post("/seller/produk/baru", data=FORM, content_type="multipart/form-data")
    assert response.status_code == 303
    listing = page(client.get("/seller/produk"))
    assert "Keripik Tempe Original" in listing and "sedang diperiksa admin" in listing


def test_forged_form_without_csrf_token_is_refused(request, config):
    config["WTF_CSRF_ENABLED"] = True
    app = request.getfixturevalue("app")
    make = request.getfixturevalue("make")
    store = make.store(owner=make.user(email="csrf@example.com"))
    product = products.create_product(store.id, {"name": "Kopi Dampit", "category": "makanan-minuman",
                                                 "price": 40000, "stock": 10})
    client = app.test_client()
    login_page = page(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    assert client.post("/auth/login", data={"email": "csrf@example.com", "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302

    forged = [("/seller/produk/baru", FORM), (f"/seller/produk/{product.id}/harga", {"price": "100"}),
              (f"/seller/produk/{product.id}/hapus", {}), (f"/seller/produk/{product.id}/aktif", {})]
    for path, data in forged:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
    product = fresh(product.id)
    assert (product.price, product.is_active) == (40000, True) and count_products() == 1

    # The same request with the page's token (as htmx sends it from <body hx-headers>) works.
    html = unescape(page(client.get("/seller/produk")))
    token = re.search(r'"X-CSRFToken": "([^"]+)"', html).group(1)
    response = client.post(f"/seller/produk/{product.id}/harga", data={"price": "45000"},
                           headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200 and fresh(product.id).price == 45000
