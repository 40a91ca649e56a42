"""Login sessions live on the server (issue 15.1, DOMAIN.md "Accounts"): logout ends them,
remember-me tokens differ per sign-in, expire and are revocable one by one, a password change
ends the other sessions and API tokens, and "Keluar dari semua perangkat" ends them all."""
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from malpro.extensions import db
from malpro.models import ApiToken, LoginSession, utcnow
from malpro.services import tokens
from tests.factories import PASSWORD

EMAIL = "pembeli@example.com"


@pytest.fixture
def api_client(app):
    """A client of its own for bearer-token calls (no browser cookies)."""
    return app.test_client()


def _login(client, remember=False, user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile Safari/537.36"):
    response = client.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y" if remember else ""},
                           headers={"User-Agent": user_agent})
    assert response.status_code == 302
    return response


def _cookie(client, name):
    cookie = client.get_cookie(name)
    return cookie.value if cookie else None


def _signed_in(client) -> bool:
    return client.get("/akun").status_code == 200


def test_logout_ends_the_session_on_the_server(client, make):
    make.user(email=EMAIL)
    _login(client)
    stolen = _cookie(client, "session")

    client.post("/auth/logout")
    assert not _signed_in(client)

    client.set_cookie("session", stolen)  # the cookie copied before logout
    assert not _signed_in(client)


def test_remember_token_alone_stops_working_after_logout(app, make):
    make.user(email=EMAIL)
    client = app.test_client()
    _login(client, remember=True)
    remember = _cookie(client, "remember_token")
    assert remember

    fresh = app.test_client()  # a browser with only the remember-me cookie
    fresh.set_cookie("remember_token", remember)
    assert _signed_in(fresh)

    client.post("/auth/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not _signed_in(replay)


def test_each_sign_in_gets_its_own_remember_token_that_expires_in_30_days(app, make):
    user = make.user(email=EMAIL)
    first, second = app.test_client(), app.test_client()
    _login(first, remember=True)
    _login(second, remember=True)
    assert _cookie(first, "remember_token") != _cookie(second, "remember_token")

    rows = db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()
    assert len(rows) == 2 and all(row.remember for row in rows)
    for row in rows:
        assert timedelta(days=29, hours=23) < row.expires_at - row.created_at <= timedelta(days=30)
        assert len(row.token_hash) == 64  # only a hash is stored, never the cookie's secret
        assert row.token_hash not in _cookie(first, "remember_token") + _cookie(second, "remember_token")


def test_an_expired_remember_token_signs_nobody_in(app, make):
    make.user(email=EMAIL)
    client = app.test_client()
    _login(client, remember=True)
    remember = _cookie(client, "remember_token")
    db.session.execute(update(LoginSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()

    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not _signed_in(replay)
    assert not _signed_in(client)


def test_the_remember_cookie_lives_30_days_in_the_browser(client, make):
    make.user(email=EMAIL)
    response = _login(client, remember=True)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "Max-Age=2592000" in cookie or "Expires=" in cookie
    assert client.get_cookie("remember_token").expires is not None
    remaining = client.get_cookie("remember_token").expires.timestamp() - utcnow().timestamp()
    # naive utcnow; the cookie's expiry is aware UTC: compare with a generous margin
    assert abs(remaining - 30 * 24 * 3600) < 8 * 3600


def test_a_bare_user_id_in_the_cookie_signs_nobody_in(client, make):
    """The old cookie format (just the user id) is refused: only a live session signs in."""
    user = make.user(email=EMAIL)
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not _signed_in(client)


def test_logging_out_on_one_device_leaves_the_others_signed_in(app, make):
    make.user(email=EMAIL)
    phone, laptop = app.test_client(), app.test_client()
    _login(phone)
    _login(laptop, remember=True)

    phone.post("/auth/logout")

    assert not _signed_in(phone)
    assert _signed_in(laptop)


def test_account_page_lists_devices_and_ends_one(app, make):
    user = make.user(email=EMAIL)
    phone, laptop = app.test_client(), app.test_client()
    _login(phone)
    _login(laptop, user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/133.0")
    tokens.issue_token(user.id)

    page = phone.get("/akun").get_data(as_text=True)
    assert "Perangkat yang masuk" in page
    assert "Chrome · Android" in page and "perangkat ini" in page
    assert "Firefox · Windows" in page and "Malpro Android" in page

    laptop_session = db.session.scalar(select(LoginSession.id).where(LoginSession.user_agent.contains("Firefox")))
    response = phone.post(f"/auth/sesi/web/{laptop_session}/akhiri")
    assert response.status_code == 302
    assert not _signed_in(laptop)
    assert _signed_in(phone)


def test_a_device_of_another_account_cannot_be_ended(app, make):
    make.user(email=EMAIL)
    make.user(email="lain@example.com")
    other = app.test_client()
    other.post("/auth/login", data={"email": "lain@example.com", "password": PASSWORD})
    other_session = db.session.scalar(select(LoginSession.id))
    client = app.test_client()
    _login(client)

    assert client.post(f"/auth/sesi/web/{other_session}/akhiri").status_code == 404
    assert client.post("/auth/sesi/lain/1/akhiri").status_code == 404
    assert _signed_in(other)


def test_sign_out_everywhere_ends_every_session_and_api_token(app, make, api_client):
    user = make.user(email=EMAIL)
    phone, laptop = app.test_client(), app.test_client()
    _login(phone)
    _login(laptop, remember=True)
    remember = _cookie(laptop, "remember_token")
    raw, _token = tokens.issue_token(user.id)
    assert api_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 200

    page = phone.get("/akun").get_data(as_text=True)
    assert "Keluar dari semua perangkat" in page
    assert phone.post("/auth/keluar-semua").status_code == 302

    assert not _signed_in(phone)
    assert not _signed_in(laptop)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not _signed_in(replay)
    assert api_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_password_change_ends_other_sessions_and_api_tokens_not_this_one(app, make, api_client):
    user = make.user(email=EMAIL)
    phone, laptop = app.test_client(), app.test_client()
    _login(phone)
    _login(laptop, remember=True)
    raw, _token = tokens.issue_token(user.id)

    response = phone.post("/auth/password", data={"current_password": PASSWORD, "new_password": "kopi-tubruk-malang",
                                                  "confirm": "kopi-tubruk-malang"})
    assert response.status_code == 302

    assert _signed_in(phone)
    assert not _signed_in(laptop)
    assert api_client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_api_password_change_keeps_its_token_and_ends_the_rest(app, make, api_client):
    user = make.user(email=EMAIL)
    browser = app.test_client()
    _login(browser)
    mine, mine_row = tokens.issue_token(user.id)
    other, _other_row = tokens.issue_token(user.id)

    response = api_client.put("/api/v1/me/password", headers={"Authorization": f"Bearer {mine}"},
                              json={"current_password": PASSWORD, "new_password": "kopi-tubruk-malang"})
    assert response.status_code == 204

    assert api_client.get("/api/v1/me", headers={"Authorization": f"Bearer {mine}"}).status_code == 200
    assert api_client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    assert not _signed_in(browser)
    assert db.session.get(ApiToken, mine_row.id).revoked_at is None


def test_api_password_change_with_a_wrong_current_password_changes_nothing(app, make, api_client):
    user = make.user(email=EMAIL)
    mine, _row = tokens.issue_token(user.id)
    before = user.password_hash

    response = api_client.put("/api/v1/me/password", headers={"Authorization": f"Bearer {mine}"},
                              json={"current_password": "bukan-ini-123", "new_password": "kopi-tubruk-malang"})

    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"current_password": "Kata sandi saat ini salah."}
    db.session.refresh(user)
    assert user.password_hash == before


def test_a_deactivated_account_is_signed_out_of_its_sessions(app, make):
    user = make.user(email=EMAIL)
    client = app.test_client()
    _login(client, remember=True)
    user.active = False
    db.session.commit()
    assert not _signed_in(client)


def test_signing_in_clears_out_ended_sessions(app, make):
    user = make.user(email=EMAIL)
    for _ in range(3):
        client = app.test_client()
        _login(client)
        client.post("/auth/logout")
    _login(app.test_client())
    assert len(db.session.scalars(select(LoginSession).where(LoginSession.user_id == user.id)).all()) == 1


def test_a_signed_in_page_costs_one_lookup_for_the_user(app, make):
    """The per-request cost of a server-side session: one indexed query (session joined with user)."""
    from tests.helpers import recorded_queries

    make.user(email=EMAIL)
    client = app.test_client()
    _login(client)
    with recorded_queries() as statements:
        assert client.get("/auth/logout").status_code == 200  # a page that needs only the user
    session_queries = [s for s in statements if "login_sessions" in s]
    assert len(session_queries) == 1 and "JOIN users" in session_queries[0]
    assert not [s for s in statements if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]


def test_reactivating_an_account_does_not_revive_its_old_sessions(app, make):
    from malpro.services import moderation

    user = make.user(email=EMAIL)
    admin = make.admin()
    client = app.test_client()
    _login(client, remember=True)
    remember = _cookie(client, "remember_token")
    moderation.deactivate_user(admin.id, user.id, "akun diambil alih")
    moderation.reactivate_user(admin.id, user.id, "sudah aman")

    assert not _signed_in(client)
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert not _signed_in(replay)
