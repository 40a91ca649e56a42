"""Helpers shared by every blueprint's forms."""
from urllib.parse import urlsplit

from flask_wtf import FlaskForm

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
