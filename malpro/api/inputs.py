"""Reading API input strictly (API.md): a JSON body of known fields with the right types, and
list parameters. A body that is not JSON (or nested too deeply to parse), a wrong type (an
integer beyond 2^31 counts as one) or an unknown field is 400 `bad_request`
(`fields` names each); a missing required field is 422 `validation_error`; a JSON body over
1 MB is 413. What each value must be beyond its type is the services' business."""
from flask import abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from malpro.extensions import db
from malpro.request_input import MAX_INT
from malpro.services.errors import DomainError, ValidationError

MAX_JSON_BYTES = 1024 * 1024
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100
# DOMAIN.md: a body that tries to set a role is ignored, not refused.
ROLE_FIELDS = frozenset({"is_admin", "admin", "role", "roles"})

TYPE_NAMES = {int: _l("bilangan bulat"), str: _l("teks"), bool: _l("true/false"), dict: _l("objek"),
              list: _l("daftar"), type(None): "null"}


class BadRequestError(DomainError):
    code = "bad_request"
    status = 400


def is_int(value) -> bool:
    """A JSON whole number the database can hold (at most 2^31 - 1 in size); booleans are not."""
    return isinstance(value, int) and not isinstance(value, bool) and -MAX_INT <= value <= MAX_INT


def _is(value, kind) -> bool:
    return is_int(value) if kind is int else isinstance(value, kind)


def raw_json():
    """The parsed JSON body (any JSON value). Refuses a body over 1 MB (413), an empty body and
    anything that does not parse (400)."""
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        abort(413)
    data = request.get_data(cache=True)
    if len(data) > MAX_JSON_BYTES:
        abort(413)
    if not data.strip():
        raise BadRequestError(_("Body JSON wajib diisi."))
    # Parsed whatever the Content-Type says: a body that is not JSON fails here all the same.
    body = request.get_json(force=True, silent=True)
    if body is None:
        raise BadRequestError(_("Body harus JSON yang valid (UTF-8)."))
    return body


def json_body(fields: dict, required: tuple = (), optional_body: bool = False) -> dict:
    """The request's JSON object, checked against `fields` ({name: type or tuple of types}).
    `optional_body`: an empty body counts as `{}`."""
    if optional_body and not request.get_data(cache=True).strip():
        return {}
    body = raw_json()
    if not isinstance(body, dict):
        raise BadRequestError(_("Body harus objek JSON."))
    return check_object(body, fields, required)


def check_object(body: dict, fields: dict, required: tuple = (), prefix: str = "") -> dict:
    """`body` without role fields, once every key is known and of its type (else 400) and
    every required key is present (else 422)."""
    body = {k: v for k, v in body.items() if k not in ROLE_FIELDS}
    problems = {}
    for key, value in body.items():
        if key not in fields:
            problems[prefix + key] = _("Field tidak dikenal.")
            continue
        kinds = fields[key] if isinstance(fields[key], tuple) else (fields[key],)
        if int in kinds and isinstance(value, int) and not isinstance(value, bool) and not is_int(value):
            problems[prefix + key] = _("Bilangan terlalu besar (paling besar %(n)s).", n=MAX_INT)
        elif not any(_is(value, kind) for kind in kinds):
            expected = " / ".join(str(TYPE_NAMES.get(k, k.__name__)) for k in kinds)
            problems[prefix + key] = _("Harus %(type)s.", type=expected)
    if problems:
        raise BadRequestError(_("Isi permintaan tidak sesuai."), fields=problems)
    missing = {prefix + k: _("Wajib diisi.") for k in required if body.get(k) in (None, "")}
    if missing:
        raise ValidationError(fields=missing)
    return body


def choice_arg(name: str, choices) -> str | None:
    """An optional query parameter that must be one of `choices` (else 400)."""
    value = request.args.get(name) or None
    if value is not None and value not in choices:
        raise BadRequestError(_("Parameter tidak valid."),
                              fields={name: _("Pilihan yang dikenal: %(values)s.", values=", ".join(choices))})
    return value


def page_params() -> tuple[int, int]:
    """`?page=&per_page=` (per_page at most 100); anything else is 400."""
    problems, values = {}, {}
    for name, default, upper in (("page", 1, None), ("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)):
        raw = request.args.get(name)
        value = default if raw is None else (int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0)
        if value < 1 or (upper and value > upper):
            problems[name] = (_("Harus bilangan bulat 1 sampai %(n)d.", n=upper) if upper
                              else _("Harus bilangan bulat 1 atau lebih."))
        values[name] = value
    if problems:
        raise BadRequestError(_("Parameter halaman tidak valid."), fields=problems)
    return values["page"], values["per_page"]


def page_json(items: list, page: int, per_page: int, total: int) -> dict:
    return {"items": items, "page": page, "per_page": per_page, "total": total}


def paginated(query, serialize) -> dict:
    """One page of an ORM query in the list shape of API.md."""
    page, per_page = page_params()
    result = db.paginate(query, page=page, per_page=per_page, error_out=False, max_per_page=MAX_PER_PAGE)
    return page_json([serialize(item) for item in result.items], page, per_page, result.total)
