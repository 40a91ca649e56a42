"""HTTP hardening: security headers on every response, cookie flags, the request size limit,
and trusting the reverse proxy's forwarded headers.

The headers come from the `secure` library (maintained, typed builders for each header).
Flask-Talisman was the other candidate; it has had no release since 2023, redirects to HTTPS
itself (nginx does that here), trusts a client's X-Forwarded-Proto without ProxyFix and
rewrites app.config while serving requests, so it would fight the settings below.

The Content-Security-Policy allows scripts, styles and everything else from this site only:
no inline <script>, no inline event handlers, no `style=""` attributes, no eval. htmx works
under it because it is loaded from /static, its config comes from a <meta> tag with
`includeIndicatorStyles: false` (so it injects no <style>), and Malpro uses no `hx-on`,
`hx-vals="js:..."` or trigger filters, the only htmx features that need eval.
"""
import io

from flask import Flask, abort, g, request
from secure import (
    ContentSecurityPolicy,
    CrossOriginOpenerPolicy,
    PermissionsPolicy,
    ReferrerPolicy,
    Secure,
    StrictTransportSecurity,
    XContentTypeOptions,
    XFrameOptions,
)
from werkzeug.middleware.proxy_fix import ProxyFix

SELF = "'self'"
NONE = "'none'"

CONTENT_SECURITY_POLICY = (
    ContentSecurityPolicy()
    .default_src(SELF)
    .script_src(SELF)
    .style_src(SELF)
    .img_src(SELF, "data:")
    .font_src(SELF)
    .connect_src(SELF)
    .form_action(SELF)
    .frame_ancestors(NONE)
    .base_uri(SELF)
    .object_src(NONE)
)

# Nothing in Malpro uses these browser features; refusing them limits what injected or
# third-party content could do. Photo uploads use <input type=file>, which needs no permission.
PERMISSIONS_POLICY = (
    PermissionsPolicy()
    .camera().microphone().geolocation().payment().usb().serial().hid()
    .accelerometer().gyroscope().magnetometer().browsing_topics()
)

HEADERS = Secure(
    csp=CONTENT_SECURITY_POLICY,
    xfo=XFrameOptions().deny(),
    xcto=XContentTypeOptions(),
    referrer=ReferrerPolicy().strict_origin_when_cross_origin(),
    permissions=PERMISSIONS_POLICY,
    coop=CrossOriginOpenerPolicy().same_origin(),
)
# Sent only on HTTPS requests: over plain HTTP a browser ignores it, and a development
# server on http://127.0.0.1 must not be pinned to HTTPS.
HSTS = Secure(hsts=StrictTransportSecurity().max_age(31536000))

# Every response built for a signed-in caller (pages under /akun, /pesanan, /seller, /admin,
# the API's personal resources, and any page whose header shows the person's name, cart and
# CSRF token) is kept by no browser and no proxy, unless its view chose its own caching
# (media files, the public transparency figures, exports).
PERSONAL_CACHE = "no-store"


def serves_https(app: Flask) -> bool:
    """Whether the site is public over HTTPS (PREFERRED_URL_SCHEME or PUBLIC_BASE_URL say so)."""
    base = app.config.get("PUBLIC_BASE_URL") or ""
    return app.config.get("PREFERRED_URL_SCHEME") == "https" or base.startswith("https://")


def configure_proxy(app: Flask) -> None:
    """Behind nginx, take the client's address and scheme from X-Forwarded-For/-Proto.

    PROXY_FIX is the number of proxies in front that set them (1 for the sample nginx site);
    0 trusts nothing, so a client cannot forge its address or scheme on a bare server.
    The Host header is not taken from X-Forwarded-Host: nginx passes the real one."""
    hops = int(app.config.get("PROXY_FIX") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)


def _buffer_chunked_body(limit: int) -> None:
    """A chunked body has no Content-Length (clients that stream, or a request sent straight
    to gunicorn; nginx buffers bodies and sends the length). Werkzeug would give the parsers
    the first MAX_CONTENT_LENGTH bytes and silently drop the rest, so a form could arrive cut
    short. Read it here, at most one byte past the limit: over it is a 413, under it the
    parsers read this copy."""
    stream = request.environ["wsgi.input"]
    body = bytearray()
    while len(body) <= limit:
        chunk = stream.read(min(65536, limit + 1 - len(body)))
        if not chunk:
            break
        body += chunk
    if len(body) > limit:
        abort(413)
    request.environ["wsgi.input"] = io.BytesIO(bytes(body))


def init_security(app: Flask) -> None:
    https = serves_https(app)
    # None means "decide from the scheme": Secure cookies over HTTPS, plain ones for
    # http://127.0.0.1 in development and tests (a browser drops Secure cookies over HTTP).
    for key in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(key) is None:
            app.config[key] = https

    @app.before_request
    def refuse_oversized_body():
        # Refuse on the declared length before anything reads the body (CSRF check, forms,
        # JSON); Werkzeug still guards bodies sent without a Content-Length.
        limit = app.config.get("MAX_CONTENT_LENGTH")
        if not limit:
            return
        if request.content_length is not None:
            if request.content_length > limit:
                abort(413)
        elif "chunked" in request.headers.get("Transfer-Encoding", "").lower():
            _buffer_chunked_body(limit)

    from malpro.upload_limits import init_upload_limits

    init_upload_limits(app)

    @app.after_request
    def security_headers(response):
        # A view's own, stricter policy (a legality document: `default-src 'none'; sandbox`)
        # is kept; every other response gets the site's.
        own_policy = response.headers.get("Content-Security-Policy")
        HEADERS.set_headers(response)
        if own_policy:
            response.headers["Content-Security-Policy"] = own_policy
        if request.is_secure:
            HSTS.set_headers(response)
        if "Cache-Control" not in response.headers and signed_in_caller():
            response.headers["Cache-Control"] = PERSONAL_CACHE
        return response


def signed_in_caller() -> bool:
    """Whether this response was built for a signed-in person: a session user (flask_login
    keeps the user it loaded in g) or an API token's owner (malpro/api/auth.py)."""
    user = g.get("_login_user")
    if user is not None and getattr(user, "is_authenticated", False):
        return True
    return g.get("api_user_id") is not None
