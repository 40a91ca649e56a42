"""Where a sign-in lands (issue 13.1): sellers at /seller/, admins at /admin/, buyers on the home
page; anyone sent to sign in from a page goes back to it."""
from tests.factories import PASSWORD


def _login(client, email, next_url=None):
    return client.post("/auth/login", query_string={"next": next_url} if next_url else None,
                       data={"email": email, "password": PASSWORD})


def test_a_seller_lands_on_the_seller_dashboard(client, make):
    make.store(owner=make.user(email="penjual@example.com"))
    response = _login(client, "penjual@example.com")
    assert response.headers["Location"] == "/seller/"
    assert client.get("/seller/").status_code == 200


def test_a_seller_from_the_header_link_on_the_home_page_lands_on_the_dashboard_too(client, make):
    make.store(owner=make.user(email="penjual@example.com"), status="pending")
    assert _login(client, "penjual@example.com", next_url="/").headers["Location"] == "/seller/"


def test_a_seller_sent_to_sign_in_from_checkout_goes_back_there(client, make):
    make.store(owner=make.user(email="penjual@example.com"))
    assert _login(client, "penjual@example.com", next_url="/checkout").headers["Location"] == "/checkout"


def test_an_admin_lands_on_the_admin_dashboard(client, make):
    make.admin(email="admin@example.com")
    assert _login(client, "admin@example.com").headers["Location"] == "/admin/"


def test_a_buyer_lands_where_they_came_from_or_on_the_home_page(app, make):
    make.user(email="pembeli@example.com")
    assert _login(app.test_client(), "pembeli@example.com").headers["Location"] == "/"
    assert _login(app.test_client(), "pembeli@example.com", next_url="/keranjang").headers["Location"] == "/keranjang"


def test_a_signed_in_seller_opening_the_sign_in_page_goes_to_the_dashboard(client, make):
    make.store(owner=make.user(email="penjual@example.com"))
    _login(client, "penjual@example.com")
    assert client.get("/auth/login").headers["Location"] == "/seller/"
