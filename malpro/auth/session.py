"""Flask-Login wiring: server-side login sessions (services.sessions), loading the user from
them, and answering anonymous requests by their kind.

What Flask-Login keeps in the session cookie and the remember-me cookie is the user's
`login_key`, "<user id>:<secret of this sign-in>"; a bare user id (the old format) loads nobody."""
from datetime import timedelta

from flask import Flask, g, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user

from malpro.extensions import login_manager
from malpro.services import sessions


def init_login_manager(app: Flask) -> None:
    from malpro.auth.decorators import deny_anonymous

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Silakan masuk terlebih dahulu.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.unauthorized_handler(deny_anonymous)
    # The browser keeps the remember-me cookie as long as the server keeps its session.
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=app.config["REMEMBER_DAYS"]))


@login_manager.user_loader
def load_user(login_key: str):
    user_id, sep, raw = str(login_key).partition(":")
    found = sessions.user_for_session(int(user_id), raw) if sep and user_id.isdecimal() and len(user_id) < 19 else None
    if found is None:
        if session.get("_user_id") == login_key:
            session.pop("_user_id", None)  # an ended session: stop looking it up on every request
        else:
            session["_remember"] = "clear"  # an ended remember-me cookie: the browser drops it
        return None
    user, session_id = found
    user.login_key = login_key
    g.login_session_id = session_id
    return user


def current_session_id() -> int | None:
    """The id of the signed-in request's login session (None when nobody is signed in)."""
    return g.get("login_session_id")


def sign_in(user, remember: bool) -> None:
    """Start a login session for `user` in this browser."""
    raw, session_id = sessions.start(user.id, remember=remember, user_agent=request.headers.get("User-Agent"))
    user.login_key = f"{user.id}:{raw}"
    login_user(user, remember=remember)
    g.login_session_id = session_id


def sign_out() -> None:
    """End this browser's login session on the server, then forget it in the cookies."""
    # Reading current_user loads the user, and so this request's session id.
    if current_user.is_authenticated and current_session_id() is not None:
        sessions.end(current_session_id())
    logout_user()
