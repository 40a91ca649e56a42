"""Bearer-token authentication for the API. The caller is `g.api_user` (and `g.api_token`);
`g.api_user_id` is their id, which stays readable without a query after a service commits
(a commit expires `g.api_user`, and reading any of its attributes would load it again).
Cookies never authenticate an API request: a browser's session is not an app's token."""
from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from malpro.services.errors import DomainError, ForbiddenError
from malpro.services.tokens import user_for_token

_CACHE_KEY = "malpro.api_caller"


class UnauthorizedError(DomainError):
    code = "unauthorized"
    status = 401


def bearer_token() -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def api_user():
    """The caller authenticated by a valid bearer token, or None. Looked up once per request
    (kept in the request's environ: an app context, and its `g`, may outlive one request)."""
    found = request.environ.get(_CACHE_KEY)
    if found is None:
        user, token = user_for_token(bearer_token() or "") or (None, None)
        found = request.environ[_CACHE_KEY] = (user, token, user.id if user else None)
    g.api_user, g.api_token, g.api_user_id = found
    return found[0]


def token_required(role: str | None = None):
    """Require a valid token: 401 without one. `role` "seller" needs a store of the caller's
    own, "admin" an admin account; a caller without it gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = api_user()
            if user is None:
                raise UnauthorizedError(_("Token tidak ada, tidak valid, atau sudah kedaluwarsa. Silakan masuk lagi."))
            if role == "admin" and not user.is_admin:
                raise ForbiddenError(_("Hanya admin Malpro yang boleh melakukan ini."))
            if role == "seller" and user.store is None:
                raise ForbiddenError(_("Anda belum memiliki toko."))
            return view(*args, **kwargs)

        return wrapped

    return decorator
