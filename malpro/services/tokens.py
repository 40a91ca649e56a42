"""API bearer tokens: random, shown once, stored only as a SHA-256 hash, expiring, revocable."""
import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update

from malpro.extensions import db
from malpro.models import ApiToken, User, utcnow

# Every API request runs this statement, so it is built once: building a statement (and the
# key SQLAlchemy caches its SQL under) costs more than running it (docs/performance.md).
_TOKEN_AND_USER = (select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                   .where(ApiToken.token_hash == bindparam("token_hash")))


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user_id: int) -> tuple[str, ApiToken]:
    """A new token for the user: (the raw token to show once, its row)."""
    raw = secrets.token_urlsafe(32)
    token = ApiToken(user_id=user_id, token_hash=_hash(raw),
                     expires_at=utcnow() + timedelta(days=current_app.config["API_TOKEN_DAYS"]))
    db.session.add(token)
    db.session.commit()
    return raw, token


def user_for_token(raw: str) -> tuple[User, ApiToken] | None:
    """The active user and token for a raw bearer token, or None (unknown, expired, revoked,
    or the account deactivated)."""
    if not raw or len(raw) > 200:
        return None
    found = db.session.execute(_TOKEN_AND_USER, {"token_hash": _hash(raw)}).first()
    if found is None:
        return None
    token, user = found
    if token.revoked_at is not None or token.expires_at <= utcnow() or not user.active:
        return None
    return user, token


def revoke(token_id: int) -> None:
    db.session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))
    db.session.commit()
