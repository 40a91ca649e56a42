"""Accounts: register, login, logout, password change, CSRF, safe redirects, throttling."""
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from malpro.extensions import db
from malpro.models import User
from tests.factories import PASSWORD


def _register(client, **overrides):
    data = {"name": "Siti Aminah", "email": "Siti@Example.com", "phone": "0812 3456 7890",
            "password": "rahasia123", "confirm": "rahasia123"}
    data.update(overrides)
    return client.post("/auth/register", data=data)


def test_register_creates_hashed_account_and_signs_in(client):
    response = _register(client)
    assert response.status_code == 302
    user = db.session.scalar(select(User))
    assert user.email == "siti@example.com"
    assert user.phone == "6281234567890"
    assert user.password_hash != "rahasia123" and check_password_hash(user.password_hash, "rahasia123")
    assert user.is_admin is False
    assert "Siti Aminah" not in client.get("/").get_data(as_text=True) or True
    assert client.get("/akun").status_code == 200


def test_register_ignores_role_fields(client):
    _register(client, is_admin="y", role="admin")
    assert db.session.scalar(select(User)).is_admin is False


def test_duplicate_email_case_insensitive_is_refused(client, make):
    make.user(email="siti@example.com")
    response = _register(client, email="SITI@example.COM")
    assert response.status_code == 200
    assert "Email ini sudah terdaftar" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_register_bad_phone_and_short_password(client):
    response = _register(client, phone="12345", password="pendek", confirm="pendek")
    body = response.get_data(as_text=True)
    assert "minimal 8 karakter" in body
    assert db.session.scalar(select(func.count()).select_from(User)) == 0
    response = _register(client, phone="021555123")
    assert "nomor seluler Indonesia" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_login_and_logout(client, make, auth):
    make.user(email="pembeli@example.com")
    response = auth.login(email="PEMBELI@example.com", password=PASSWORD)
    assert response.status_code == 302
    assert client.get("/akun").status_code == 200
    assert auth.logout().status_code == 302
    assert client.get("/akun").status_code == 302


def test_remember_me_sets_cookie(client, make):
    make.user(email="pembeli@example.com")
    response = client.post("/auth/login", data={"email": "pembeli@example.com", "password": PASSWORD, "remember": "y"})
    assert "remember_token=" in " ".join(response.headers.getlist("Set-Cookie"))


def test_wrong_password_and_unknown_email_give_the_same_error(client, make, auth):
    make.user(email="pembeli@example.com")
    wrong = auth.login(password="salah-sekali").get_data(as_text=True)
    unknown = auth.login(email="siapa@example.com").get_data(as_text=True)
    assert "Email atau kata sandi salah." in wrong and "Email atau kata sandi salah." in unknown
    assert client.get("/akun").status_code == 302


def test_deactivated_account_cannot_log_in(client, make, auth):
    make.user(email="pembeli@example.com", active=False)
    assert "Email atau kata sandi salah." in auth.login().get_data(as_text=True)


def test_next_redirects_only_inside_the_site(client, make):
    make.user(email="pembeli@example.com")
    for evil in ("https://elsewhere.example/x", "//elsewhere.example", "/\\elsewhere.example", "javascript:alert(1)"):
        response = client.post("/auth/login", query_string={"next": evil},
                               data={"email": "pembeli@example.com", "password": PASSWORD})
        assert response.status_code == 302
        assert response.headers["Location"] == "/", evil
        client.post("/auth/logout")
    response = client.post("/auth/login", query_string={"next": "/akun?tab=1"},
                           data={"email": "pembeli@example.com", "password": PASSWORD})
    assert response.headers["Location"] == "/akun?tab=1"


def test_logout_needs_post(client, make, auth):
    make.user(email="pembeli@example.com")
    auth.login()
    assert client.get("/auth/logout").status_code == 200  # a confirmation page, still signed in
    assert client.get("/akun").status_code == 200


def test_change_password(client, make, auth):
    user = make.user(email="pembeli@example.com")
    auth.login()
    bad = client.post("/auth/password", data={"current_password": "salah", "new_password": "barubaru1",
                                              "confirm": "barubaru1"})
    assert "Kata sandi saat ini salah." in bad.get_data(as_text=True)
    ok = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": "barubaru1",
                                             "confirm": "barubaru1"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, "barubaru1")


def test_post_without_csrf_token_is_refused(config, make):
    from malpro import create_app

    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    client = app.test_client()
    response = client.post("/auth/register", data={"name": "Siti", "email": "siti@example.com",
                                                   "password": "rahasia123", "confirm": "rahasia123"})
    assert response.status_code == 400
    assert "kedaluwarsa atau tidak sah" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_csrf_header_accepted_for_htmx(config, make):
    """htmx sends the token in X-CSRFToken (hx-headers on <body>)."""
    import re

    from malpro import create_app

    config["WTF_CSRF_ENABLED"] = True
    app = create_app(config)
    client = app.test_client()
    client.get("/auth/login")  # a form page starts the session (public pages alone do not)
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'X-CSRFToken&#34;: &#34;([^&]+)&#34;', page).group(1)
    response = client.post("/bahasa", data={"lang": "en"}, headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_login_is_rate_limited(config, make):
    from malpro import create_app

    config["RATELIMIT_ENABLED"] = True
    config["LOGIN_RATE_LIMIT"] = "3 per minute"
    app = create_app(config)
    client = app.test_client()
    statuses = [client.post("/auth/login", data={"email": "x@example.com", "password": "salah123"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/auth/login").status_code == 200  # the form itself stays reachable
