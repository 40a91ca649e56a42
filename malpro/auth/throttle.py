"""The rate limits of signing in, signing up and asking for a password reset, shared by the web
pages and the API (API.md, 429 `rate_limited`): one count per client address whichever door is
used, exact across worker processes (malpro/ratelimit.py).

- failed sign-ins: LOGIN_RATE_LIMIT (10 a minute) per address and email, and
  LOGIN_ADDRESS_RATE_LIMIT (30 a minute) per address across all emails (password spraying);
  only failures count, so signing in often never locks anyone out (`sign_in_limits` uses the
  limiter's storage and strategy directly: Flask-Limiter can only count after the answer, which
  lets simultaneous attempts through);
- registrations: REGISTER_RATE_LIMIT (5 a minute) per address;
- password reset requests: PASSWORD_RESET_RATE_LIMIT (5 a minute) per address and
  PASSWORD_RESET_EMAIL_RATE_LIMIT (5 an hour) per email, so nobody can flood a mailbox."""
import logging
import time
from collections.abc import Callable
from functools import wraps

from flask import current_app, make_response, request
from limits import parse
from limits.storage import MemoryStorage
from werkzeug.exceptions import TooManyRequests

from malpro.extensions import limiter
from malpro.ratelimit import SQLiteStorage
from malpro.services.accounts import normalize_email

_FAILED = "malpro.failed_sign_in"
_RETRY_AFTER = "malpro.retry_after"
log = logging.getLogger(__name__)


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


def _refund(storage, key: str) -> None:
    """Give back the newest entry of a moving window (a sign-in that succeeded)."""
    if isinstance(storage, SQLiteStorage):
        storage.refund(key)
    elif isinstance(storage, MemoryStorage):
        with storage.locks[key]:
            if storage.events.get(key):
                storage.events[key].pop(0)  # newest first
    elif hasattr(storage, "prefixed_key"):  # Redis: the window is a list, newest first
        storage.get_connection().lpop(storage.prefixed_key(key))


def _take(strategy, windows, prefix: str) -> None:
    """Take a place in every window, or none (TooManyRequests, with the wait)."""
    taken = []
    for item, key in windows:
        if not strategy.hit(item, prefix, key):
            for got_item, got_key in taken:
                _refund(strategy.storage, got_item.key_for(prefix, got_key))
            reset, _remaining = strategy.get_window_stats(item, prefix, key)
            request.environ[_RETRY_AFTER] = max(1, int(reset - time.time()) + 1)
            raise TooManyRequests(retry_after=request.environ[_RETRY_AFTER])
        taken.append((item, key))


def sign_in_limits(view):
    """Failed sign-ins, counted exactly even when attempts arrive at the same instant: each
    attempt takes its place in both windows before the password is checked (an atomic
    acquire in the shared storage), and a successful one gives its places back."""

    @wraps(view)
    def limited(*args, **kwargs):
        if request.method != "POST" or not current_app.config.get("RATELIMIT_ENABLED", True):
            return view(*args, **kwargs)
        prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "malpro"
        windows = ((parse(current_app.config["LOGIN_RATE_LIMIT"]), f"sign-in/{_address_and_email()}"),
                   (parse(current_app.config["LOGIN_ADDRESS_RATE_LIMIT"]), f"sign-in-address/{_address()}"))
        strategy = limiter.limiter
        try:
            _take(strategy, windows, prefix)
        except TooManyRequests:
            raise
        except Exception:  # noqa: BLE001  (the storage is unreachable: count in this process meanwhile)
            log.warning("Rate-limit storage unreachable: sign-in attempts counted in memory")
            strategy = getattr(limiter, "_fallback_limiter", None)
            if strategy is None:
                return view(*args, **kwargs)
            _take(strategy, windows, prefix)
        response = make_response(view(*args, **kwargs))
        if not _failed(response):
            for item, key in windows:
                _refund(strategy.storage, item.key_for(prefix, key))
        return response

    return limited


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
    if request.environ.get(_RETRY_AFTER):
        return request.environ[_RETRY_AFTER]
    current = limiter.current_limit
    return max(1, int(current.reset_at - time.time())) if current else 60
