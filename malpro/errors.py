"""Error pages for people, the API's error shape for apps (anything under /api/)."""
from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException, InternalServerError

from malpro.extensions import db

# API error codes by HTTP status (API.md).
API_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    409: "conflict", 413: "payload_too_large", 422: "validation_error", 429: "rate_limited",
    500: "internal_error",
}
# Headers of an HTTP error that tell an API client what to do next.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _messages():
    return {
        400: _("Permintaan tidak valid."),
        401: _("Silakan masuk terlebih dahulu."),
        403: _("Anda tidak berhak membuka halaman ini."),
        404: _("Halaman tidak ditemukan."),
        405: _("Metode tidak diizinkan."),
        409: _("Permintaan bertentangan dengan keadaan data saat ini."),
        413: _("Berkas atau data yang dikirim terlalu besar."),
        429: _("Terlalu banyak percobaan. Coba lagi sebentar lagi."),
        500: _("Terjadi kesalahan pada server. Silakan coba lagi."),
    }


def api_error(status: int, message: str, code: str | None = None, fields: dict | None = None):
    body = {"error": {"code": code or API_CODES.get(status, "error"), "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


def wants_json() -> bool:
    """API calls, and callers that ask for JSON rather than a page."""
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        message = _("Sesi formulir sudah kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.")
        generate_csrf()  # a visitor without a session gets one, so trying again works
        if wants_json():
            return api_error(400, message)
        return render_template("errors/error.html", status=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = _messages().get(status, error.description)
        if wants_json():
            response, status = api_error(status, message)
            original = error.get_response().headers
            for name in KEPT_HEADERS:
                if original.get(name):
                    response.headers[name] = original[name]
            return response, status
        template = f"errors/{status}.html" if status in (403, 404, 500) else "errors/error.html"
        return render_template(template, status=status, message=message), status

    @app.errorhandler(Exception)
    def unhandled_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
