"""In-app notifications and their optional email copies.

**Messages are rendered in the reader's language when shown.** A notification stores a message
key of the registry below (`MESSAGES`) and its parameters (plain JSON: codes, names, amounts in
whole rupiah, statuses); the page, and the email, render it in the reader's current language,
so a user who switches to English reads English, also for notifications made before. New
notifications use `send(user_id, key, params, link=...)`; to add one, add a `Message` to
`MESSAGES` (msgids marked with `_l`, parameters as `%(name)s`) and, for a new kind of
parameter, a formatter to `PARAM_FORMATS`. The title and body rendered in the recipient's
language at creation are kept as well (for rows whose key is unknown, and for the older
`notify(user_id, kind, title, body)`, which stores text only and still works).

`notify` and `send` only add rows to the caller's session: the calling service owns the single commit, so a
decision and its notification are written together or not at all. Emails are queued in
`session.info` and handed to the SMTP server only after the outermost transaction commits; a
rollback (of the whole transaction, or of the savepoint they were queued in) drops them. Sending
happens in the request that committed (one connection per commit) and an SMTP failure is only logged.
"""
from __future__ import annotations

import logging
import smtplib
import ssl
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any, Callable

from flask import current_app, has_request_context, request
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, SessionTransaction

from malpro.extensions import db
from malpro.models import Notification, User, utcnow
from malpro.services.errors import NotFoundError

log = logging.getLogger(__name__)

OUTBOX_KEY = "malpro.notification_outbox"
SMTP_TIMEOUT_SECONDS = 10
TITLE_MAX = 200
LINK_MAX = 255
MAX_PER_PAGE = 100


@dataclass(frozen=True)
class _MailSettings:
    server: str
    port: int
    use_tls: bool
    username: str | None
    password: str | None


@dataclass
class _QueuedEmail:
    # The innermost savepoint open when the email was queued (None: the main transaction), so
    # rolling back that savepoint drops it while the rest of the transaction may still commit.
    savepoint: SessionTransaction | None
    settings: _MailSettings
    message: EmailMessage
    kind: str
    user_id: int


# --- The message registry -------------------------------------------------------------------

@dataclass(frozen=True)
class Message:
    """A notification's words: title and body msgids with `%(name)s` parameters, the kind it
    is filed under (defaults to its key), and lines added when a parameter is present
    (e.g. the reason a seller gave)."""

    title: Any  # a lazy string (_l)
    body: Any = None
    kind: str | None = None
    extras: tuple[tuple[str, Any], ...] = ()


_NOTE = (("note", _l("Catatan: %(note)s")),)
_STATUS_TITLE = _l("Pesanan %(code)s: %(status)s")
_REASON = (("reason", _l("Alasan: %(reason)s")),)

MESSAGES: dict[str, Message] = {
    # To the seller, when a buyer places an order.
    "order.new": Message(_l("Pesanan baru %(code)s: %(total)s"),
                         _l("%(buyer)s memesan %(items)s (%(fulfilment)s)."), kind="order.new"),
    # To the buyer, when the seller moves their order.
    "order.confirmed": Message(_STATUS_TITLE,
                               _l("%(store)s menerima pesanan Anda: %(items)s, total %(total)s."), extras=_NOTE),
    "order.shipped": Message(_STATUS_TITLE,
                             _l("%(store)s sedang mengantar %(items)s. Siapkan uang tunai %(total)s."), extras=_NOTE),
    "order.ready": Message(_STATUS_TITLE,
                           _l("%(items)s siap diambil di %(store)s. Bayar %(total)s saat mengambil."), extras=_NOTE),
    "order.completed": Message(_STATUS_TITLE,
                               _l("%(items)s dari %(store)s sudah dibayar %(total)s. Bagaimana barangnya? Beri ulasan."),
                               extras=_NOTE),
    "order.cancelled": Message(_STATUS_TITLE,
                               _l("%(store)s membatalkan pesanan Anda (%(items)s, %(total)s)."), extras=_NOTE),
    # To the seller, when the buyer cancels.
    "order.cancelled_by_buyer": Message(_l("Pembeli membatalkan pesanan %(code)s (%(total)s)"),
                                        _l("%(buyer)s membatalkan %(items)s. Stok sudah dikembalikan."),
                                        kind="order.cancelled", extras=_NOTE),
    # To the seller, about their store and products.
    "store.verify": Message(_l("Toko %(store)s sudah diverifikasi. Produk Anda kini tampil di Malpro."),
                            extras=_REASON),
    # The reason first, then what to do (an extra line keyed on a parameter that is always there).
    "store.reject": Message(_l("Pengajuan toko %(store)s ditolak."), extras=_REASON + (
        ("store", _l("Perbaiki data atau dokumen Anda lalu ajukan ulang dari halaman Toko Saya.")),)),
    "store.suspend": Message(_l("Toko %(store)s dibekukan sementara."), extras=_REASON),
    "store.reinstate": Message(_l("Toko %(store)s aktif kembali."), extras=_REASON),
    "product.takedown": Message(_l("Produk %(product)s diturunkan oleh admin."), extras=_REASON),
    "product.restore": Message(_l("Produk %(product)s ditayangkan kembali."),
                               extras=(("reason", _l("Catatan: %(reason)s")),)),
}


def _money(value) -> str:
    from malpro.formatting import rupiah

    return rupiah(int(value))


def _order_status(value) -> str:
    from malpro.services.orders import status_label

    return status_label(str(value))


def _fulfilment(value) -> str:
    return str(_l("diantar (COD)") if value == "delivery" else _l("ambil sendiri"))


def _items(value) -> str:
    """[[name, quantity], ...] -> "Keripik Tempe × 2, Sambal × 1 dan 3 barang lain"."""
    shown = ", ".join(f"{name} × {quantity}" for name, quantity in value[:2])
    more = len(value) - 2
    if more > 0:
        shown += " " + ngettext("dan %(num)d barang lain", "dan %(num)d barang lain", more)
    return shown


# How a parameter's stored value becomes text, by parameter name (others are shown as they are).
PARAM_FORMATS: dict[str, Callable[[Any], str]] = {
    "total": _money, "amount": _money, "minimum": _money, "spent": _money,
    "status": _order_status, "fulfilment": _fulfilment, "items": _items,
}


def order_params(order, **more) -> dict:
    """The usual parameters of a message about an order: code, store, buyer, items, total,
    fulfilment (plain values, rendered in the reader's language when shown)."""
    return {"code": order.code, "store": order.store.name, "buyer": order.buyer.name,
            "items": [[item.name, item.quantity] for item in order.items], "total": order.total,
            "fulfilment": order.fulfilment, **more}


def render(notification: Notification) -> tuple[str, str]:
    """(title, body) in the current language: from the registry when the notification has a
    known message key, else the text stored when it was made."""
    message = MESSAGES.get(notification.message_key or "")
    if message is None:
        return notification.title, notification.body or ""
    try:
        return _render(message, notification.params or {})
    except (KeyError, TypeError, ValueError):
        log.warning("Notification %s: parameters do not fit %s", notification.id, notification.message_key)
        return notification.title, notification.body or ""


def render_message(key: str, params: dict) -> tuple[str, str]:
    """(title, body) of the message `key` with `params`, in the current language."""
    return _render(MESSAGES[key], params)


def _render(message: Message, params: dict) -> tuple[str, str]:
    values = {name: PARAM_FORMATS[name](value) if name in PARAM_FORMATS and value is not None else value
              for name, value in params.items()}
    title = str(message.title) % values
    lines = [str(message.body) % values] if message.body is not None else []
    lines += [str(text) % values for name, text in message.extras if params.get(name)]
    return title, "\n".join(lines)


def send(user: "User | int", key: str, params: dict, link: str | None = None,
         email: bool = True) -> Notification:
    """Add the notification `key` of MESSAGES for `user` (the account or its id; see `notify`
    for the commit and the email), e.g.

        notifications.send(order.buyer_id, "order.shipped", notifications.order_params(order),
                           link=f"/pesanan/{order.code}")

    It is shown in the reader's language; the text in the recipient's language now is kept
    too. A key not in MESSAGES is a programming error (KeyError)."""
    message = MESSAGES[key]
    params = dict(params)
    with in_language_of(user):
        title, body = _render(message, params)
    user_id = user if isinstance(user, int) else user.id
    return notify(user_id, message.kind or key, title, body, link=link, email=email,
                  _message=(key, params))


def notify(user_id: int, kind: str, title: str, body: str = "", link: str | None = None,
           email: bool = True, _message: tuple[str, dict] | None = None) -> Notification:
    """Add a notification for `user_id` to the session (not committed) and, when `email` is set
    and MAIL_SERVER is configured, queue an email that is sent once the session commits.

    The title and body are stored as text, shown as they are in every language: prefer
    `send()`, whose messages are rendered in the reader's language.
    `link` is a path on this site (`/seller/`) or an absolute http(s) URL."""
    title = " ".join(str(title).split())
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    body = str(body or "")
    if link is not None:
        link = str(link)
        if not _is_safe_link(link):
            raise ValueError("A notification link must be a path on this site or an http(s) URL.")
    key, params = _message or (None, None)
    notification = Notification(user_id=user_id, kind=kind, title=title, body=body, link=link,
                                message_key=key, params=params)
    db.session.add(notification)
    if email and current_app.config.get("MAIL_SERVER"):
        _queue_email(notification)
    return notification


@contextmanager
def in_language_of(user: "User | int"):
    """Text written for another user (a notification's title and body) in that user's language,
    not in the language of whoever caused it: an English-reading seller gets English about an
    order a buyer placed in Bahasa Indonesia. `user` is the account or its id."""
    if isinstance(user, int):
        user = db.session.get(User, user)
    with force_locale((user and user.locale) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        yield


def unread_count(user_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    ) or 0


def list_notifications(user_id: int, page: int = 1, per_page: int = 20):
    """The user's notifications, newest first, as a Flask-SQLAlchemy Pagination."""
    query = (select(Notification).where(Notification.user_id == user_id)
             .order_by(Notification.created_at.desc(), Notification.id.desc()))
    return db.paginate(query, page=page, per_page=per_page, max_per_page=MAX_PER_PAGE, error_out=False)


def mark_read(user_id: int, notification_id: int) -> Notification:
    """Mark one of the user's notifications read. Someone else's id is NotFoundError, not
    Forbidden, so ids reveal nothing about other accounts."""
    notification = db.session.scalar(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == user_id)
    )
    if notification is None:
        raise NotFoundError(_("Notifikasi tidak ditemukan."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.commit()
    return notification


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount or 0


def absolute_url(link: str) -> str:
    """An absolute URL for a path, for places outside the site (emails): PUBLIC_BASE_URL when
    set, else the current request's host, else SERVER_NAME, else the bare path."""
    if not link.startswith("/"):
        return link
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return str(base).rstrip("/") + link
    if has_request_context():
        # The stored path already carries any script root, so only scheme and host are added.
        return request.host_url.rstrip("/") + link
    server_name = current_app.config.get("SERVER_NAME")
    if server_name:
        return f"{current_app.config.get('PREFERRED_URL_SCHEME', 'http')}://{server_name}{link}"
    return link


def _is_safe_link(link: str) -> bool:
    if len(link) > LINK_MAX:
        return False
    if link.startswith("/"):
        return not link.startswith("//") and "\\" not in link
    return link.startswith(("https://", "http://"))


def _queue_email(notification: Notification) -> None:
    user = db.session.get(User, notification.user_id)
    if user is None:
        raise NotFoundError(_("Pengguna tidak ditemukan."))
    config = current_app.config
    settings = _MailSettings(
        server=config["MAIL_SERVER"],
        port=int(config.get("MAIL_PORT") or 25),
        use_tls=bool(config.get("MAIL_USE_TLS")),
        username=config.get("MAIL_USERNAME") or None,
        password=config.get("MAIL_PASSWORD") or None,
    )
    message = _compose(user, notification, config["MAIL_SENDER"])
    session = db.session()  # the current Session behind the scoped proxy
    outbox = session.info.setdefault(OUTBOX_KEY, [])
    outbox.append(_QueuedEmail(savepoint=session.get_nested_transaction(), settings=settings,
                               message=message, kind=notification.kind, user_id=user.id))


def _compose(user: User, notification: Notification, sender: str) -> EmailMessage:
    """The email, in the recipient's language (Bahasa Indonesia unless they chose another)."""
    locale = user.locale or current_app.config.get("BABEL_DEFAULT_LOCALE", "id")
    with force_locale(locale):
        title, body = render(notification)
        lines = [_("Halo %(name)s,", name=user.name), "", title]
        if body:
            lines += ["", body]
        if notification.link:
            lines += ["", _("Buka: %(url)s", url=absolute_url(notification.link))]
        lines += [
            "",
            "-- ",
            _("Malpro – Malang Beli Produk Lokal, Pemerintah Kota Malang"),
            _("Email ini dikirim otomatis, mohon tidak membalas. "
              "Semua notifikasi Anda ada di menu Notifikasi setelah masuk."),
        ]
        subject = _("[Malpro] %(title)s", title=title)
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((" ".join(user.name.split()), user.email))
    message["Date"] = formatdate(usegmt=True)
    # An explicit domain: make_msgid would otherwise look up this host's FQDN on every email.
    sender_domain = parseaddr(sender)[1].rpartition("@")[2] or "malpro.invalid"
    message["Message-ID"] = make_msgid(domain=sender_domain)
    message.set_content("\n".join(lines) + "\n")
    return message


def _send(batch: list[_QueuedEmail]) -> None:
    """Deliver queued emails, one SMTP connection per server. Never raises: the data is already
    committed, and the in-app notification is the record. Logs carry the kind and user id only
    (no addresses, no exception text, which may quote an address)."""
    by_settings: dict[_MailSettings, list[_QueuedEmail]] = {}
    for item in batch:
        by_settings.setdefault(item.settings, []).append(item)
    for settings, items in by_settings.items():
        done = 0
        try:
            with smtplib.SMTP(settings.server, settings.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
                if settings.use_tls:
                    smtp.starttls(context=ssl.create_default_context())
                if settings.username:
                    smtp.login(settings.username, settings.password or "")
                for item in items:
                    try:
                        smtp.send_message(item.message)
                        log.debug("Notification email sent (kind=%s, user_id=%s)", item.kind, item.user_id)
                    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as exc:
                        # This message was refused; the connection is still good for the next.
                        _log_failure(item, exc)
                    done += 1
        except Exception as exc:  # noqa: BLE001  (nothing may break the already committed request)
            for item in items[done:]:
                _log_failure(item, exc)


def _log_failure(item: _QueuedEmail, exc: Exception) -> None:
    log.warning("Notification email not sent (kind=%s, user_id=%s): %s",
                item.kind, item.user_id, type(exc).__name__)


# Session events, registered once on Flask-SQLAlchemy's session class (via the scoped session).
# Session.add autobegins a transaction, so every queued email belongs to one that will end.

@event.listens_for(db.session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():
        # A savepoint was released: its emails now wait for the outermost commit.
        return
    batch = session.info.pop(OUTBOX_KEY, None)
    if batch:
        _send(batch)


@event.listens_for(db.session, "after_soft_rollback")
def _after_soft_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    outbox = session.info.get(OUTBOX_KEY)
    if not outbox:
        return
    # The outermost transaction's rollback is handled by _after_transaction_end.
    if previous_transaction.nested:
        outbox[:] = [item for item in outbox if not _inside(item.savepoint, previous_transaction)]


@event.listens_for(db.session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    # The outermost transaction ended without sending (closed or rolled back): drop the queue,
    # so nothing queued for rolled-back data leaks into a later commit of the same session.
    if transaction.parent is None:
        session.info.pop(OUTBOX_KEY, None)


def _inside(savepoint: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ancestor:
            return True
        savepoint = savepoint.parent
    return False
