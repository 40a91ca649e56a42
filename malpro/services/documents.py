"""Legality documents: checked by their content (never their name), stored outside static/
under random names, served only to the store's owner and admins."""
import secrets
from io import BytesIO
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

from malpro.services.errors import FileTooLargeError, ValidationError

DOCUMENT_FOLDER = "documents"
# content type -> (extension, the bytes every such file starts with)
DOCUMENT_TYPES = {
    "application/pdf": (".pdf", b"%PDF-"),
    "image/jpeg": (".jpg", b"\xff\xd8\xff"),
    "image/png": (".png", b"\x89PNG\r\n\x1a\n"),
}


def _sniff(data: bytes) -> str | None:
    """The document's real type, from its content, or None when it is not one we accept."""
    content_type = next((ct for ct, (_ext, magic) in DOCUMENT_TYPES.items() if data.startswith(magic)), None)
    if content_type is None:
        return None
    if content_type == "application/pdf":
        # A real PDF ends with an %%EOF marker (allowing some trailing bytes).
        return content_type if b"%%EOF" in data[-2048:] else None
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            if image.format not in ("JPEG", "PNG"):
                return None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return content_type


def read_document(file_storage, field: str = "documents") -> tuple[bytes, str, str]:
    """Read and check an upload. Returns (content, content_type, display filename).

    Raises ValidationError on `field` for a missing, empty, oversized or unrecognised file."""
    if file_storage is None or not file_storage.filename:
        raise ValidationError(fields={field: _("Pilih berkas dokumen.")})
    limit = current_app.config["DOCUMENT_MAX_BYTES"]
    data = file_storage.stream.read(limit + 1)
    if len(data) > limit:
        raise FileTooLargeError(fields={field: _("Berkas %(name)s lebih dari %(mb)d MB.", name=file_storage.filename,
                                                 mb=limit // (1024 * 1024))})
    if not data:
        raise ValidationError(fields={field: _("Berkas %(name)s kosong.", name=file_storage.filename)})
    content_type = _sniff(data)
    if content_type is None:
        raise ValidationError(fields={field: _(
            "Berkas %(name)s bukan PDF, JPEG atau PNG yang valid. Unggah hasil pindai atau foto sertifikat.",
            name=file_storage.filename)})
    return data, content_type, _display_name(file_storage.filename, content_type)


def _display_name(filename: str, content_type: str) -> str:
    """The uploaded name, made safe to show and to offer as a download name."""
    stem = Path(filename.replace("\\", "/")).stem
    safe = "".join(c for c in stem if c.isalnum() or c in " ._-()")[:80].strip() or "dokumen"
    return safe + DOCUMENT_TYPES[content_type][0]


def write_document(data: bytes, content_type: str) -> str:
    """Store the bytes under a random name; returns that name."""
    stored_name = secrets.token_hex(16) + DOCUMENT_TYPES[content_type][0]
    path = document_path(stored_name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return stored_name


def document_path(stored_name: str) -> Path:
    return Path(current_app.config["UPLOAD_DIR"]) / DOCUMENT_FOLDER / Path(stored_name).name


def delete_document_file(stored_name: str) -> None:
    document_path(stored_name).unlink(missing_ok=True)
