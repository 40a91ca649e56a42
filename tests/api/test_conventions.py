"""What holds for every endpoint: the error shape for HTTP errors, no CSRF, closed CORS,
request size limits and the rate limits (API.md "Conventions")."""
import pytest

from malpro.services import cart
from tests.api.conftest import ApiClient, assert_error

ADDRESS = {"recipient": "Budi", "phone": "081298765432", "street": "Jl. Ijen No. 10",
           "kecamatan": "Klojen", "kelurahan": "Oro-oro Dowo"}


def test_an_unknown_path_is_a_json_404(api):
    response = api.get("/tidak-ada")

    assert_error(response, 404, "not_found")
    assert_error(api.get("/products/abc"), 404, "not_found")


def test_a_wrong_method_is_a_json_405_with_allow(api):
    response = api.request("PATCH", "/categories")

    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_an_unexpected_failure_is_a_json_500_without_details(api, monkeypatch):
    def broken():
        raise RuntimeError("secret internals")

    monkeypatch.setattr("malpro.api.catalogue.regions", broken)

    response = api.get("/regions")

    error = assert_error(response, 500, "internal_error")
    assert "secret" not in response.get_data(as_text=True) and "Traceback" not in error["message"]


def test_a_request_over_the_global_size_limit_is_a_json_413(api, buyer, app):
    app.config["MAX_CONTENT_LENGTH"] = 1000

    response = api.post("/seller/store/documents", token=buyer.token, data=b"x" * 2000,
                        content_type="application/octet-stream")

    assert_error(response, 413, "payload_too_large")


def test_cors_stays_closed(api, client):
    origin = {"Origin": "https://contoh.example"}

    simple = api.get("/categories", headers=origin)
    preflight = client.options("/api/v1/orders", headers={**origin, "Access-Control-Request-Method": "POST",
                                                           "Access-Control-Request-Headers": "Authorization"})

    for response in (simple, preflight):
        assert not [h for h in response.headers.keys() if h.lower().startswith("access-control-")]


def test_the_api_needs_no_csrf_token(config, request):
    config["WTF_CSRF_ENABLED"] = True
    api = ApiClient(request.getfixturevalue("client"))

    response = api.post("/auth/register", json={"name": "Rina", "email": "rina@example.com",
                                                "password": "rahasia123"})

    assert response.status_code == 201


def test_every_api_answer_is_json_not_html(api, buyer):
    for response in (api.get("/orders/MLP-0-0", token=buyer.token), api.get("/seller/store", token=buyer.token),
                     api.get("/admin/stores", token=buyer.token)):
        assert response.mimetype == "application/json"
        assert b"<html" not in response.data


# --- rate limits ------------------------------------------------------------------------------

@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap password hashes: these tests count requests, and each real hash takes a while."""
    from werkzeug import security

    monkeypatch.setattr("malpro.services.accounts.generate_password_hash",
                        lambda password: security.generate_password_hash(password, method="pbkdf2:sha256:1"))
    monkeypatch.setattr("malpro.services.accounts.check_password_hash",
                        lambda stored, password: password == "rahasia123")


@pytest.fixture
def limited_api(config, request, fast_passwords) -> ApiClient:
    config["RATELIMIT_ENABLED"] = True
    return ApiClient(request.getfixturevalue("client"))


def _assert_rate_limited(response):
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0


def test_ten_failed_token_requests_a_minute_then_429(limited_api, make):
    make.user(email="budi@example.com")
    wrong = {"email": "budi@example.com", "password": "salah-sekali"}

    for _attempt in range(10):
        assert_error(limited_api.post("/auth/token", json=wrong), 401, "unauthorized")

    _assert_rate_limited(limited_api.post("/auth/token", json=wrong))
    # Even the right password waits now: guessing cannot continue under cover of a success.
    _assert_rate_limited(limited_api.post("/auth/token", json={**wrong, "password": "rahasia123"}))
    # Another email from the same address is counted on its own.
    make.user(email="sari@example.com")
    assert limited_api.post("/auth/token", json={"email": "sari@example.com",
                                                 "password": "rahasia123"}).status_code == 200


def test_successful_token_requests_do_not_count(limited_api, make):
    make.user(email="budi@example.com")

    for _attempt in range(12):
        response = limited_api.post("/auth/token", json={"email": "budi@example.com", "password": "rahasia123"})
        assert response.status_code == 200


def test_five_registrations_a_minute_per_address(limited_api):
    for n in range(5):
        response = limited_api.post("/auth/register", json={"name": "Rina", "email": f"rina{n}@example.com",
                                                            "password": "rahasia123"})
        assert response.status_code == 201

    _assert_rate_limited(limited_api.post("/auth/register", json={"name": "Rina", "email": "rina9@example.com",
                                                                  "password": "rahasia123"}))


def test_ten_order_placements_a_minute_per_buyer(limited_api, caller, make):
    product = make.product(stock=None)
    first, second = caller(), caller()
    for buyer in (first, second):
        cart.set_quantity(buyer.id, None, product.id, 1)

    for _attempt in range(10):
        # Each attempt counts, placed or refused (here: no address for a delivery order).
        response = limited_api.post("/orders", token=first.token, json={"fulfilment": {str(product.store_id): "delivery"}})
        assert response.status_code == 422

    _assert_rate_limited(limited_api.post("/orders", token=first.token, json={}))
    placed = limited_api.post("/orders", token=second.token,
                              json={"fulfilment": {str(product.store_id): "delivery"}, "address": ADDRESS})
    assert placed.status_code == 201


def test_rate_limits_switch_off(api, make, fast_passwords):
    make.user(email="budi@example.com")

    for _attempt in range(12):
        assert api.post("/auth/token", json={"email": "budi@example.com", "password": "x"}).status_code == 401
