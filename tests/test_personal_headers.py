"""A route's own Content-Security-Policy is kept, and what is built for a signed-in person is
never stored by a browser or proxy (issue 15, point 11); legality documents open in the
browser, still private and sandboxed (issue 13, point 15)."""
import pytest

from malpro.services import tokens, verification
from tests.helpers import PDF_BYTES, FakeUpload, png_bytes
from tests.order_helpers import place_order

SANDBOX = "default-src 'none'; sandbox"


@pytest.fixture
def world(make):
    seller = make.user(email="penjual@example.com")
    store = make.store(owner=seller)
    product = make.product(store=store)
    buyer = make.user(email="pembeli@example.com")
    order = place_order(buyer, (product, 1))
    pdf = verification.add_document(seller.id, FakeUpload(PDF_BYTES, "nib.pdf"))
    image = verification.add_document(seller.id, FakeUpload(png_bytes(), "nib.png"))
    admin = make.admin(email="admin@example.com")
    return {"seller": seller, "buyer": buyer, "admin": admin, "order": order, "product": product,
            "pdf": pdf.id, "image": image.id, "store": store}


def _login(client, email):
    client.post("/auth/login", data={"email": email, "password": "rahasia123"})


@pytest.mark.parametrize("who", ["seller", "admin"])
def test_a_document_opens_in_the_browser_with_its_own_sandbox_policy(client, world, who):
    _login(client, world[who].email)
    for key, content_type in (("pdf", "application/pdf"), ("image", "image/png")):
        response = client.get(f"/seller/dokumen/{world[key]}")
        assert response.status_code == 200 and response.mimetype == content_type
        assert response.headers["Content-Disposition"].startswith("inline;")
        assert response.headers["Content-Security-Policy"] == SANDBOX  # not the site's policy
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        saved = client.get(f"/seller/dokumen/{world[key]}?unduh=1")
        assert saved.headers["Content-Disposition"].startswith("attachment;")
        assert saved.headers["Content-Security-Policy"] == SANDBOX


def test_the_admin_review_page_opens_documents_in_a_new_tab(client, world):
    _login(client, "admin@example.com")
    page = client.get(f"/admin/toko/{world['store'].id}").get_data(as_text=True)
    assert f'href="/seller/dokumen/{world["pdf"]}" target="_blank" rel="noopener"' in page
    assert f'href="/seller/dokumen/{world["pdf"]}?unduh=1"' in page


def test_the_api_document_stays_an_attachment_and_sandboxed(client, world):
    token = tokens.issue_token(world["admin"].id)[0]
    response = client.get(f"/api/v1/documents/{world['pdf']}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Content-Security-Policy"] == SANDBOX
    assert response.headers["Cache-Control"] == "private, no-store"


def _no_store(response):
    return "no-store" in response.headers.get("Cache-Control", "")


PERSONAL_PAGES = {
    "buyer": ("/akun", "/pesanan", "/pesanan/{code}", "/keranjang", "/notifikasi"),
    "seller": ("/seller/", "/seller/produk", "/seller/pesanan", "/seller/toko"),
    "admin": ("/admin/", "/admin/verifikasi", "/admin/toko/{store}", "/admin/pengguna"),
}


@pytest.mark.parametrize("who", sorted(PERSONAL_PAGES))
def test_personal_pages_are_not_stored(client, world, who):
    # One signed-in person per test: the test client shares the app context (and g) between
    # its clients, which a real server never does.
    _login(client, world[who].email)
    for url in PERSONAL_PAGES[who]:
        url = url.format(code=world["order"].code, store=world["store"].id)
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_the_apis_personal_resources_are_not_stored(client, world):
    token = tokens.issue_token(world["buyer"].id)[0]
    auth = {"Authorization": f"Bearer {token}"}
    for path in ("/api/v1/me", "/api/v1/cart", "/api/v1/orders", f"/api/v1/orders/{world['order'].code}"):
        response = client.get(path, headers=auth)
        assert response.status_code == 200 and _no_store(response), path
    seller = {"Authorization": f"Bearer {tokens.issue_token(world['seller'].id)[0]}"}
    for path in ("/api/v1/seller/store", "/api/v1/seller/products", "/api/v1/seller/orders"):
        response = client.get(path, headers=seller)
        assert response.status_code == 200 and _no_store(response), path


def test_public_pages_keep_their_caching(client, world):
    product = world["product"]
    for url in ("/", f"/produk/{product.id}-{product.slug}", "/api/v1/categories", "/api/v1/products"):
        response = client.get(url)
        assert response.status_code == 200 and not _no_store(response), url
    assert client.get("/transparansi").headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/static/css/app.css").headers.get("Cache-Control") != "no-store"
