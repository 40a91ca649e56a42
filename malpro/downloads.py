"""File downloads built in memory (report exports): the response every blueprint sends."""
from flask import Response

MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def file_response(content: bytes, filename: str, cache_control: str = "private, no-store") -> Response:
    """`filename` is built by us from slugs and dates (ASCII, no quotes), never from input."""
    response = Response(content, mimetype=MIMETYPES[filename.rsplit(".", 1)[-1]])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = cache_control
    return response
