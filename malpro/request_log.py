"""One structured log line per request, tied to a request id, with no personal data.

The line (logger `malpro.request`, level INFO) is a JSON object:
    {"event": "request", "request_id": "...", "method": "GET", "path": "/produk/12",
     "route": "/produk/<int:product_id>", "status": 200, "duration_ms": 12.4, "user_id": 5}

What is deliberately left out (UU 27/2022 and DOMAIN.md "Personal data"): query strings
(searches, next URLs), form and JSON bodies, cookies, emails and names; the client's IP
address only when REQUEST_LOG_IP is set (needs PROXY_FIX behind nginx to be the real one).
The request id comes from a sane incoming X-Request-ID (so nginx's $request_id ties its
access log to ours) or is generated, and is echoed in the response's X-Request-ID header.
"""
import json
import logging
import re
import time
import uuid

from flask import Flask, g, request
from sqlalchemy import inspect

log = logging.getLogger("malpro.request")

HEADER = "X-Request-ID"
# Ids from nginx ($request_id: 32 hex), load balancers and clients (UUIDs); anything else,
# including attempts to inject text into the log, is replaced by our own.
VALID_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")


def request_id() -> str | None:
    """The current request's id (for error pages or other log lines)."""
    return g.get("request_id")


def _user_id() -> int | None:
    """The signed-in user (web session or API token) without loading anything new: a request
    that never looked at its user is logged without one rather than paying a query."""
    user = g.get("api_user") or g.get("_login_user")
    state = inspect(user, raiseerr=False) if user is not None else None
    if state is None or not state.identity:
        return None
    return state.identity[0]


def init_request_log(app: Flask) -> None:
    if not app.config.get("REQUEST_LOG", True):
        return

    @app.before_request
    def start_request():
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if VALID_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        started = g.get("request_started")
        rid = g.get("request_id") or uuid.uuid4().hex
        response.headers[HEADER] = rid
        line = {
            "event": "request",
            "request_id": rid,
            "method": request.method,
            "path": request.path[:300],
            "route": request.url_rule.rule if request.url_rule else None,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
            "user_id": _user_id(),
        }
        if app.config.get("REQUEST_LOG_IP"):
            line["ip"] = request.remote_addr
        log.info(json.dumps(line, separators=(",", ":")))
        return response
