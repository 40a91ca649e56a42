"""Domain errors as API answers: `{"error": {"code", "message", "fields"}}` (API.md). HTTP
errors under /api/ (404, 405, 413, 429, 500) get the same shape from malpro/errors.py."""
from malpro.api import bp
from malpro.errors import api_error
from malpro.extensions import db
from malpro.services.errors import DomainError


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    db.session.rollback()  # nothing half-done by the request outlives its refusal
    response, status = api_error(error.status, error.message, code=error.code, fields=error.fields or None)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="malpro"'
    return response, status
