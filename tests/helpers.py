"""Small helpers shared by tests: upload payloads, counting SQL statements."""
import io
from contextlib import contextmanager

from PIL import Image
from sqlalchemy import event

from malpro.extensions import db

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_upload(name="sertifikat-nib.pdf", data=PDF_BYTES):
    return (io.BytesIO(data), name)


def png_bytes(size=(40, 30), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def html_as_pdf():
    return (io.BytesIO(b"<html><script>alert(1)</script></html>"), "sertifikat.pdf")


class FakeUpload:
    """A werkzeug-FileStorage-like object for calling services directly."""

    def __init__(self, data: bytes, filename: str):
        self.stream = io.BytesIO(data)
        self.filename = filename


@contextmanager
def recorded_queries():
    """The SQL statements run inside the block (transaction control left out), to count them."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.strip().upper() not in ("BEGIN", "COMMIT", "ROLLBACK"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
