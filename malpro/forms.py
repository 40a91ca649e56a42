"""Helpers shared by every blueprint's forms."""
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from malpro.reference import regions
from malpro.services.errors import DomainError


def show_domain_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's field errors on the form's fields; the rest go to form.form_errors."""
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
    if not error.fields:
        form.form_errors.append(error.message)


def safe_next_url(target: str | None) -> str | None:
    """`next` may only point to a path on this site: no scheme, no host, no `//host`."""
    if not target:
        return None
    target = target.strip().replace("\\", "/")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def kecamatan_choices():
    return [("", _l("– Pilih kecamatan –"))] + [(k, k) for k in regions()]


def kelurahan_choices(kecamatan: str | None = None):
    """Only the chosen kecamatan's kelurahan; without a choice (or without JavaScript) all
    of them, grouped by kecamatan, so the form still works."""
    if kecamatan in regions():
        return [("", _l("– Pilih kelurahan –"))] + [(k, k) for k in regions()[kecamatan]]
    return {"": [("", _l("– Pilih kelurahan –"))], **{kec: [(k, k) for k in kel] for kec, kel in regions().items()}}
