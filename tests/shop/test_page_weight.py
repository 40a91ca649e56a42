"""What phones load first (issue 18): the product page's picture in the size of its slot
(`srcset` with the medium version), the first card pictures of a listing at once and with
high priority (the largest element of the first screen), headings in order h1, h2, h3."""
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from werkzeug.datastructures import FileStorage

from malpro.extensions import db
from malpro.models import ProductImage
from malpro.services import products as product_service
from malpro.services.images import MEDIUM_SIZE, delete_image_files, medium_path, save_image


def photo(size=(1600, 1200)) -> FileStorage:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 30)).save(buffer, "JPEG")
    return FileStorage(stream=io.BytesIO(buffer.getvalue()), filename="foto.jpg", content_type="image/jpeg")


def width_of(app, relative: str) -> int:
    with Image.open(Path(app.config["UPLOAD_DIR"]) / relative) as image:
        return image.width


def test_a_product_photo_gets_a_medium_version_of_the_same_shape(app):
    thumb, large = save_image(photo(), "products", medium=True)
    medium = medium_path(large)
    assert medium.endswith("_m.webp") and medium != large
    with Image.open(Path(app.config["UPLOAD_DIR"]) / medium) as image:
        assert image.format == "WEBP" and image.size == (MEDIUM_SIZE, MEDIUM_SIZE * 3 // 4)
    delete_image_files(thumb, large)  # the medium version goes with the large one
    assert not (Path(app.config["UPLOAD_DIR"]) / medium).exists()


def test_other_uploads_get_no_medium_version(app):
    _thumb, large = save_image(photo(), "logos")
    assert not (Path(app.config["UPLOAD_DIR"]) / medium_path(large)).exists()


def test_the_gallery_offers_the_medium_version_to_phones(app, client, make):
    thumb, large = save_image(photo(), "products", medium=True)
    product = make.product(name="Keripik Apel", slug="keripik-apel")
    db.session.add(ProductImage(product=product, position=0, thumb_path=thumb, large_path=large))
    db.session.commit()

    html = client.get(f"/produk/{product.id}-keripik-apel").get_data(as_text=True)
    gallery = re.search(r'<div class="gallery".*?</div>', html, re.S).group(0)
    img = re.search(r"<img [^>]+>", gallery).group(0)
    assert f'srcset="/media/{medium_path(large)} {MEDIUM_SIZE}w, /media/{large} 1200w"' in img
    assert 'sizes="(min-width: 720px) 540px, calc(100vw - 1.5rem)"' in img
    assert 'fetchpriority="high"' in img and "loading=" not in img
    assert client.get(f"/media/{medium_path(large)}").status_code == 200


def test_a_photo_without_medium_version_is_shown_without_srcset_until_one_is_made(app, client, make, runner):
    thumb, large = save_image(photo(), "products")  # as stored before medium versions existed
    product = make.product(name="Sambal Bawang", slug="sambal-bawang")
    db.session.add(ProductImage(product=product, position=0, thumb_path=thumb, large_path=large))
    db.session.commit()
    page = f"/produk/{product.id}-sambal-bawang"
    assert "srcset=" not in client.get(page).get_data(as_text=True)

    result = runner.invoke(args=["media-sizes"])
    assert result.exit_code == 0 and "1 foto" in result.output
    assert width_of(app, medium_path(large)) == MEDIUM_SIZE
    assert "0 foto" in runner.invoke(args=["media-sizes"]).output  # idempotent
    product.name = "Sambal Bawang Pedas"  # a new rendering (renderings are kept by value)
    db.session.commit()
    assert f"/media/{medium_path(large)} {MEDIUM_SIZE}w" in client.get(page, follow_redirects=True).get_data(as_text=True)


def test_a_copied_product_copies_the_medium_version(app, make):
    store = make.store()
    original = product_service.create_product(
        store.id, {"name": "Batik Tulis", "category": "fashion-wanita", "price": 250000, "stock": 3},
        images=[photo()])
    copy = product_service.duplicate_product(store.id, original.id)
    large = copy.images[0].large_path
    assert large != original.images[0].large_path
    assert width_of(app, medium_path(large)) == MEDIUM_SIZE


@pytest.mark.parametrize("path", ["/", "/kategori/makanan-minuman", "/cari?q=keripik"])
def test_the_first_two_cards_load_their_picture_first_and_the_rest_lazily(client, make, path):
    store = make.store()
    for n in range(5):
        make.product(store=store, name=f"Keripik Rasa {n}", cover_path=f"products/k{n}_t.webp")
    html = client.get(path).get_data(as_text=True)
    cards = re.findall(r'<article class="product-card.*?</article>', html, re.S)
    pictures = [re.search(r"<img [^>]+>", card).group(0) for card in cards]
    assert len(pictures) == 5
    assert all('fetchpriority="high"' in p and "loading=" not in p for p in pictures[:2])
    assert all('loading="lazy"' in p and "fetchpriority" not in p for p in pictures[2:])


def test_more_cards_loaded_by_htmx_are_all_lazy(client, make):
    store = make.store()
    for n in range(30):
        make.product(store=store, name=f"Kopi Dampit {n}", cover_path=f"products/c{n}_t.webp")
    html = client.get("/kategori/makanan-minuman?page=2", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert 'loading="lazy"' in html and "fetchpriority" not in html


@pytest.mark.parametrize("path", ["/kategori/makanan-minuman", "/cari?q=keripik", "/"])
def test_listing_headings_do_not_skip_a_level(client, make, path):
    make.product(name="Keripik Tempe")
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", client.get(path).get_data(as_text=True))]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels


def test_the_store_page_keeps_its_visible_products_heading(client, make):
    store = make.store(slug="toko-sri")
    make.product(store=store, name="Keripik Tempe")
    html = client.get("/toko/toko-sri").get_data(as_text=True)
    assert html.count('id="listing-heading"') == 1
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", html)]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
