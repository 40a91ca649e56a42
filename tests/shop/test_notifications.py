"""The notification centre: list, mark one or all read (htmx and plain forms), the header badge."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import g, render_template
from flask_babel import refresh
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


# --- What a notification says, in the reader's language (issue 13.12) ------------------------

def test_an_empty_page_says_only_that_there_are_none(client, auth, people):
    auth.login("saya@example.com")
    html = client.get("/notifikasi").get_data(as_text=True)
    assert "Belum ada notifikasi." in html
    assert "Semua notifikasi sudah dibaca." not in html and "Tandai semua" not in html


def _sri_shop(make):
    seller = make.user(email="sri@example.com", name="Sri Wahyuni")
    buyer = make.user(email="budi@example.com", name="Budi Santoso", phone="6281298765432")
    store = make.store(owner=seller, name="Keripik Sri Rasa", delivery_fee=7000)
    chips = make.product(store=store, name="Keripik Tempe Pedas", price=15000, stock=20)
    return seller, buyer, chips


def test_notifications_say_what_happened_and_follow_the_readers_language(app, make):
    from malpro.services import orders
    from tests.order_helpers import place_order

    seller, buyer, chips = _sri_shop(make)
    order = place_order(buyer, (chips, 2))  # made while everybody reads Indonesian
    orders.move(order.code, seller.id, "seller", "confirmed", "Dikirim sore ini")

    seller_client, buyer_client = _Client(app, seller), _Client(app, buyer)
    page = seller_client.get("/notifikasi")
    assert f"Pesanan baru {order.code}: Rp37.000" in page
    assert "Budi Santoso memesan Keripik Tempe Pedas × 2 (diantar (COD))." in page
    page = buyer_client.get("/notifikasi")
    assert f"Pesanan {order.code}: Diproses" in page
    assert "Keripik Sri Rasa menerima pesanan Anda: Keripik Tempe Pedas × 2, total Rp37.000." in page
    assert "Catatan: Dikirim sore ini" in page

    # Both switch to English: the same notifications now read in English.
    for client in (seller_client, buyer_client):
        client.post("/bahasa", data={"lang": "en"})
    page = seller_client.get("/notifikasi")
    assert f"New order {order.code}: Rp37.000" in page
    assert "Budi Santoso ordered Keripik Tempe Pedas × 2 (delivery (COD))." in page and "Pesanan baru" not in page
    page = buyer_client.get("/notifikasi")
    assert f"Order {order.code}: Processing" in page
    assert "Keripik Sri Rasa accepted your order: Keripik Tempe Pedas × 2, total Rp37.000." in page
    assert "Note: Dikirim sore ini" in page and "menerima" not in page


class _Client:
    """A signed-in test client. The test's app context is shared by every request, and
    Flask-Login (g._login_user) and Flask-Babel keep the user and the language in it: forget
    them before each request."""

    def __init__(self, app, user):
        from tests.factories import PASSWORD

        self.client = app.test_client()
        self.post("/auth/login", data={"email": user.email, "password": PASSWORD})

    def get(self, path: str) -> str:
        g.pop("_login_user", None)
        refresh()
        response = self.client.get(path)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def post(self, path: str, data: dict) -> None:
        g.pop("_login_user", None)
        refresh()
        assert self.client.post(path, data=data).status_code == 302


def test_text_only_and_unknown_notifications_still_show_their_stored_text(client, auth, people):
    _notify(people["me"], "Info lama tanpa kunci", body="Isi lama")
    odd = notifications.notify(people["me"].id, "x", "Teks tersimpan", "Badan tersimpan", email=False)
    odd.message_key, odd.params = "tidak.dikenal", {"a": 1}
    db.session.commit()
    auth.login("saya@example.com")
    html = client.get("/notifikasi").get_data(as_text=True)
    assert "Info lama tanpa kunci" in html and "Isi lama" in html
    assert "Teks tersimpan" in html and "Badan tersimpan" in html


def test_a_message_whose_parameters_no_longer_fit_falls_back_to_its_text(app, people):
    notification = notifications.notify(people["me"].id, "order.new", "Teks cadangan", email=False)
    notification.message_key, notification.params = "order.new", {"code": "MLP-20261201-000001"}
    assert notifications.render(notification) == ("Teks cadangan", "")
    with pytest.raises(KeyError):
        notifications.send(people["me"].id, "tidak.ada", {})
