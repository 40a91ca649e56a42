"""/media serves product images and logos only: no spelling of `..` reaches the private legality
documents beside them (issue 15, point 7)."""
from pathlib import Path

import pytest

SECRET = b"%PDF-1.4 rahasia NIB %%EOF"

TRAVERSALS = [
    "/media/products/../documents/{name}",
    "/media/logos/../documents/{name}",
    "/media/products/..%2fdocuments/{name}",
    "/media/products/..%2Fdocuments/{name}",
    "/media/products/%2e%2e/documents/{name}",
    "/media/products/%2E%2E%2Fdocuments%2F{name}",
    "/media/products/.%2e/documents/{name}",
    "/media/products%2f..%2fdocuments%2f{name}",
    "/media/products/./../documents/{name}",
    "/media/products//../documents/{name}",
    "/media/products/x/../../documents/{name}",
    "/media/products/..\\documents\\{name}",
    "/media/products/..%5cdocuments%5c{name}",
    "/media/products/%252e%252e/documents/{name}",
    "/media/documents/{name}",
    "/media/products/../../instance/secret_key",
    "/media/products/../../../../etc/passwd",
    "/media//etc/passwd",
    "/media/products",
    "/media/products/",
]


@pytest.fixture
def media(app):
    uploads = Path(app.config["UPLOAD_DIR"])
    for folder in ("products", "logos", "documents"):
        (uploads / folder).mkdir(parents=True, exist_ok=True)
    (uploads / "documents" / "abc123.pdf").write_bytes(SECRET)
    (uploads / "products" / "foto_t.webp").write_bytes(b"RIFF....WEBP")
    (uploads / "logos" / "logo_t.webp").write_bytes(b"RIFF....WEBP")
    return uploads


def test_public_images_are_served(client, media):
    for url in ("/media/products/foto_t.webp", "/media/logos/logo_t.webp"):
        response = client.get(url)
        assert response.status_code == 200 and response.data == b"RIFF....WEBP"
        assert "public" in response.headers["Cache-Control"]


@pytest.mark.parametrize("template", TRAVERSALS)
def test_no_path_reaches_the_documents(client, media, template):
    response = client.get(template.format(name="abc123.pdf"), follow_redirects=True)
    assert response.status_code == 404
    assert SECRET not in response.data
    assert "public" not in response.headers.get("Cache-Control", "")
