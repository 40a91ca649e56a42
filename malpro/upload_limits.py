"""How many files one account may upload (issue 15, point 9).

Each upload is decoded and re-encoded (images) or checked by content (documents), which costs
a worker real time and memory, so files are counted per account (per address for a caller
who is not signed in), across the web forms and the API, before any of them is read: a request
whose files would pass UPLOAD_RATE_LIMIT is refused whole with 429 and Retry-After. The count
lives in the rate limiter's storage (Flask-Limiter's, shared by the workers like every other
limit), and RATELIMIT_ENABLED=false switches it off with the others."""
import math
import time

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _
from limits import parse_many

from malpro.extensions import limiter

DEFAULT_LIMIT = "120 per hour"


def _caller_key() -> str:
    if request.path.startswith("/api/"):
        from malpro.api.auth import api_user

        user = api_user()
        if user is not None:
            return f"upload:user:{user.id}"
    else:
        from flask_login import current_user

        if current_user.is_authenticated:
            return f"upload:user:{current_user.id}"
    return f"upload:address:{request.remote_addr}"


def _refuse(retry_after: int):
    from malpro.errors import api_error, wants_json

    message = _("Terlalu banyak berkas diunggah. Coba lagi dalam %(n)d menit.", n=max(1, math.ceil(retry_after / 60)))
    if wants_json():
        response, status = api_error(429, message)
    else:
        response = make_response(render_template("errors/error.html", status=429, message=message), 429)
    response.status_code = 429
    response.headers["Retry-After"] = str(retry_after)
    return response


def init_upload_limits(app: Flask) -> None:
    @app.before_request
    def limit_uploads():
        if request.method not in ("POST", "PUT", "PATCH") or request.mimetype != "multipart/form-data":
            return None
        if not app.config.get("RATELIMIT_ENABLED", True):
            return None
        count = sum(1 for _name, upload in request.files.items(multi=True) if upload.filename)
        if not count:
            return None
        key = _caller_key()
        strategy = limiter.limiter
        items = parse_many(app.config.get("UPLOAD_RATE_LIMIT") or DEFAULT_LIMIT)
        for item in items:
            if not strategy.test(item, key, cost=count):
                reset = strategy.get_window_stats(item, key).reset_time
                return _refuse(max(1, math.ceil(reset - time.time())))
        for item in items:
            strategy.hit(item, key, cost=count)
        return None
