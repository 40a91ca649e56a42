"""Whole pages for anonymous visitors, kept by each worker until the data changes.

A visitor with no cookie at all (no session, no cart, no language chosen, not signed in) sees
exactly what every other such visitor sees on a public page: the frame carries no CSRF token
for them (templating.fill_csrf_placeholders) and no per-visitor value. Those pages say so with
`Cache-Control: public` (set by the views through `public_page`), and this WSGI middleware keeps
the finished response (headers and body, compressed or not) in a small per-worker LRU, keyed by
path, query string, host, scheme and the encodings the client takes. Serving a kept page skips Flask entirely.

When is a kept page still right? On SQLite, exactly as long as the database has not changed:
`PRAGMA data_version` on a connection of our own changes whenever any other connection (any
worker, the CLI) commits. Anything that does not come from the database but from the clock
(a store's closure starting at midnight, "today" in reports) is covered by MAX_AGE. On
PostgreSQL commits of other servers cannot be seen that cheaply, so there pages are kept
only for PAGE_CACHE_POSTGRES_SECONDS (0, the default, keeps nothing: the nginx micro-cache
does this job in a multi-server setup, docs/deployment.md).

A request with any cookie, an Authorization header or htmx headers, and any method but GET,
goes to the app untouched; so does any response that is not a public 200 or that sets a cookie.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict

from flask import Flask, request
from flask_login import current_user

from malpro.sessionless import has_session

log = logging.getLogger("malpro.request")

# The catalogue's public pages: the same for every visitor without a session.
PUBLIC_ENDPOINTS = {"shop.home", "shop.category", "shop.search", "shop.product", "shop.store",
                    "shop.transparency"}
# For browsers: ask again each time (prices and stock move); for shared caches (the nginx
# micro-cache): a few seconds. A visitor with a session gets the page as private.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=5"
PRIVATE_CACHE_CONTROL = "private, no-cache"

MAX_ENTRIES = 256
MAX_BYTES = 32 * 1024 * 1024
# Whatever the database says, a kept page is rebuilt after this long (clock-driven content).
MAX_AGE_SECONDS = 60.0
# Headers that belong to one response, not to the page.
_PER_RESPONSE = {"x-request-id", "date"}


def _is_cacheable_request(environ) -> bool:
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and not environ.get("HTTP_COOKIE")
        and not environ.get("HTTP_AUTHORIZATION")
        and not environ.get("HTTP_HX_REQUEST")
        and not environ.get("PATH_INFO", "").startswith(("/api/", "/static/", "/media/"))
    )


def _is_cacheable_response(status: str, headers: list[tuple[str, str]]) -> bool:
    if not status.startswith("200"):
        return False
    names = {name.lower(): value for name, value in headers}
    return "set-cookie" not in names and "public" in names.get("cache-control", "")


class SqliteDataVersion:
    """`PRAGMA data_version` of this process's own connection to the database file."""

    def __init__(self, path: str):
        self.path = path
        self._local = threading.local()

    def __call__(self) -> int:
        conn = getattr(self._local, "conn", None)
        if conn is None or self._local.pid != os.getpid():
            conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, isolation_level=None,
                                   check_same_thread=False)
            self._local.conn, self._local.pid = conn, os.getpid()
        return conn.execute("PRAGMA data_version").fetchone()[0]


class PageCache:
    def __init__(self, wsgi_app, version, max_age: float, log_requests: bool):
        self.wsgi_app = wsgi_app
        self.version = version  # a callable, or None when only max_age decides
        self.max_age = max_age
        self.log_requests = log_requests
        self._entries: OrderedDict = OrderedDict()  # key -> (version, expires, status, headers, body)
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __call__(self, environ, start_response):
        if not _is_cacheable_request(environ):
            return self.wsgi_app(environ, start_response)
        started = time.perf_counter()
        encodings = environ.get("HTTP_ACCEPT_ENCODING", "")
        key = (environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
               "br" in encodings, "gzip" in encodings, environ.get("HTTP_HOST", ""),
               environ.get("HTTP_X_FORWARDED_PROTO", ""), environ.get("wsgi.url_scheme"))
        version = self.version() if self.version else None
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                if entry[0] == version and entry[1] > time.monotonic():
                    self._entries.move_to_end(key)
                    self.hits += 1
                else:
                    entry = None
        if entry is not None:
            return self._serve(entry, environ, start_response, started)
        self.misses += 1
        return self._fill(key, version, environ, start_response)

    def _serve(self, entry, environ, start_response, started):
        _, _, status, headers, body = entry
        request_id = uuid.uuid4().hex
        start_response(status, [*headers, ("X-Request-ID", request_id)])
        if self.log_requests:
            log.info(json.dumps({
                "event": "request", "request_id": request_id, "method": "GET",
                "path": environ.get("PATH_INFO", "")[:300], "route": None, "status": int(status[:3]),
                "duration_ms": round((time.perf_counter() - started) * 1000, 1), "user_id": None,
                "cache": "hit"}, separators=(",", ":")))
        return [body]

    def _fill(self, key, version, environ, start_response):
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.wsgi_app(environ, capture)
        if not _is_cacheable_response(captured.get("status", ""), captured.get("headers", [])):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() not in _PER_RESPONSE]
        self._store(key, (version, time.monotonic() + self.max_age, captured["status"], headers, body))
        return [body]

    def _store(self, key, entry) -> None:
        size = len(entry[4])
        if size > MAX_BYTES // 8:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old[4])
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > MAX_ENTRIES or self._bytes > MAX_BYTES:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= len(dropped[4])

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0


def mark_public_pages(response):
    """Public pages say whether they may be shared: `public` only for a visitor without a
    session (no per-visitor value in them), `private` otherwise."""
    if request.endpoint in PUBLIC_ENDPOINTS and request.method == "GET" and response.status_code == 200:
        shared = not has_session() and not request.headers.get("HX-Request")
        if not shared:
            # A signed-in person's page is left to malpro/security.py (no-store).
            if not current_user.is_authenticated:
                response.headers["Cache-Control"] = PRIVATE_CACHE_CONTROL
        elif not response.cache_control.public:  # a view's own public policy stays
            response.headers["Cache-Control"] = PUBLIC_CACHE_CONTROL
        response.vary.add("Cookie")
    return response


def init_page_cache(app: Flask) -> None:
    """Mark the public pages, and keep them in each worker (outermost WSGI layer)."""
    app.after_request(mark_public_pages)
    if not app.config.get("PAGE_CACHE", True):
        return
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and ":memory:" not in uri:
        version, max_age = SqliteDataVersion(uri[len("sqlite:///"):].split("?", 1)[0]), MAX_AGE_SECONDS
    else:
        max_age = float(app.config.get("PAGE_CACHE_POSTGRES_SECONDS") or 0)
        if max_age <= 0:
            return
        version = None
    app.extensions["page_cache"] = cache = PageCache(app.wsgi_app, version, max_age,
                                                     app.config.get("REQUEST_LOG", True))
    app.wsgi_app = cache
