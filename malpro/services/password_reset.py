"""Forgotten passwords (DOMAIN.md "Accounts"): a one-time link, valid one hour, dead once used
or once the password changes.

The link is sent by email when MAIL_SERVER is set. Asking for it answers the same whether or not
the address has an account, and the email leaves in a background thread, so the answer does not
take longer for a real address either. Without mail an admin makes the link on the user's admin
page and sends it by WhatsApp; that is audited. Only the SHA-256 hash of a link's secret is kept."""
import hashlib
import logging
import secrets
import threading
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select, update

from malpro.extensions import db
from malpro.models import AuditLog, PasswordReset, User, utcnow
from malpro.services import accounts
from malpro.services.errors import ConflictError, ForbiddenError, NotFoundError, ValidationError
from malpro.services.notifications import _MailSettings, _QueuedEmail, _send, absolute_url
from malpro.services.validation import normalize_phone, whatsapp_url

log = logging.getLogger(__name__)

TOKEN_MAX = 100


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def mail_configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def support_whatsapp_url() -> str | None:
    """A WhatsApp chat with the admins (SUPPORT_WHATSAPP) to ask for a reset link, or None."""
    number = current_app.config.get("SUPPORT_WHATSAPP")
    if not number:
        return None
    try:
        phone = normalize_phone(str(number))
    except ValueError:
        log.warning("SUPPORT_WHATSAPP is not an Indonesian mobile number; no WhatsApp link shown")
        return None
    return whatsapp_url(phone, _("Halo admin Malpro, saya lupa kata sandi akun Malpro saya. Email akun saya: "))


def _new_link(user_id: int, created_by_id: int | None = None) -> str:
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(PasswordReset(user_id=user_id, token_hash=_hash(raw), created_by_id=created_by_id, created_at=now,
                                 expires_at=now + timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"])))
    return raw


def reset_url(raw: str) -> str:
    return absolute_url(url_for("auth.reset_password", token=raw))


def request_reset(email: str) -> None:
    """Email a reset link to the account with this address, if there is one and mail is set
    up. Says nothing either way (the caller shows the same answer)."""
    user = accounts.find_user_by_email(email or "")
    if user is None or not user.active or not mail_configured():
        return
    raw = _new_link(user.id)
    db.session.commit()
    message = _reset_email(user, reset_url(raw))
    config = current_app.config
    settings = _MailSettings(server=config["MAIL_SERVER"], port=int(config.get("MAIL_PORT") or 25),
                             use_tls=bool(config.get("MAIL_USE_TLS")), username=config.get("MAIL_USERNAME") or None,
                             password=config.get("MAIL_PASSWORD") or None)
    queued = _QueuedEmail(savepoint=None, settings=settings, message=message, kind="password_reset", user_id=user.id)
    threading.Thread(target=_send, args=([queued],), name="malpro-reset-mail", daemon=True).start()


def _reset_email(user: User, link: str) -> EmailMessage:
    sender = current_app.config["MAIL_SENDER"]
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("[Malpro] Atur ulang kata sandi")
        body = "\n".join([
            _("Halo %(name)s,", name=user.name), "",
            _("Seseorang (semoga Anda) meminta atur ulang kata sandi akun Malpro Anda. "
              "Buka tautan ini untuk membuat kata sandi baru:"), "",
            link, "",
            _("Tautan ini berlaku %(minutes)d menit dan hanya bisa dipakai sekali.", minutes=minutes),
            _("Jika Anda tidak memintanya, abaikan email ini: kata sandi Anda tidak berubah."), "",
            "-- ", _("Malpro – Malang Beli Produk Lokal, Pemerintah Kota Malang"),
        ])
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((" ".join(user.name.split()), user.email))
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=parseaddr(sender)[1].rpartition("@")[2] or "malpro.invalid")
    message.set_content(body + "\n")
    return message


def create_link_by_admin(admin_id: int, user_id: int) -> tuple[User, str]:
    """A reset link an admin sends the user by WhatsApp (cities without mail). Audited.
    Not for admin accounts (an admin could then sign in as another) nor deactivated ones."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError(_("Pengguna tidak ditemukan."))
    if user.is_admin:
        raise ForbiddenError(_("Tautan atur ulang tidak dibuat untuk akun admin: "
                               "admin memakai \"Lupa kata sandi?\" atau perintah create-admin."))
    if not user.active:
        raise ConflictError(_("Akun ini nonaktif. Aktifkan kembali dulu."))
    raw = _new_link(user.id, created_by_id=admin_id)
    db.session.add(AuditLog(actor_id=admin_id, action="user.password_reset_link", target_type="user",
                            target_id=user.id, reason=None))
    db.session.commit()
    return user, raw


def user_for_link(raw: str) -> User | None:
    """The account a live reset link belongs to, or None (unknown, used, expired, cancelled)."""
    if not raw or len(raw) > TOKEN_MAX:
        return None
    link = db.session.scalar(select(PasswordReset).where(PasswordReset.token_hash == _hash(raw)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    user = db.session.get(User, link.user_id)
    return user if user is not None and user.active else None


def reset_password(raw: str, new_password: str) -> User:
    """Set a new password with a reset link. The link dies, and so do all the account's other
    links, login sessions, remember-me cookies and API tokens."""
    user = user_for_link(raw)
    if user is None:
        raise ValidationError(_("Tautan atur ulang ini tidak berlaku lagi. Minta tautan baru."))
    accounts.check_new_password(new_password, user.email)
    used = db.session.execute(update(PasswordReset).where(PasswordReset.token_hash == _hash(raw),
                                                          PasswordReset.used_at.is_(None))
                              .values(used_at=utcnow()))
    if not used.rowcount:  # used by a request that got here first
        db.session.rollback()
        raise ValidationError(_("Tautan atur ulang ini tidak berlaku lagi. Minta tautan baru."))
    accounts.set_password(user, new_password)
    db.session.commit()
    return user


def cancel_links(user_id: int) -> None:
    """End the user's unused reset links (the password changed). Not committed."""
    db.session.execute(update(PasswordReset).where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
                       .values(used_at=utcnow()))
