"""Product rules of DOMAIN.md (Catalogue) for sellers, without a client."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from malpro.extensions import db
from malpro.models import Order, OrderItem, Product, ProductImage
from malpro.services import products
from malpro.services.errors import ConflictError, NotFoundError, ValidationError

VALID = {"name": "Keripik Tempe Original", "category": "makanan-minuman", "price": 15000, "stock": 20,
         "unit": "bungkus", "description": "Renyah, tanpa pengawet.", "active": True}


def photo(color=(200, 30, 30), name="foto.png") -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", (500, 400), color).save(buffer, "PNG")
    buffer.seek(0)
    return FileStorage(stream=buffer, filename=name, content_type="image/png")


def product_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Product))


def media_files(app) -> list[Path]:
    folder = Path(app.config["UPLOAD_DIR"]) / "products"
    return sorted(folder.glob("*")) if folder.exists() else []


@pytest.fixture
def store(make):
    return make.store()


def test_create_with_every_field(store):
    product = products.create_product(store.id, {
        **VALID, "halal_number": "ID35110000123450123", "pirt_number": "P-IRT 2063573123456-28",
        "bpom_number": "BPOM RI MD 123456789012", "name": "  Keripik   Tempe  Original ",
    })
    assert product.id and product.store_id == store.id
    assert product.name == "Keripik Tempe Original" and product.slug == "keripik-tempe-original"
    assert product.category.slug == "makanan-minuman"
    assert (product.price, product.stock, product.unit, product.is_active) == (15000, 20, "bungkus", True)
    assert product.halal_number == "ID35110000123450123"
    assert product.pirt_number == "P-IRT 2063573123456-28" and product.bpom_number == "BPOM RI MD 123456789012"
    assert product.cover_path is None


def test_defaults_and_text_numbers_from_web_forms(store):
    product = products.create_product(store.id, {"name": "Jasa Servis AC", "category": "jasa", "price": "Rp 150.000",
                                                 "stock": "", "halal_number": ""})
    assert product.price == 150000
    assert product.stock is None  # empty = unlimited (services)
    assert product.unit == "pcs" and product.description == "" and product.is_active is True
    assert product.halal_number is None


@pytest.mark.parametrize("field,value,message", [
    ("name", "ab", "Nama produk harus 3-120 karakter."),
    ("name", "x" * 121, "Nama produk harus 3-120 karakter."),
    ("name", "   ", "Nama produk harus 3-120 karakter."),
    ("category", "elektronik", "Pilih salah satu kategori."),
    ("category", "", "Pilih salah satu kategori."),
    ("price", 99, "Harga harus antara Rp100 dan Rp1.000.000.000."),
    ("price", 1_000_000_001, "Harga harus antara Rp100 dan Rp1.000.000.000."),
    ("price", "15000,50", "Harga harus bilangan bulat rupiah, tanpa koma."),
    ("price", 15000.5, "Harga harus bilangan bulat rupiah, tanpa koma."),
    ("price", True, "Harga harus bilangan bulat rupiah, tanpa koma."),
    ("price", "", "Harga wajib diisi."),
    ("stock", -1, "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas."),
    ("stock", "-5", "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas."),
    ("stock", "dua", "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas."),
    ("stock", 1_000_001, "Stok paling banyak 1.000.000."),
    ("unit", "", "Satuan wajib diisi, misalnya pcs, kg atau paket."),
    ("unit", "x" * 21, "Satuan paling panjang 20 karakter."),
    ("description", "x" * 5001, "Deskripsi paling panjang 5000 karakter."),
    ("halal_number", "<script>", "Nomor sertifikat halal tidak valid: 3-60 huruf, angka, spasi, titik, garis miring "
                                 "atau tanda hubung."),
    ("pirt_number", "12", "Nomor sertifikat P-IRT tidak valid: 3-60 huruf, angka, spasi, titik, garis miring "
                          "atau tanda hubung."),
    ("bpom_number", "M" * 61, "Nomor sertifikat BPOM tidak valid: 3-60 huruf, angka, spasi, titik, garis miring "
                              "atau tanda hubung."),
])
def test_each_rule_refuses_with_its_message_and_saves_nothing(app, store, field, value, message):
    with pytest.raises(ValidationError) as caught:
        products.create_product(store.id, {**VALID, field: value}, images=[photo()])
    assert caught.value.fields == {field: message}
    assert product_count() == 0
    assert media_files(app) == []


def test_required_fields_are_named_together(store):
    with pytest.raises(ValidationError) as caught:
        products.create_product(store.id, {"stock": -1})
    assert caught.value.fields == {
        "name": "Nama produk wajib diisi.", "category": "Pilih salah satu kategori.", "price": "Harga wajib diisi.",
        "stock": "Stok harus bilangan bulat 0 atau lebih; kosongkan jika stok tidak terbatas.",
    }


def test_update_changes_only_given_fields_and_ignores_what_is_not_the_sellers(make, store):
    other = make.store()
    product = products.create_product(store.id, VALID)
    products.update_product(store.id, product.id, {
        "price": 17500, "name": "Keripik Tempe Pedas", "store_id": other.id, "moderation_reason": "x",
        "rating_sum": 50, "is_admin": True,
    })
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert (product.price, product.name, product.slug) == (17500, "Keripik Tempe Pedas", "keripik-tempe-pedas")
    assert product.store_id == store.id and product.moderation_reason is None and product.rating_sum == 0
    assert product.stock == 20 and product.unit == "bungkus"


def test_update_with_a_bad_field_changes_nothing(store):
    product = products.create_product(store.id, VALID)
    with pytest.raises(ValidationError) as caught:
        products.update_product(store.id, product.id, {"price": 50, "name": "Nama Baru"})
    assert caught.value.fields == {"price": "Harga harus antara Rp100 dan Rp1.000.000.000."}
    db.session.expire_all()
    assert db.session.get(Product, product.id).name == VALID["name"]


def test_another_stores_product_is_not_found_everywhere(make, store):
    theirs = make.product(store=make.store(), price=20000)
    image_id = 999
    calls = [
        lambda: products.get_product(store.id, theirs.id),
        lambda: products.update_product(store.id, theirs.id, {"price": 100}),
        lambda: products.set_active(store.id, theirs.id, False),
        lambda: products.duplicate_product(store.id, theirs.id),
        lambda: products.delete_product(store.id, theirs.id),
        lambda: products.add_images(store.id, theirs.id, [photo()]),
        lambda: products.remove_image(store.id, theirs.id, image_id),
        lambda: products.set_cover(store.id, theirs.id, image_id),
        lambda: products.reorder_images(store.id, theirs.id, []),
    ]
    for call in calls:
        with pytest.raises(NotFoundError):
            call()
    db.session.expire_all()
    assert db.session.get(Product, theirs.id).price == 20000 and db.session.get(Product, theirs.id).is_active
    assert product_count() == 1


def test_duplicate_copies_fields_and_image_files_and_starts_inactive(app, store):
    original = products.create_product(store.id, {**VALID, "halal_number": "ID123456"}, images=[photo(), photo()])
    copy = products.duplicate_product(store.id, original.id)
    assert copy.id != original.id and copy.store_id == store.id
    assert copy.name == "Keripik Tempe Original (salinan)" and copy.is_active is False
    assert (copy.price, copy.stock, copy.unit, copy.halal_number, copy.category_id) == (
        15000, 20, "bungkus", "ID123456", original.category_id)
    assert len(copy.images) == 2
    original_paths = {p for i in original.images for p in (i.thumb_path, i.large_path)}
    copy_paths = {p for i in copy.images for p in (i.thumb_path, i.large_path)}
    assert not original_paths & copy_paths
    assert copy.cover_path == copy.images[0].thumb_path
    root = Path(app.config["UPLOAD_DIR"])
    assert all((root / p).is_file() for p in copy_paths)
    # Deleting the copy leaves the original's files alone.
    products.delete_product(store.id, copy.id)
    assert all((root / p).is_file() for p in original_paths)
    assert not any((root / p).exists() for p in copy_paths)


def test_duplicate_of_a_long_name_stays_within_the_limit(store):
    product = products.create_product(store.id, {**VALID, "name": "K" * 120})
    assert len(products.duplicate_product(store.id, product.id).name) <= 120


def _order(make, store, product):
    buyer = make.user()
    order = Order(code="MLP-20261129-000001", buyer_id=buyer.id, store_id=store.id, fulfilment="pickup",
                  subtotal=product.price, total=product.price)
    order.items.append(OrderItem(product_id=product.id, category_id=product.category_id, name=product.name,
                                 price=product.price, quantity=1, subtotal=product.price))
    db.session.add(order)
    db.session.commit()
    return order


def test_delete_refused_once_ordered_but_deactivation_works(app, make, store):
    product = products.create_product(store.id, VALID, images=[photo()])
    _order(make, store, product)
    with pytest.raises(ConflictError) as caught:
        products.delete_product(store.id, product.id)
    assert "sudah pernah dipesan" in caught.value.message and "Nonaktifkan" in caught.value.message
    assert db.session.get(Product, product.id) is not None
    assert len(media_files(app)) == 3  # thumbnail, medium, large
    assert products.set_active(store.id, product.id, False).is_active is False


def test_delete_of_a_never_ordered_product_removes_rows_and_files(app, store):
    product = products.create_product(store.id, VALID, images=[photo()])
    products.delete_product(store.id, product.id)
    assert product_count() == 0
    assert db.session.scalar(select(func.count()).select_from(ProductImage)) == 0
    assert media_files(app) == []


def test_files_shared_by_another_product_are_kept(app, make, store):
    product = products.create_product(store.id, VALID, images=[photo()])
    image = product.images[0]
    # Demo data shares image files between products.
    other = make.product(store=store)
    db.session.add(ProductImage(product_id=other.id, position=0, thumb_path=image.thumb_path,
                                large_path=image.large_path))
    db.session.commit()
    products.delete_product(store.id, product.id)
    assert len(media_files(app)) == 3


def test_a_moderated_product_cannot_be_reactivated_by_its_seller(store):
    product = products.create_product(store.id, VALID)
    product.is_active = False
    product.moderation_reason = "Foto tidak sesuai produk"
    db.session.commit()
    for call in (lambda: products.set_active(store.id, product.id, True),
                 lambda: products.update_product(store.id, product.id, {"active": True, "price": 1000})):
        with pytest.raises(ValidationError) as caught:
            call()
        assert "Foto tidak sesuai produk" in caught.value.message
        assert "Foto tidak sesuai produk" in caught.value.fields["active"]
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert product.is_active is False and product.price == 15000
    # Other edits stay possible, so the seller can fix what the admin pointed out.
    assert products.update_product(store.id, product.id, {"description": "Foto baru"}).description == "Foto baru"


def test_images_keep_order_and_the_cover_follows_the_first(store):
    product = products.create_product(store.id, VALID, images=[photo((255, 0, 0)), photo((0, 255, 0))])
    first, second = product.images
    assert [i.position for i in product.images] == [0, 1]
    assert product.cover_path == first.thumb_path

    added = products.add_images(store.id, product.id, [photo((0, 0, 255))])
    third = added[0]
    assert [i.id for i in product.images] == [first.id, second.id, third.id]

    products.set_cover(store.id, product.id, third.id)
    assert [i.id for i in product.images] == [third.id, first.id, second.id]
    assert product.cover_path == third.thumb_path

    products.move_image(store.id, product.id, third.id, 99)
    assert [i.id for i in product.images] == [first.id, second.id, third.id]
    assert product.cover_path == first.thumb_path

    products.reorder_images(store.id, product.id, [second.id, third.id, first.id])
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert [(i.id, i.position) for i in product.images] == [(second.id, 0), (third.id, 1), (first.id, 2)]
    assert product.cover_path == product.images[0].thumb_path

    products.remove_image(store.id, product.id, second.id)
    db.session.expire_all()
    product = db.session.get(Product, product.id)
    assert [(i.id, i.position) for i in product.images] == [(third.id, 0), (first.id, 1)]
    assert product.cover_path == third.thumb_path

    products.remove_image(store.id, product.id, third.id)
    products.remove_image(store.id, product.id, first.id)
    assert product.images == [] and product.cover_path is None


def test_reorder_must_name_every_image_once(store):
    product = products.create_product(store.id, VALID, images=[photo(), photo()])
    with pytest.raises(ValidationError):
        products.reorder_images(store.id, product.id, [product.images[0].id])


def test_an_image_of_another_product_is_not_found(store):
    mine = products.create_product(store.id, VALID, images=[photo()])
    other = products.create_product(store.id, VALID, images=[photo()])
    with pytest.raises(NotFoundError):
        products.remove_image(store.id, mine.id, other.images[0].id)


def test_at_most_eight_images(app, store):
    with pytest.raises(ValidationError) as caught:
        products.create_product(store.id, VALID, images=[photo() for _ in range(9)])
    assert caught.value.fields == {"images": "Maksimal 8 foto per produk; Anda masih bisa menambah 8 foto."}
    assert product_count() == 0

    product = products.create_product(store.id, VALID, images=[photo() for _ in range(6)])
    with pytest.raises(ValidationError) as caught:
        products.add_images(store.id, product.id, [photo(), photo(), photo()])
    assert caught.value.fields == {"images": "Maksimal 8 foto per produk; Anda masih bisa menambah 2 foto."}
    products.add_images(store.id, product.id, [photo(), photo()])
    assert len(product.images) == 8
    assert len(media_files(app)) == 24  # three sizes each


def test_one_bad_image_saves_nothing(app, store):
    bad = FileStorage(stream=io.BytesIO(b"<html>"), filename="foto2.png", content_type="image/png")
    with pytest.raises(ValidationError) as caught:
        products.create_product(store.id, VALID, images=[photo(), bad])
    assert caught.value.fields == {"images": "foto2.png: Berkas harus berupa gambar JPEG, PNG, atau WebP."}
    assert product_count() == 0
    assert media_files(app) == []


def test_empty_file_inputs_are_ignored(store):
    empty = FileStorage(stream=io.BytesIO(b""), filename="", content_type="application/octet-stream")
    product = products.create_product(store.id, VALID, images=[empty])
    assert product.images == []


def test_seller_list_filters_and_counts(make, store):
    products.create_product(store.id, {**VALID, "name": "Keripik Tempe"})
    products.create_product(store.id, {**VALID, "name": "Keripik Singkong", "stock": 0})
    products.create_product(store.id, {**VALID, "name": "Sambal Bawang", "active": False})
    products.create_product(store.id, {**VALID, "name": "Jasa Desain", "stock": None})
    make.product(store=make.store(), name="Keripik Tetangga")

    def names(**kwargs):
        return sorted(p.name for p in db.session.scalars(products.store_products(store.id, **kwargs)))

    assert names() == ["Jasa Desain", "Keripik Singkong", "Keripik Tempe", "Sambal Bawang"]
    assert names(q="kerip") == ["Keripik Singkong", "Keripik Tempe"]
    assert names(q="KERIPIK tempe") == ["Keripik Tempe"]
    assert names(q="100%_") == []
    assert names(status="active") == ["Jasa Desain", "Keripik Singkong", "Keripik Tempe"]
    assert names(status="inactive") == ["Sambal Bawang"]
    assert names(status="out_of_stock") == ["Keripik Singkong"]
    assert products.status_counts(store.id) == {"all": 4, "active": 3, "inactive": 1, "out_of_stock": 1}


def test_update_with_a_refused_image_changes_no_field(app, store):
    product = products.create_product(store.id, VALID, images=[photo()])
    bad = FileStorage(stream=io.BytesIO(b"not a photo"), filename="x.jpg", content_type="image/jpeg")
    with pytest.raises(ValidationError) as caught:
        products.update_product(store.id, product.id, {"price": 20000}, images=[bad])
    assert "JPEG, PNG, atau WebP" in caught.value.fields["images"]
    product = db.session.get(Product, product.id)
    assert product.price == 15000 and len(product.images) == 1
    assert len(media_files(app)) == 3
