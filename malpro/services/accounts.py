"""Accounts: registration, authentication, password changes, admin creation."""
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from malpro.extensions import db
from malpro.models import AuditLog, User, utcnow
from malpro.services import sessions
from malpro.services.errors import ConflictError, ValidationError
from malpro.services.passwords import MAX_LENGTH as PASSWORD_MAX_LENGTH
from malpro.services.passwords import password_problem
from malpro.services.validation import normalize_phone

# Checked when the email is unknown too, so both answers take the same time.
_DUMMY_HASH = generate_password_hash("malpro-timing-equaliser")


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def check_new_password(password: str, email: str, field: str = "password") -> None:
    """Raise a ValidationError on `field` unless `password` may be used (services.passwords)."""
    problem = password_problem(password, email)
    if problem:
        raise ValidationError(fields={field: problem})


def register_user(name: str, email: str, password: str, phone: str | None = None) -> User:
    """Create a buyer account. Roles are never taken from input: admins come from the CLI
    or another admin (DOMAIN.md)."""
    fields = {}
    name = (name or "").strip()
    if not 2 <= len(name) <= 120:
        fields["name"] = _("Nama harus 2-120 karakter.")
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        fields["email"] = _("Alamat email tidak valid.")
    normalized_phone = None
    if phone:
        try:
            normalized_phone = normalize_phone(phone)
        except ValueError as exc:
            fields["phone"] = str(exc)
    problem = password_problem(password, email)
    if problem:
        fields["password"] = problem
    if fields:
        raise ValidationError(fields=fields)
    if find_user_by_email(email):
        raise ConflictError(_("Email ini sudah terdaftar. Silakan masuk."),
                            fields={"email": _("Email ini sudah terdaftar.")})
    user = User(name=name, email=email, phone=normalized_phone, password_hash=generate_password_hash(password))
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user for these credentials, or None (the same None for an unknown email, a
    wrong password and a deactivated account, so accounts cannot be discovered)."""
    user = find_user_by_email(email)
    if user is None or len(password or "") > PASSWORD_MAX_LENGTH:
        check_password_hash(_DUMMY_HASH, (password or "")[:PASSWORD_MAX_LENGTH])
        return None
    if not check_password_hash(user.password_hash, password or "") or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def set_language(user: User, lang: str) -> None:
    """Keep the interface language on the account, so what is written for this user later
    (notifications, emails) is in it too. `lang` is one of the configured LANGUAGES."""
    user.locale = lang
    db.session.commit()


def change_password(user: User, current: str, new: str, keep_session_id: int | None = None,
                    keep_token_id: int | None = None) -> None:
    """Change the password after checking the current one. Every other login session and API
    token of the account ends (the caller's own, given by id, stays), and so does every
    password reset link."""
    if len(current or "") > PASSWORD_MAX_LENGTH or not check_password_hash(user.password_hash, current or ""):
        raise ValidationError(fields={"current_password": _("Kata sandi saat ini salah.")})
    check_new_password(new, user.email, field="new_password")
    set_password(user, new, keep_session_id=keep_session_id, keep_token_id=keep_token_id)
    db.session.commit()


def set_password(user: User, new: str, keep_session_id: int | None = None, keep_token_id: int | None = None) -> None:
    """Store a new (already checked) password and end what the old one opened: the other login
    sessions, the API tokens and the reset links. Not committed: part of the caller's change."""
    from malpro.services.password_reset import cancel_links

    user.password_hash = generate_password_hash(new)
    sessions.end_all(user.id, keep_session_id=keep_session_id, keep_token_id=keep_token_id)
    cancel_links(user.id)


def create_admin(email: str, password: str, name: str, created_by: User | None = None) -> User:
    """Make an admin account, or promote an existing account to admin."""
    user = find_user_by_email(email)
    if user is None:
        user = register_user(name=name, email=email, password=password)
    user.is_admin = True
    db.session.add(AuditLog(actor_id=created_by.id if created_by else None, action="admin.grant",
                            target_type="user", target_id=user.id,
                            reason=None if created_by else "CLI create-admin"))
    db.session.commit()
    return user

