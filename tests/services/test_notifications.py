"""Notifications: the row is written by the caller's commit, the email goes out only after it
(through a real SMTP server on 127.0.0.1), and a rollback leaves neither."""
import logging

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from malpro.extensions import db
from malpro.models import Notification, utcnow
from malpro.services import notifications
from malpro.services.errors import NotFoundError
from tests.conftest import free_port


@pytest.fixture
def mail(app, smtp_server):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port,
                      PUBLIC_BASE_URL="https://malpro.example.id")
    return smtp_server


def _rows():
    return db.session.scalars(select(Notification).order_by(Notification.id)).all()


def test_notify_then_commit_writes_the_row_and_sends_the_email(mail, make):
    user = make.user(email="sri@example.com", name="Sri Rahayu")

    notification = notifications.notify(user.id, "store.verified", "Toko Anda sudah diverifikasi",
                                        "Produk aktif Anda kini tampil di Malpro.", link="/seller/")
    assert mail.messages == []  # nothing leaves before the caller commits
    db.session.commit()

    [row] = _rows()
    assert row.id == notification.id and row.user_id == user.id and row.read_at is None
    assert (row.kind, row.title, row.link) == ("store.verified", "Toko Anda sudah diverifikasi", "/seller/")
    [message] = mail.messages
    assert mail.envelopes[0][1] == ["sri@example.com"]
    assert "sri@example.com" in message["To"]
    assert message["Subject"] == "[Malpro] Toko Anda sudah diverifikasi"
    assert message["From"] == "Malpro <no-reply@malpro.malangkota.go.id>"
    text = message.get_content()
    assert "Halo Sri Rahayu," in text
    assert "Produk aktif Anda kini tampil di Malpro." in text
    assert "https://malpro.example.id/seller/" in text
    assert message.get_content_type() == "text/plain"


def test_one_commit_sends_each_queued_email_once(mail, make):
    first, second = make.user(), make.user()
    notifications.notify(first.id, "order.new", "Pesanan baru")
    notifications.notify(second.id, "order.new", "Pesanan baru")
    db.session.commit()
    make.user()  # a later commit of the same session sends nothing again
    assert sorted(rcpt[0] for _, rcpt in mail.envelopes) == sorted([first.email, second.email])


def test_rollback_sends_nothing_and_leaves_no_row(mail, make):
    user = make.user()
    notifications.notify(user.id, "store.rejected", "Pengajuan toko ditolak", "NIB tidak terbaca.")
    db.session.rollback()
    make.user()  # the next commit must not carry the dropped email along

    assert _rows() == []
    assert mail.messages == []


def test_a_failed_commit_sends_nothing(mail, make):
    user = make.user()
    notifications.notify(user.id, "store.verified", "Toko Anda sudah diverifikasi")
    db.session.add(Notification(user_id=user.id + 999, kind="broken", title="x"))  # foreign key fails
    with pytest.raises(Exception):  # noqa: B017  (IntegrityError, whichever driver raises it)
        db.session.commit()
    db.session.rollback()
    make.user()

    assert _rows() == []
    assert mail.messages == []


def test_rolling_back_a_savepoint_drops_only_its_emails(mail, make):
    kept, dropped = make.user(), make.user()
    notifications.notify(kept.id, "a", "Tetap dikirim")
    savepoint = db.session.begin_nested()
    notifications.notify(dropped.id, "b", "Dibatalkan")
    savepoint.rollback()
    db.session.commit()

    assert [row.title for row in _rows()] == ["Tetap dikirim"]
    assert [rcpt for _, rcpt in mail.envelopes] == [[kept.email]]


def test_a_released_savepoint_waits_for_the_outer_commit(mail, make):
    user = make.user()
    with db.session.begin_nested():
        notifications.notify(user.id, "a", "Dalam savepoint")
    assert mail.messages == []
    db.session.commit()
    assert len(mail.messages) == 1


def test_no_email_when_not_asked_or_not_configured(app, mail, make):
    user = make.user()
    notifications.notify(user.id, "a", "Hanya di aplikasi", email=False)
    db.session.commit()
    app.config["MAIL_SERVER"] = None
    notifications.notify(user.id, "b", "Server email tidak diatur")
    db.session.commit()

    assert len(_rows()) == 2
    assert mail.messages == []


def test_smtp_server_down_still_commits_and_logs_without_personal_data(app, make, caplog, monkeypatch):
    # The test session runs the migrations in this process, and alembic's fileConfig() disables
    # every logger that already exists; in production `flask db upgrade` is a process of its own.
    monkeypatch.setattr(logging.getLogger("malpro.services.notifications"), "disabled", False)
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nothing listens there
    user = make.user(email="rahasia.pribadi@example.com")
    notifications.notify(user.id, "store.verified", "Toko Anda sudah diverifikasi")
    with caplog.at_level(logging.WARNING, logger="malpro.services.notifications"):
        db.session.commit()

    [row] = _rows()
    assert row.user_id == user.id
    [record] = [r for r in caplog.records if r.name == "malpro.services.notifications"]
    assert "store.verified" in record.getMessage() and f"user_id={user.id}" in record.getMessage()
    assert "rahasia.pribadi" not in caplog.text


def test_link_must_be_a_local_path_or_http_url(app, make):
    user = make.user()
    for link in ("javascript:alert(1)", "//evil.example/x", "data:text/html,x"):
        with pytest.raises(ValueError):
            notifications.notify(user.id, "a", "Judul", link=link)
    assert notifications.notify(user.id, "a", "Judul", link="https://malangkota.go.id/").link


def test_absolute_url_uses_public_base_url_then_the_request_then_the_path(app):
    assert notifications.absolute_url("/seller/") == "/seller/"
    with app.test_request_context("/", base_url="https://pasar.example.id"):
        assert notifications.absolute_url("/seller/") == "https://pasar.example.id/seller/"
        app.config["PUBLIC_BASE_URL"] = "https://malpro.malangkota.go.id/"
        assert notifications.absolute_url("/seller/") == "https://malpro.malangkota.go.id/seller/"
    assert notifications.absolute_url("https://x.example/a") == "https://x.example/a"


def test_long_titles_are_shortened_to_fit(app, make):
    user = make.user()
    notification = notifications.notify(user.id, "a", "x" * 300)
    db.session.commit()
    assert len(notification.title) == 200 and notification.title.endswith("…")


def test_unread_count_list_and_marking_are_per_user(app, make):
    me, other = make.user(), make.user()
    for i in range(3):
        notifications.notify(me.id, "a", f"Milik saya {i}", email=False)
    theirs = notifications.notify(other.id, "a", "Milik orang lain", email=False)
    db.session.commit()

    assert notifications.unread_count(me.id) == 3
    page = notifications.list_notifications(me.id, page=1, per_page=2)
    assert page.total == 3 and [n.title for n in page.items] == ["Milik saya 2", "Milik saya 1"]
    assert [n.title for n in notifications.list_notifications(me.id, page=2, per_page=2).items] == ["Milik saya 0"]

    with pytest.raises(NotFoundError):
        notifications.mark_read(me.id, theirs.id)
    db.session.expire_all()
    assert db.session.get(Notification, theirs.id).read_at is None

    first = page.items[0]
    assert notifications.mark_read(me.id, first.id).read_at is not None
    assert notifications.unread_count(me.id) == 2
    assert notifications.mark_all_read(me.id) == 2
    assert notifications.unread_count(me.id) == 0
    assert notifications.unread_count(other.id) == 1


def test_mark_read_keeps_the_first_read_time(app, make):
    user = make.user()
    notification = notifications.notify(user.id, "a", "Judul", email=False)
    notification.read_at = read_at = utcnow().replace(microsecond=0)
    db.session.commit()
    assert notifications.mark_read(user.id, notification.id).read_at == read_at
    count = db.session.scalar(select(func.count()).select_from(Notification).where(Notification.read_at.is_(None)))
    assert count == 0


def test_send_stores_the_key_and_emails_in_the_recipients_language(mail, make):
    """A message of the registry: stored with its key and parameters, rendered as text in the
    recipient's language for the row and the email (English here, whoever caused it)."""
    user = make.user(email="sri@example.com", name="Sri Rahayu", locale="en")
    params = {"code": "MLP-20261205-000042", "store": "Keripik Sri", "buyer": "Budi Santoso",
              "items": [["Keripik Tempe", 2], ["Sambal Bawang", 1], ["Kopi Dampit", 1]], "total": 52000,
              "fulfilment": "pickup"}
    notification = notifications.send(user.id, "order.new", params, link="/seller/pesanan/MLP-20261205-000042")
    db.session.commit()

    [row] = _rows()
    assert (row.kind, row.message_key, row.params) == ("order.new", "order.new", params)
    assert row.title == "New order MLP-20261205-000042: Rp52.000"
    assert row.body == "Budi Santoso ordered Keripik Tempe × 2, Sambal Bawang × 1 and 1 other item (pickup)."
    [message] = mail.messages
    assert message["Subject"] == "[Malpro] New order MLP-20261205-000042: Rp52.000"
    text = message.get_content()
    assert "Hello Sri Rahayu," in text and "Budi Santoso ordered Keripik Tempe × 2" in text
    assert notification.id == row.id

    # Rendered again in whatever language is current when shown.
    with force_locale("id"):
        assert notifications.render(row) == (
            "Pesanan baru MLP-20261205-000042: Rp52.000",
            "Budi Santoso memesan Keripik Tempe × 2, Sambal Bawang × 1 dan 1 barang lain (ambil sendiri).")
