"""The rate limits of signing in, signing up and asking for a password reset, shared by the web
pages and the API (API.md, 429 `rate_limited`): one count per client address whichever door is
used, exact across worker processes (malpro/ratelimit.py).

- failed sign-ins: LOGIN_RATE_LIMIT (10 a minute) per address and email, and
  LOGIN_ADDRESS_RATE_LIMIT (30 a minute) per address across all emails (password spraying);
  only failures count, so signing in often never locks anyone out;
- registrations: REGISTER_RATE_LIMIT (5 a minute) per address;
- password reset requests: PASSWORD_RESET_RATE_LIMIT (5 a minute) per address and
  PASSWORD_RESET_EMAIL_RATE_LIMIT (5 an hour) per email, so nobody can flood a mailbox."""
import time
from collections.abc import Callable

from flask import current_app, request

from malpro.extensions import limiter
from malpro.services.accounts import normalize_email

_FAILED = "malpro.failed_sign_in"


def _setting(name: str) -> Callable[[], str]:
    return lambda: current_app.config[name]


def _address() -> str:
    return request.remote_addr or "unknown"


def _email() -> str:
    """The email the request is about, from a JSON body (API) or a form (web)."""
    if request.is_json:
        body = request.get_json(silent=True)
        email = body.get("email") if isinstance(body, dict) else None
    else:
        email = request.form.get("email")
    return normalize_email(email if isinstance(email, str) else "")[:254]


def _address_and_email() -> str:
    return f"{_address()}:{_email()}"


def _email_only() -> str:
    return _email() or "-"


def mark_failed_sign_in() -> None:
    """Tell the limits that this request was a failed sign-in (a web form answers 200 either way)."""
    request.environ[_FAILED] = True


def _failed(response) -> bool:
    return response.status_code == 401 or bool(request.environ.get(_FAILED))


def sign_in_limits(view):
    view = limiter.shared_limit(_setting("LOGIN_RATE_LIMIT"), scope="sign-in", key_func=_address_and_email,
                                methods=["POST"], deduct_when=_failed)(view)
    return limiter.shared_limit(_setting("LOGIN_ADDRESS_RATE_LIMIT"), scope="sign-in-address", key_func=_address,
                                methods=["POST"], deduct_when=_failed)(view)


def register_limits(view):
    return limiter.shared_limit(_setting("REGISTER_RATE_LIMIT"), scope="register", key_func=_address,
                                methods=["POST"])(view)


def password_reset_limits(view):
    view = limiter.shared_limit(_setting("PASSWORD_RESET_RATE_LIMIT"), scope="password-reset", key_func=_address,
                                methods=["POST"])(view)
    return limiter.shared_limit(_setting("PASSWORD_RESET_EMAIL_RATE_LIMIT"), scope="password-reset-email",
                                key_func=_email_only, methods=["POST"])(view)


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets the next attempt through."""
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60
