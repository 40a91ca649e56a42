"""In-app notifications and their optional email copies.

`notify` only adds rows to the caller's session: the calling service owns the single commit, so a
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

from flask import current_app, has_request_context, request
from flask_babel import force_locale
from flask_babel import gettext as _
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


def notify(user_id: int, kind: str, title: str, body: str = "", link: str | None = None,
           email: bool = True) -> Notification:
    """Add a notification for `user_id` to the session (not committed) and, when `email` is set
    and MAIL_SERVER is configured, queue an email that is sent once the session commits.

    `link` is a path on this site (`/seller/`) or an absolute http(s) URL."""
    title = " ".join(str(title).split())
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX - 1] + "…"
    body = str(body or "")
    if link is not None:
        link = str(link)
        if not _is_safe_link(link):
            raise ValueError("A notification link must be a path on this site or an http(s) URL.")
    notification = Notification(user_id=user_id, kind=kind, title=title, body=body, link=link)
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
        lines = [_("Halo %(name)s,", name=user.name), "", notification.title]
        if notification.body:
            lines += ["", notification.body]
        if notification.link:
            lines += ["", _("Buka: %(url)s", url=absolute_url(notification.link))]
        lines += [
            "",
            "-- ",
            _("Malpro – Malang Beli Produk Lokal, Pemerintah Kota Malang"),
            _("Email ini dikirim otomatis, mohon tidak membalas. "
              "Semua notifikasi Anda ada di menu Notifikasi setelah masuk."),
        ]
        subject = _("[Malpro] %(title)s", title=notification.title)
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
