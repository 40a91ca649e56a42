"""Uploads are counted per account across the web and the API (issue 15, point 9): past
UPLOAD_RATE_LIMIT a request is refused whole with 429 and Retry-After, before any file is
decoded, and nothing of it is stored."""
import io

import pytest
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import ProductImage
from malpro.services import products, tokens
from tests.api.conftest import check_response
from tests.helpers import png_bytes


@pytest.fixture
def config(config):
    config["RATELIMIT_ENABLED"] = True
    config["UPLOAD_RATE_LIMIT"] = "3 per hour"
    return config


@pytest.fixture
def seller(make):
    store = make.store(owner=make.user(email="penjual@example.com"))
    product = products.create_product(store.id, {"name": "Sambal", "category": "makanan-minuman",
                                                 "price": 25000, "stock": 5, "unit": "botol"})
    return store.owner, product


def _images() -> int:
    return db.session.scalar(select(func.count()).select_from(ProductImage))


def _photos(n: int) -> dict:
    return {"images": [(io.BytesIO(png_bytes()), f"foto{i}.png") for i in range(n)]}


def test_web_and_api_uploads_share_one_allowance_per_account(client, seller):
    owner, product = seller
    client.post("/auth/login", data={"email": owner.email, "password": "rahasia123"})
    edit = f"/seller/produk/{product.id}/ubah"
    form = {"name": "Sambal", "category": "makanan-minuman", "price": "25000", "stock": "5", "unit": "botol"}
    response = client.post(edit, data={**form, **_photos(2)}, content_type="multipart/form-data")
    assert response.status_code in (200, 303) and _images() == 2

    # Two more would make 4 of 3: refused whole, nothing decoded or stored, in the page's language.
    refused = client.post(edit, data={**form, **_photos(2)}, content_type="multipart/form-data")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak berkas diunggah" in refused.get_data(as_text=True)
    assert _images() == 2

    # The API counts against the same account.
    token = tokens.issue_token(owner.id)[0]
    auth = {"Authorization": f"Bearer {token}"}
    ok = client.post(f"/api/v1/seller/products/{product.id}/images", headers=auth,
                     data={"file": (io.BytesIO(png_bytes()), "a.png")}, content_type="multipart/form-data")
    assert ok.status_code == 201 and _images() == 3
    check_response("POST", f"/seller/products/{product.id}/images", ok)
    over = client.post(f"/api/v1/seller/products/{product.id}/images", headers=auth,
                       data={"file": (io.BytesIO(png_bytes()), "b.png")}, content_type="multipart/form-data")
    assert over.status_code == 429 and over.json["error"]["code"] == "rate_limited"
    assert int(over.headers["Retry-After"]) > 0 and _images() == 3
    check_response("POST", f"/seller/products/{product.id}/images", over)  # as the OpenAPI document says


def test_another_account_has_its_own_allowance(app, seller, make):
    owner, product = seller
    other = make.store(owner=make.user(email="lain@example.com")).owner
    for user in (owner, other):
        token = tokens.issue_token(user.id)[0]
        answer = app.test_client().post("/api/v1/seller/store/documents", headers={"Authorization": f"Bearer {token}"},
                                        data={"file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "nib.pdf")},
                                        content_type="multipart/form-data")
        assert answer.status_code == 201
