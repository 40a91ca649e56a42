"""Password rules (issue 15.3, DOMAIN.md "Accounts"): 8-128 characters, checked before hashing;
not a common password; not containing the email's name part. Web and API: register, change,
reset."""
import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from malpro.extensions import db
from malpro.models import User
from malpro.services import password_reset, passwords
from tests.factories import PASSWORD

COMMON = "Kata sandi ini terlalu umum"
NAME_PART = "tidak boleh memuat nama pada alamat email"
TOO_LONG = "paling banyak 128 karakter"


def _users() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_the_common_list_is_the_library_s_not_a_handful():
    words = passwords.common_passwords()
    assert len(words) > 10_000
    assert {"password", "12345678", "iloveyou", "qwertyuiop", "passw0rd"} <= words


@pytest.mark.parametrize(("password", "message"), [
    ("12345678", COMMON), ("password", COMMON), ("PassWord", COMMON), ("qwertyuiop", COMMON),
    ("x" * 129, TOO_LONG), ("a" * 900_000, TOO_LONG),
    ("sitiaminah2026", NAME_PART), ("Aminah-di-Malang", NAME_PART), ("pendek", "minimal 8 karakter"),
])
def test_web_registration_refuses_weak_passwords(client, password, message):
    response = client.post("/auth/register", data={"name": "Siti Aminah", "email": "siti.aminah@example.com",
                                                   "password": password, "confirm": password})
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert _users() == 0


def test_a_900000_character_password_is_refused_before_it_is_hashed(client, monkeypatch):
    hashed = []
    monkeypatch.setattr("malpro.services.accounts.generate_password_hash", lambda p: hashed.append(p) or "x")
    client.post("/auth/register", data={"name": "Siti", "email": "siti@example.com", "password": "a" * 900_000,
                                        "confirm": "a" * 900_000})
    assert hashed == [] and _users() == 0


def test_128_characters_is_accepted(client):
    password = "kopi-tubruk-" + "m" * 116
    response = client.post("/auth/register", data={"name": "Siti", "email": "siti@example.com",
                                                   "password": password, "confirm": password})
    assert response.status_code == 302
    assert check_password_hash(db.session.scalar(select(User)).password_hash, password)


def test_a_short_name_part_does_not_block_every_password(client):
    response = client.post("/auth/register", data={"name": "Ani", "email": "an@example.com",
                                                   "password": "bandana-kuning", "confirm": "bandana-kuning"})
    assert response.status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("password", COMMON), ("12345678", COMMON), ("budi-santoso-99", NAME_PART), ("b" * 129, TOO_LONG),
])
def test_api_registration_refuses_weak_passwords(client, password, message):
    response = client.post("/api/v1/auth/register", json={"name": "Budi", "email": "budi.santoso@example.com",
                                                          "password": password})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "validation_error" and message in error["fields"]["password"]
    assert _users() == 0


@pytest.mark.parametrize(("password", "message"), [("password", COMMON), ("pembeli-baru-1", NAME_PART),
                                                   ("z" * 200, TOO_LONG)])
def test_web_password_change_refuses_weak_passwords(client, make, auth, password, message):
    user = make.user(email="pembeli@example.com")
    before = user.password_hash
    auth.login()
    response = client.post("/auth/password", data={"current_password": PASSWORD, "new_password": password,
                                                   "confirm": password})
    assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.password_hash == before


def test_api_password_change_refuses_a_common_password(client, make):
    from malpro.services import tokens

    user = make.user(email="pembeli@example.com")
    raw, _row = tokens.issue_token(user.id)
    response = client.put("/api/v1/me/password", headers={"Authorization": f"Bearer {raw}"},
                          json={"current_password": PASSWORD, "new_password": "iloveyou"})
    assert response.status_code == 422
    assert COMMON in response.get_json()["error"]["fields"]["new_password"]


def test_password_reset_refuses_weak_passwords(app, client, make):
    user = make.user(email="pembeli@example.com")
    admin = make.admin()
    _user, raw = password_reset.create_link_by_admin(admin.id, user.id)
    client.get(f"/auth/lupa-sandi/{raw}")
    for password, message in (("12345678", COMMON), ("pembeli-lupa", NAME_PART), ("q" * 129, TOO_LONG)):
        response = client.post("/auth/lupa-sandi/atur", data={"password": password, "confirm": password})
        assert message in response.get_data(as_text=True)
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)
    assert password_reset.user_for_link(raw) is not None  # a refused attempt does not use the link up


def test_sign_in_with_an_over_long_password_is_a_plain_failure(client, make, auth):
    make.user(email="pembeli@example.com")
    response = auth.login(password="a" * 900_000)
    assert "Email atau kata sandi salah." in response.get_data(as_text=True)


def test_the_register_form_shows_the_password_rule_with_the_other_errors_at_once(client):
    response = client.post("/auth/register", data={"name": "Siti", "email": "siti@example.com", "phone": "12345",
                                                   "password": "password", "confirm": "password"})
    body = response.get_data(as_text=True)
    assert COMMON in body and "nomor seluler Indonesia" in body
    assert _users() == 0


def test_a_short_password_is_reported_once(client):
    body = client.post("/auth/register", data={"name": "Siti", "email": "siti@example.com", "password": "pendek",
                                               "confirm": "pendek"}).get_data(as_text=True)
    assert '<p class="error" id="password-error">Kata sandi minimal 8 karakter.</p>' in body
