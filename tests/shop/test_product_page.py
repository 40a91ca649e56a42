"""The product page: canonical address, content, WhatsApp link, OpenGraph tags, visibility."""
import html as html_lib
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from malpro.extensions import db
from malpro.models import ProductImage
from malpro.services.catalog import today_wib


@pytest.fixture
def product(make):
    store = make.store(name="Keripik Tempe Bu Sri", slug="keripik-tempe-bu-sri", kecamatan="Sukun",
                       kelurahan="Pisang Candi", phone="6285712340001")
    product = make.product(store=store, name="Keripik Tempe Original 250 gr", slug="keripik-tempe-original-250-gr",
                           price=15000, stock=12, unit="bungkus", description="Renyah, tanpa pengawet.",
                           halal_number="ID35110000123", pirt_number="P-IRT 2063573010203-28",
                           rating_sum=14, rating_count=3)
    db.session.add_all([
        ProductImage(product=product, position=1, thumb_path="products/b_t.webp", large_path="products/b_l.webp"),
        ProductImage(product=product, position=0, thumb_path="products/a_t.webp", large_path="products/a_l.webp"),
    ])
    db.session.commit()
    return product


def meta(html: str, key: str) -> str | None:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    return html_lib.unescape(match.group(1)) if match else None


def test_short_and_old_addresses_redirect_to_the_canonical_one(client, product):
    canonical = f"/produk/{product.id}-keripik-tempe-original-250-gr"
    for path in (f"/produk/{product.id}", f"/produk/{product.id}-nama-lama", f"/produk/{product.id}-KERIPIK"):
        response = client.get(path)
        assert response.status_code == 301, path
        assert response.headers["Location"] == canonical
    assert client.get(canonical).status_code == 200


def test_renamed_product_keeps_its_links(client, product):
    product.name, product.slug = "Keripik Tempe Renyah", "keripik-tempe-renyah"
    db.session.commit()
    response = client.get(f"/produk/{product.id}-keripik-tempe-original-250-gr")
    assert response.headers["Location"] == f"/produk/{product.id}-keripik-tempe-renyah"


def test_product_page_content(client, product, make):
    other = make.product(name="Keripik Tempe Pedas", store=product.store)
    make.product(name="Kemeja Batik", category="fashion-pria")
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    assert "<h1>Keripik Tempe Original 250 gr</h1>" in html
    assert "Rp15.000" in html and "/ bungkus" in html
    assert "Stok: 12" in html
    assert "ID35110000123" in html and "P-IRT 2063573010203-28" in html and "BPOM" not in html.split("<main")[1]
    assert "Keripik Tempe Bu Sri" in html and "Terverifikasi" in html and "Kec. Sukun" in html
    assert 'href="/toko/keripik-tempe-bu-sri"' in html
    assert "Rating 4.7 dari 5 (3 ulasan)" in html
    # Images in their order, the cover first.
    assert html.index("/media/products/a_l.webp") < html.index("/media/products/b_l.webp")
    # Related: the same category, not the product itself, not other categories.
    related = html.split('id="related-heading"')[1].split("</section>")[0]
    assert other.name in related and "Kemeja Batik" not in related
    assert f"/produk/{product.id}-" not in related


def test_whatsapp_link_names_the_product(client, product):
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    link = html_lib.unescape(re.search(r'href="(https://wa\.me/[^"]+)"', html).group(1))
    parts = urlsplit(link)
    assert parts.netloc == "wa.me" and parts.path == "/6285712340001"
    text = parse_qs(parts.query)["text"][0]
    assert "Keripik Tempe Original 250 gr" in text and "Rp15.000" in text
    assert f"/produk/{product.id}-keripik-tempe-original-250-gr" in text


def test_open_graph_tags(client, product):
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    url = f"http://localhost/produk/{product.id}-keripik-tempe-original-250-gr"
    assert meta(html, "og:title") == "Keripik Tempe Original 250 gr – Rp15.000"
    assert "Rp15.000" in meta(html, "og:description") and "Keripik Tempe Bu Sri" in meta(html, "og:description")
    assert meta(html, "og:url") == url
    assert meta(html, "og:image") == "http://localhost/media/products/a_l.webp"
    assert meta(html, "og:type") == "product"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image") == "http://localhost/media/products/a_l.webp"
    assert f'<link rel="canonical" href="{url}">' in html


def test_open_graph_uses_the_public_address_when_configured(app, client, product):
    app.config["PUBLIC_BASE_URL"] = "https://malpro.malangkota.go.id"
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    assert meta(html, "og:image") == "https://malpro.malangkota.go.id/media/products/a_l.webp"
    assert meta(html, "og:url").startswith("https://malpro.malangkota.go.id/produk/")


@pytest.mark.parametrize("stock,label", [(None, "Tersedia"), (0, "Stok habis"), (3, "Stok: 3")])
def test_stock_states(client, product, stock, label):
    product.stock = stock
    db.session.commit()
    assert label in client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)


def test_closed_store_makes_the_product_unavailable(client, product):
    product.store.closed_from = today_wib()
    product.store.closed_until = today_wib() + timedelta(days=2)
    product.store.closed_note = "Libur Lebaran."
    db.session.commit()
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    assert "Tidak tersedia: toko sedang libur" in html and "Libur Lebaran." in html


def test_product_without_images(client, make):
    product = make.product(name="Jasa Jahit Kebaya", stock=None)
    html = client.get(f"/produk/{product.id}-{product.slug}").get_data(as_text=True)
    assert 'class="no-image large"' in html and meta(html, "og:image") is None
    assert meta(html, "twitter:card") == "summary"


@pytest.mark.parametrize("status", ["pending", "rejected", "suspended"])
def test_products_of_unverified_stores_are_not_found(client, make, status):
    product = make.product(store=make.store(status=status))
    assert client.get(f"/produk/{product.id}").status_code == 404
    assert client.get(f"/produk/{product.id}-{product.slug}").status_code == 404


def test_inactive_and_missing_products_are_not_found(client, make):
    product = make.product(is_active=False)
    assert client.get(f"/produk/{product.id}-{product.slug}").status_code == 404
    assert client.get("/produk/999999").status_code == 404
    assert client.get("/produk/abc").status_code == 404


def test_product_becomes_invisible_on_the_next_request(client, product):
    path = f"/produk/{product.id}-{product.slug}"
    assert client.get(path).status_code == 200
    product.store.status = "suspended"
    db.session.commit()
    assert client.get(path).status_code == 404
