"""The notification centre: list, mark one or all read (htmx and plain forms), the header badge."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import render_template
from flask_login import login_user

from malpro.extensions import db
from malpro.models import Notification
from malpro.services import notifications


@pytest.fixture
def people(make):
    return {"me": make.user(email="saya@example.com", name="Saya"),
            "other": make.user(email="lain@example.com", name="Orang Lain")}


def _notify(user, title, link=None, body=""):
    notification = notifications.notify(user.id, "test", title, body, link=link, email=False)
    db.session.commit()
    return notification


def _read_at(notification_id):
    db.session.expire_all()
    return db.session.get(Notification, notification_id).read_at


def test_anonymous_is_sent_to_login(client, htmx_headers):
    response = client.get("/notifikasi")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login" and parse_qs(location.query)["next"] == ["/notifikasi"]

    assert client.post("/notifikasi/baca-semua").status_code == 302
    response = client.post("/notifikasi/1/baca", headers=htmx_headers)
    assert response.status_code == 401 and urlsplit(response.headers["HX-Redirect"]).path == "/auth/login"


def test_list_shows_only_my_notifications_newest_first_with_unread_highlighted(client, auth, people):
    _notify(people["me"], "Pengajuan toko diterima", link="/seller/", body="Admin akan memeriksa.")
    read = _notify(people["me"], "Toko Anda sudah diverifikasi", link="/seller/")
    notifications.mark_read(people["me"].id, read.id)
    _notify(people["other"], "Rahasia orang lain")
    auth.login(people["me"].email)

    response = client.get("/notifikasi")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in html
    assert "Rahasia orang lain" not in html
    assert html.index("Toko Anda sudah diverifikasi") < html.index("Pengajuan toko diterima")
    assert "Admin akan memeriksa." in html
    assert "1 notifikasi belum dibaca" in html
    assert html.count('class="notification unread"') == 1
    # The read one is a plain link; the unread one marks itself read on the way to its page.
    assert f'id="notification-{read.id}" class="notification"' in html
    assert 'href="/seller/"' in html
    assert "/baca?go=1" in html


def test_list_is_paginated(client, auth, people):
    for i in range(23):
        notifications.notify(people["me"].id, "test", f"Notifikasi nomor {i:02d}", email=False)
    db.session.commit()
    auth.login(people["me"].email)

    first = client.get("/notifikasi").get_data(as_text=True)
    assert first.count('class="notification unread"') == 20 and "Notifikasi nomor 22" in first
    assert 'href="/notifikasi?page=2"' in first
    second = client.get("/notifikasi?page=2").get_data(as_text=True)
    assert second.count('class="notification unread"') == 3 and "Notifikasi nomor 00" in second


def test_empty_list(client, auth, people):
    auth.login(people["me"].email)
    assert "Belum ada notifikasi." in client.get("/notifikasi").get_data(as_text=True)


def test_htmx_mark_read_returns_the_item_and_the_oob_badge(client, auth, people, htmx_headers):
    first = _notify(people["me"], "Pesanan baru", link="/seller/")
    _notify(people["me"], "Pesanan lain")
    auth.login(people["me"].email)

    response = client.post(f"/notifikasi/{first.id}/baca", headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    assert "<html" not in html
    assert f'<li id="notification-{first.id}" class="notification">' in html
    assert "Tandai dibaca" not in html
    badge = re.search(r'<a id="notification-badge"[^>]*>', html).group(0)
    assert 'hx-swap-oob="true"' in badge
    assert re.search(r'class="count">\s*1\s*<', html)
    assert _read_at(first.id) is not None


def test_plain_mark_read_redirects_to_the_list_or_to_the_link(client, auth, people):
    with_link = _notify(people["me"], "Toko diverifikasi", link="/seller/")
    without_link = _notify(people["me"], "Info")
    auth.login(people["me"].email)

    response = client.post(f"/notifikasi/{without_link.id}/baca", data={"page": "2"})
    assert response.status_code == 302 and response.headers["Location"] == "/notifikasi?page=2"
    assert "HX-Request" in response.headers["Vary"]
    assert _read_at(without_link.id) is not None

    response = client.post(f"/notifikasi/{with_link.id}/baca?go=1")
    assert response.status_code == 302 and response.headers["Location"] == "/seller/"
    assert _read_at(with_link.id) is not None


def test_an_external_link_is_never_a_redirect_target(client, auth, people):
    external = _notify(people["me"], "Info kota", link="https://malangkota.go.id/")
    auth.login(people["me"].email)
    response = client.post(f"/notifikasi/{external.id}/baca?go=1")
    assert response.status_code == 302 and response.headers["Location"] == "/notifikasi"


def test_marking_someone_elses_notification_is_404_and_changes_nothing(client, auth, people, htmx_headers):
    theirs = _notify(people["other"], "Milik orang lain")
    auth.login(people["me"].email)

    assert client.post(f"/notifikasi/{theirs.id}/baca").status_code == 404
    assert client.post(f"/notifikasi/{theirs.id}/baca?go=1", headers=htmx_headers).status_code == 404
    assert client.post("/notifikasi/999999/baca").status_code == 404
    assert _read_at(theirs.id) is None


def test_mark_all_read_touches_only_my_notifications(client, auth, people, htmx_headers):
    mine = [_notify(people["me"], f"Saya {i}") for i in range(3)]
    theirs = _notify(people["other"], "Milik orang lain")
    auth.login(people["me"].email)

    response = client.post("/notifikasi/baca-semua")
    assert response.status_code == 302 and response.headers["Location"] == "/notifikasi"
    assert all(_read_at(n.id) is not None for n in mine)
    assert _read_at(theirs.id) is None
    assert "Semua notifikasi ditandai sudah dibaca." in client.get("/notifikasi").get_data(as_text=True)


def test_htmx_mark_all_read_returns_the_list_and_the_oob_badge(client, auth, people, htmx_headers):
    _notify(people["me"], "Satu")
    _notify(people["me"], "Dua")
    auth.login(people["me"].email)

    response = client.post("/notifikasi/baca-semua", data={"page": "1"}, headers=htmx_headers)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert html.startswith('<section id="notification-list"')
    assert "unread" not in html and "Semua notifikasi sudah dibaca." in html
    assert 'id="notification-badge"' in html and 'hx-swap-oob="true"' in html
    assert notifications.unread_count(people["me"].id) == 0


def test_badge_shows_the_unread_count_and_nothing_for_anonymous(app, people):
    _notify(people["me"], "Satu")
    _notify(people["me"], "Dua")
    with app.test_request_context("/"):
        anonymous = render_template("shop/partials/_notification_badge.html")
        assert re.fullmatch(r'\s*<span id="notification-badge" hidden></span>\s*', anonymous)
        assert "hx-swap-oob" in render_template("shop/partials/_notification_badge.html", oob=True)

    with app.test_request_context("/"):
        login_user(people["me"])
        html = render_template("shop/partials/_notification_badge.html")
        assert 'id="notification-badge"' in html and 'href="/notifikasi"' in html
        assert "hx-swap-oob" not in html and not re.search(r"\shidden[\s>]", html)
        assert re.search(r'class="count">\s*2\s*<', html)
        assert "Notifikasi, 2 belum dibaca" in html

    notifications.mark_all_read(people["me"].id)
    with app.test_request_context("/"):
        login_user(people["me"])
        html = render_template("shop/partials/_notification_badge.html")
        assert 'class="count"' not in html and 'aria-label="Notifikasi"' in html


@pytest.fixture
def csrf_app(config, request):
    config["WTF_CSRF_ENABLED"] = True
    return request.getfixturevalue("app")


def test_csrf_is_required_when_enabled(csrf_app, client, people):
    assert csrf_app.config["WTF_CSRF_ENABLED"]
    mine = _notify(people["me"], "Satu")
    token = _csrf_token(client.get("/auth/login"))
    response = client.post("/auth/login", data={"email": people["me"].email, "password": "rahasia123",
                                                "csrf_token": token})
    assert response.status_code == 302

    assert client.post(f"/notifikasi/{mine.id}/baca").status_code == 400
    assert client.post("/notifikasi/baca-semua", headers={"HX-Request": "true"}).status_code == 400
    assert _read_at(mine.id) is None

    token = _csrf_token(client.get("/notifikasi"))
    response = client.post(f"/notifikasi/{mine.id}/baca", headers={"HX-Request": "true", "X-CSRFToken": token})
    assert response.status_code == 200
    assert _read_at(mine.id) is not None


def _csrf_token(response) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.get_data(as_text=True)).group(1)
