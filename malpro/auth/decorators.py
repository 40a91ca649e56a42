"""Role guards. They answer by request type, as the caller can use it:
an anonymous page visit goes to the login page (with `next`), an htmx call gets HX-Redirect,
a JSON caller gets a JSON 401; an authenticated user without the role gets 403."""
from functools import wraps
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from malpro.errors import wants_json
from malpro.htmx import htmx_redirect


def deny_anonymous():
    login_url = url_for("auth.login", next=request.full_path.rstrip("?"))
    if request.headers.get("HX-Request") == "true":
        # Send the page the user was on (not the fragment URL) back after login.
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.path:
            login_url = url_for("auth.login", next=current.path + (f"?{current.query}" if current.query else ""))
        return htmx_redirect(login_url, status=401)
    if wants_json():
        abort(401)
    flash(_("Silakan masuk terlebih dahulu."), "info")
    return redirect(login_url)


def check_role(role: str):
    """Return a response refusing the current user, or None when they have `role`.

    Roles: "user" (any signed-in account), "seller" (owns a store), "admin"."""
    if not current_user.is_authenticated:
        return deny_anonymous()
    if role == "admin" and not current_user.is_admin:
        abort(403)
    if role == "seller" and current_user.store is None:
        abort(403)
    return None


def role_required(role: str):
    """Decorator form of check_role, for single views."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            refusal = check_role(role)
            return refusal if refusal is not None else view(*args, **kwargs)

        return wrapped

    return decorator


def guard_blueprint(bp, role: str) -> None:
    """Guard every view of a blueprint (CTFd's admins_only, applied once)."""
    bp.before_request(lambda: check_role(role))
