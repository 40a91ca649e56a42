"""Security headers, cookie flags, the request size limit and the reverse-proxy settings."""
import re
from pathlib import Path

import pytest

from malpro import create_app

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def _csp(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def _assert_hardened(response):
    csp = _csp(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    assert csp["frame-ancestors"] == "'none'"
    assert csp["object-src"] == "'none'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_html_pages_carry_the_security_headers(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    _assert_hardened(response)
    assert "Strict-Transport-Security" not in response.headers  # plain http in development


def test_error_pages_carry_them_too(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    _assert_hardened(response)


def test_api_responses_carry_the_security_headers(client):
    response = client.get("/api/v1/categories")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    _assert_hardened(response)
    missing = client.get("/api/v1/tidak-ada")
    assert missing.status_code == 404 and missing.json["error"]["code"] == "not_found"
    _assert_hardened(missing)


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" in client.get("/", base_url="https://localhost").headers
    assert "Strict-Transport-Security" not in client.get("/").headers


def test_templates_have_no_inline_script_or_handler():
    """The CSP forbids inline scripts: a template that adds one breaks in the browser."""
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text()
        for match in re.finditer(r"<script\b[^>]*>", text, re.I):
            if "src=" not in match.group(0):
                offenders.append(f"{path.name}: inline <script>")
        for attribute in re.findall(r"\s(on[a-z]+)\s*=", text, re.I):
            offenders.append(f"{path.name}: {attribute}= handler")
        if re.search(r"\shx-on[:-]|javascript:|js:", text):
            offenders.append(f"{path.name}: script in an attribute (needs eval)")
        if re.search(r"\sstyle\s*=", text):
            offenders.append(f"{path.name}: style attribute")
    assert offenders == []


# --- cookies ------------------------------------------------------------------------------

def _cookie(response, name: str) -> str:
    header = next((h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")), None)
    assert header is not None, f"no {name} cookie set"
    return header


def _login(client, make, remember=True):
    user = make.user(email="kuki@example.com")
    response = client.post("/auth/login", data={"email": user.email, "password": "rahasia123",
                                                "remember": "y" if remember else ""})
    assert response.status_code == 302
    return response


def test_cookies_are_httponly_and_samesite_but_not_secure_over_http(client, make):
    response = _login(client, make)
    for name in ("session", "remember_token"):
        cookie = _cookie(response, name)
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" not in cookie  # a browser would drop it on http://127.0.0.1


@pytest.mark.parametrize("setting", [{"PREFERRED_URL_SCHEME": "https"},
                                     {"PUBLIC_BASE_URL": "https://malpro.malangkota.go.id"}])
def test_cookies_are_secure_when_the_site_is_https(config, make, setting):
    config.update(setting)
    app = create_app(config)
    with app.app_context():
        client = app.test_client()
        response = _login(client, make)
        for name in ("session", "remember_token"):
            cookie = _cookie(response, name)
            assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_an_explicit_cookie_setting_wins(config):
    config.update(PREFERRED_URL_SCHEME="https", SESSION_COOKIE_SECURE=False)
    app = create_app(config)
    assert app.config["SESSION_COOKIE_SECURE"] is False
    assert app.config["REMEMBER_COOKIE_SECURE"] is True


# --- request size ---------------------------------------------------------------------------

@pytest.fixture
def small_limit_client(config):
    config["MAX_CONTENT_LENGTH"] = 4096
    return create_app(config).test_client()


def test_too_large_form_gets_a_friendly_413_page(small_limit_client):
    response = small_limit_client.post("/auth/login", data={"email": "a@example.com", "password": "x" * 10_000})
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert "terlalu besar" in response.get_data(as_text=True)
    _assert_hardened(response)


def test_too_large_upload_gets_413(small_limit_client):
    import io

    response = small_limit_client.post("/auth/login", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(b"\0" * 10_000), "foto.jpg")})
    assert response.status_code == 413


def test_too_large_api_body_gets_413_json(small_limit_client):
    response = small_limit_client.post("/api/v1/auth/token", json={"email": "a@example.com", "password": "x" * 10_000})
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"


def test_body_without_length_is_still_limited(small_limit_client):
    """A chunked body declares no Content-Length: refused, not cut short at the limit."""
    import io

    body = b"email=a%40example.com&password=" + b"x" * 10_000
    response = small_limit_client.post("/auth/login", input_stream=io.BytesIO(body),
                                       content_type="application/x-www-form-urlencoded",
                                       headers={"Transfer-Encoding": "chunked"},
                                       environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_small_chunked_body_is_read_whole(client, make):
    import io

    user = make.user(email="chunk@example.com")
    body = b"email=chunk%40example.com&password=rahasia123"
    response = client.post("/auth/login", input_stream=io.BytesIO(body),
                           content_type="application/x-www-form-urlencoded",
                           headers={"Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 302  # signed in: the form arrived intact
    assert user.id


# --- reverse proxy ------------------------------------------------------------------------

def test_forwarded_headers_are_ignored_without_proxy_fix(client):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_proxy_fix_trusts_one_proxy(config):
    config["PROXY_FIX"] = 1
    app = create_app(config)
    seen = {}

    @app.get("/_proxy_probe")
    def probe():
        from flask import request

        seen.update(addr=request.remote_addr, scheme=request.scheme)
        return "ok"

    client = app.test_client()
    response = client.get("/_proxy_probe", headers={"X-Forwarded-Proto": "https",
                                                    "X-Forwarded-For": "203.0.113.9, 198.51.100.7"})
    assert seen == {"addr": "198.51.100.7", "scheme": "https"}  # only the hop nginx appended
    assert "Strict-Transport-Security" in response.headers


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    _assert_hardened(response)
