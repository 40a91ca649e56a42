"""Files sent to a browser or an app: report exports built in memory, and legality documents."""
from pathlib import Path

from flask import Response, send_file

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A legality document is shown on its own, with nothing it could run or load: no script, no
# form, no plugin, no request anywhere (a sandbox gives it an opaque origin, so even a file
# that fooled the content check could not read this site's cookies or pages).
DOCUMENT_POLICY = "default-src 'none'; sandbox"


def file_response(content: bytes, filename: str, cache_control: str = "private, no-store") -> Response:
    """`filename` is built by us from slugs and dates (ASCII, no quotes), never from input."""
    response = Response(content, mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    return response


def document_response(path: Path, content_type: str, filename: str, *, inline: bool = False) -> Response:
    """A stored legality document (PDF, JPEG or PNG, checked by content on upload). `inline`
    lets the browser show it (its PDF viewer, or the picture) instead of saving it; it stays
    private (never cached), typed as stored (nosniff), sandboxed and same-origin only."""
    response = send_file(path, mimetype=content_type, as_attachment=not inline, download_name=filename, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOCUMENT_POLICY
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
