"""Forgotten password (issue 13.14, DOMAIN.md "Accounts"): "Lupa kata sandi?" on the sign-in
page; a one-time link by email, valid one hour, dead once used or once the password changes;
the same answer whether or not the address exists; without mail an admin makes the link to send
by WhatsApp (audited). A reset ends every session, remember-me cookie and API token."""
import re
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.security import check_password_hash

from malpro.extensions import db
from malpro.models import AuditLog, PasswordReset, utcnow
from malpro.services import password_reset, tokens
from tests.factories import PASSWORD

EMAIL = "pembeli@example.com"
NEW = "sate-kelinci-batu"


@pytest.fixture
def mail_app(config, smtp_server, request):
    config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, PUBLIC_BASE_URL="https://malpro.example")
    return request.getfixturevalue("app")


def _wait_for_mail(smtp_server, count=1, timeout=10.0):
    deadline = time.monotonic() + timeout
    while len(smtp_server.messages) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return smtp_server.messages


def _link_in(message) -> str:
    return re.search(r"https://malpro\.example(/auth/lupa-sandi/[\w-]+)", message.get_content()).group(1)


def test_sign_in_page_links_to_forgotten_password(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert 'href="/auth/lupa-sandi"' in page and "Lupa kata sandi?" in page


def test_reset_by_email_end_to_end(mail_app, smtp_server, make):
    user = make.user(email=EMAIL)
    client = mail_app.test_client()
    assert "Kirim tautan" in client.get("/auth/lupa-sandi").get_data(as_text=True)

    answer = client.post("/auth/lupa-sandi", data={"email": "Pembeli@Example.com"})
    assert answer.status_code == 200 and "Periksa email Anda" in answer.get_data(as_text=True)
    (message,) = _wait_for_mail(smtp_server)
    assert message["To"].addresses[0].addr_spec == EMAIL
    assert "berlaku 60 menit" in message.get_content()
    link = _link_in(message)
    stored = db.session.scalar(select(PasswordReset))
    assert stored.token_hash not in link and link.rsplit("/", 1)[1] not in stored.token_hash

    opened = client.get(link)
    assert opened.status_code == 302 and opened.headers["Location"] == "/auth/lupa-sandi/atur"
    form = client.get("/auth/lupa-sandi/atur").get_data(as_text=True)
    assert "Buat kata sandi baru" in form and EMAIL in form
    done = client.post("/auth/lupa-sandi/atur", data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/auth/login"
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)
    assert client.post("/auth/login", data={"email": EMAIL, "password": NEW}).status_code == 302

    # Once used, the link is dead.
    again = mail_app.test_client()
    again.get(link)
    assert again.get("/auth/lupa-sandi/atur").status_code == 410


def test_the_answer_is_the_same_for_an_unknown_address(mail_app, smtp_server, make):
    make.user(email=EMAIL)
    client = mail_app.test_client()
    known = client.post("/auth/lupa-sandi", data={"email": EMAIL}).get_data(as_text=True)
    unknown = client.post("/auth/lupa-sandi", data={"email": "siapa@example.com"}).get_data(as_text=True)

    def strip(page, email):
        page = page.replace(email, "EMAIL")
        return re.sub(r'(name="csrf-token" content="|"X-CSRFToken": ")[^"&]+', "", page)

    assert strip(known, EMAIL) == strip(unknown, "siapa@example.com")
    assert len(_wait_for_mail(smtp_server)) == 1
    time.sleep(0.3)
    assert len(smtp_server.messages) == 1  # nothing went to the unknown address
    assert db.session.scalar(select(PasswordReset.user_id)) is not None


def test_api_request_answers_the_same_202_either_way(mail_app, smtp_server, make):
    make.user(email=EMAIL)
    client = mail_app.test_client()
    known = client.post("/api/v1/auth/password-reset", json={"email": EMAIL})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "siapa@example.com"})
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert len(_wait_for_mail(smtp_server)) == 1
    assert client.post("/api/v1/auth/password-reset", json={"mail": EMAIL}).status_code == 400


def test_a_link_expires_after_one_hour(client, make):
    user, admin = make.user(email=EMAIL), make.admin()
    _user, raw = password_reset.create_link_by_admin(admin.id, user.id)
    db.session.execute(update(PasswordReset).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    client.get(f"/auth/lupa-sandi/{raw}")
    page = client.get("/auth/lupa-sandi/atur")
    assert page.status_code == 410 and "Tautan tidak berlaku lagi" in page.get_data(as_text=True)
    assert client.post("/auth/lupa-sandi/atur", data={"password": NEW, "confirm": NEW}).status_code in (404, 410)
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, PASSWORD)


def test_a_link_dies_when_the_password_changes(client, make, auth):
    user, admin = make.user(email=EMAIL), make.admin()
    _user, raw = password_reset.create_link_by_admin(admin.id, user.id)
    auth.login()
    client.post("/auth/password", data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW})
    assert password_reset.user_for_link(raw) is None


def test_a_made_up_link_is_refused(client):
    client.get("/auth/lupa-sandi/" + "x" * 43)
    assert client.get("/auth/lupa-sandi/atur").status_code == 410
    assert client.get("/auth/lupa-sandi/atur").status_code == 404  # nothing kept in the session


def test_a_reset_ends_every_session_remember_cookie_and_api_token(app, make):
    user, admin = make.user(email=EMAIL), make.admin()
    phone = app.test_client()
    phone.post("/auth/login", data={"email": EMAIL, "password": PASSWORD, "remember": "y"})
    remember = phone.get_cookie("remember_token").value
    raw_token, _row = tokens.issue_token(user.id)
    api = app.test_client()

    _user, raw = password_reset.create_link_by_admin(admin.id, user.id)
    browser = app.test_client()
    browser.get(f"/auth/lupa-sandi/{raw}")
    assert browser.post("/auth/lupa-sandi/atur", data={"password": NEW, "confirm": NEW}).status_code == 302

    assert phone.get("/akun").status_code == 302
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/akun").status_code == 302
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw_token}"}).status_code == 401


def test_without_mail_the_page_says_to_ask_an_admin(client, make):
    make.user(email=EMAIL)
    page = client.get("/auth/lupa-sandi").get_data(as_text=True)
    assert "Hubungi admin Malpro" in page and "WhatsApp" in page
    assert client.post("/auth/lupa-sandi", data={"email": EMAIL}).status_code == 200
    assert db.session.scalar(select(PasswordReset)) is None


def test_without_mail_the_page_links_to_the_admins_whatsapp(config, request):
    config["SUPPORT_WHATSAPP"] = "0812-3456-7000"
    client = request.getfixturevalue("client")
    page = client.get("/auth/lupa-sandi").get_data(as_text=True)
    assert "https://wa.me/6281234567000?text=" in page and "Hubungi admin lewat WhatsApp" in page


def test_admin_makes_a_whatsapp_reset_link_which_is_audited(client, make, auth):
    user = make.user(email=EMAIL, phone="6281234567890")
    admin = make.admin(email="admin@example.com")
    auth.login(email="admin@example.com")
    page = client.get(f"/admin/pengguna/{user.id}").get_data(as_text=True)
    assert "Buat tautan atur ulang kata sandi" in page

    made = client.post(f"/admin/pengguna/{user.id}/tautan-sandi")
    body = made.get_data(as_text=True)
    assert made.status_code == 200
    link = re.search(r"http://localhost(/auth/lupa-sandi/[\w-]+)", body).group(1)
    assert "https://wa.me/6281234567890?text=" in body
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "user.password_reset_link"))
    assert (entry.actor_id, entry.target_id) == (admin.id, user.id)
    assert link.rsplit("/", 1)[1] not in (entry.reason or "")

    client.post("/auth/logout")
    client.get(link)
    assert client.post("/auth/lupa-sandi/atur", data={"password": NEW, "confirm": NEW}).status_code == 302
    db.session.refresh(user)
    assert check_password_hash(user.password_hash, NEW)


def test_no_admin_made_link_for_another_admin_or_a_deactivated_account(client, make, auth):
    make.admin(email="admin@example.com")
    other_admin = make.admin(email="admin2@example.com")
    inactive = make.user(email="nonaktif@example.com", active=False)
    auth.login(email="admin@example.com")
    assert client.post(f"/admin/pengguna/{other_admin.id}/tautan-sandi").status_code == 403
    assert client.post(f"/admin/pengguna/{inactive.id}/tautan-sandi").status_code == 409
    assert db.session.scalar(select(PasswordReset)) is None


def test_only_admins_make_reset_links(client, make, auth):
    user = make.user(email=EMAIL)
    auth.login()
    assert client.post(f"/admin/pengguna/{user.id}/tautan-sandi").status_code == 403
    assert db.session.scalar(select(PasswordReset)) is None
