"""Responses go out compressed when the client takes it, without nginx (Flask-Compress)."""
import gzip

import brotli
import pytest


@pytest.fixture
def product_path(make):
    product = make.product(name="Keripik Tempe Sagu")
    return f"/produk/{product.id}-{product.slug}"


@pytest.mark.parametrize("path", ["/", "/kategori/makanan-minuman", "product", "/cari?q=keripik"])
def test_a_gzip_accepting_request_gets_a_gzip_body_of_the_same_content(client, path, product_path):
    path = product_path if path == "product" else path
    plain = client.get(path)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert len(packed.get_data()) < len(plain.get_data()) / 2
    # The same page, byte for byte, but the request id the page shows nowhere.
    assert gzip.decompress(packed.get_data()) == plain.get_data()


def test_brotli_is_preferred_when_offered(client):
    plain = client.get("/")
    packed = client.get("/", headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert packed.headers["Content-Encoding"] == "br"
    assert brotli.decompress(packed.get_data()) == plain.get_data()


def test_the_api_and_static_files_are_compressed_too_and_tiny_responses_are_not(client):
    api = client.get("/api/v1/categories", headers={"Accept-Encoding": "gzip"})
    assert api.status_code == 200
    assert api.headers.get("Content-Encoding") == "gzip" or len(gzip.compress(api.get_data())) < 1024
    css = client.get("/static/css/app.css", headers={"Accept-Encoding": "gzip, br"})
    assert css.headers["Content-Encoding"] == "br"  # files are streamed: Brotli only
    assert brotli.decompress(css.get_data()) == client.get("/static/css/app.css").get_data()
    health = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in health.headers
