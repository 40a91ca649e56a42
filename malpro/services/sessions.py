"""Web login sessions, kept on the server (DOMAIN.md "Accounts").

A sign-in makes a `LoginSession` row holding the SHA-256 hash of a random secret; the browser's
session cookie and remember-me cookie carry "<user id>:<secret>". Every request looks the row up
once (by the unique hash, joined with the user): a revoked, expired or foreign row, or a
deactivated account, signs nobody in. So logging out ends that browser's session on the server,
remember-me tokens differ per sign-in, expire, and can be revoked one by one, and a password
change ends every other session and every API token."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, delete, or_, select, update

from malpro.extensions import db
from malpro.models import ApiToken, LoginSession, User, utcnow

USER_AGENT_MAX = 200

# Run on every signed-in request: built once (docs/architecture.md, "Hot paths").
_SESSION_AND_USER = (select(LoginSession.id, LoginSession.user_id, LoginSession.expires_at,
                            LoginSession.revoked_at, User)
                     .join(User, User.id == LoginSession.user_id)
                     .where(LoginSession.token_hash == bindparam("token_hash")))


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Device:
    """A place the account is signed in, for the list on /akun."""

    kind: str  # "web" (a browser's login session) or "app" (an API token)
    id: int
    label: str
    created_at: datetime
    expires_at: datetime
    remember: bool
    current: bool


def start(user_id: int, remember: bool, user_agent: str | None = None) -> tuple[str, int]:
    """A new login session for the user: (its secret, to put in the cookies; its id).

    With remember-me it lasts REMEMBER_DAYS (30), else LOGIN_SESSION_HOURS; the user's ended
    sessions are cleared out at the same time, so the table holds live ones only."""
    config = current_app.config
    now = utcnow()
    lifetime = timedelta(days=config["REMEMBER_DAYS"]) if remember else timedelta(hours=config["LOGIN_SESSION_HOURS"])
    db.session.execute(delete(LoginSession).where(
        LoginSession.user_id == user_id,
        or_(LoginSession.revoked_at.is_not(None), LoginSession.expires_at <= now)))
    raw = secrets.token_urlsafe(32)
    record = LoginSession(user_id=user_id, token_hash=_hash(raw), remember=bool(remember),
                          user_agent=(user_agent or "")[:USER_AGENT_MAX] or None,
                          created_at=now, expires_at=now + lifetime)
    db.session.add(record)
    db.session.commit()
    return raw, record.id


def user_for_session(user_id: int, raw: str) -> tuple[User, int] | None:
    """The active user and the id of their live session for this secret, or None."""
    if not raw or len(raw) > 100:
        return None
    found = db.session.execute(_SESSION_AND_USER, {"token_hash": _hash(raw)}).first()
    if found is None:
        return None
    session_id, owner_id, expires_at, revoked_at, user = found
    if owner_id != user_id or revoked_at is not None or expires_at <= utcnow() or not user.active:
        return None
    return user, session_id


def end(session_id: int) -> None:
    """End one login session (logout, or "Keluar" on one device in the list)."""
    db.session.execute(update(LoginSession).where(LoginSession.id == session_id, LoginSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()


def end_for_user(user_id: int, kind: str, item_id: int) -> bool:
    """End one of the user's own sessions or app tokens from the device list; False when it is
    not theirs (or already ended)."""
    model = LoginSession if kind == "web" else ApiToken
    result = db.session.execute(update(model).where(model.id == item_id, model.user_id == user_id,
                                                    model.revoked_at.is_(None)).values(revoked_at=utcnow()))
    db.session.commit()
    return bool(result.rowcount)


def end_all(user_id: int, keep_session_id: int | None = None, keep_token_id: int | None = None) -> None:
    """End every login session and API token of the user but the ones to keep (the caller's own
    after a password change). Not committed: part of the caller's change."""
    now = utcnow()
    sessions = update(LoginSession).where(LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None))
    if keep_session_id is not None:
        sessions = sessions.where(LoginSession.id != keep_session_id)
    api_tokens = update(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    if keep_token_id is not None:
        api_tokens = api_tokens.where(ApiToken.id != keep_token_id)
    db.session.execute(sessions.values(revoked_at=now))
    db.session.execute(api_tokens.values(revoked_at=now))


def sign_out_everywhere(user_id: int) -> None:
    end_all(user_id)
    db.session.commit()


def devices(user_id: int, current_session_id: int | None = None) -> list[Device]:
    """Where the account is signed in now: browsers (login sessions) and apps (API tokens),
    newest first."""
    now = utcnow()
    web = db.session.scalars(select(LoginSession).where(
        LoginSession.user_id == user_id, LoginSession.revoked_at.is_(None), LoginSession.expires_at > now))
    apps = db.session.scalars(select(ApiToken).where(
        ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now))
    found = [Device("web", s.id, browser_label(s.user_agent), s.created_at, s.expires_at, s.remember,
                    s.id == current_session_id) for s in web]
    found += [Device("app", t.id, "Malpro Android", t.created_at, t.expires_at, True, False) for t in apps]
    return sorted(found, key=lambda d: (not d.current, -d.created_at.timestamp()))


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("SamsungBrowser", "Samsung Internet"), ("Firefox/", "Firefox"),
             ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def browser_label(user_agent: str | None) -> str:
    """"Chrome · Android" from a User-Agent header: enough for a person to tell devices apart."""
    agent = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in agent), None)
    return " · ".join(part for part in (browser, system) if part) or "Browser"
