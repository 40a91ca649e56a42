"""What every part of the demo seeder shares: the demo accounts' names and passwords, how demo
data is recognised (its owners' email domain), and bulk-insert helpers."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import insert, select

from malpro.extensions import db
from malpro.models import User
from malpro.slugs import unique_slug

DEMO_DOMAIN = "demo.malpro.id"
DEMO_PASSWORD = "malpro123"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
ADMIN_PASSWORD = "malpro-admin"
BUYER_EMAIL = f"pembeli@{DEMO_DOMAIN}"

BATCH_SIZE = 5000
THUMB_SIZE, LARGE_SIZE = 400, 1000
PRODUCT_DAYS = 90  # products are spread over this many days before now


def demo_owner():
    """Condition on User: the account belongs to the demo data."""
    return User.email.like(f"%@{DEMO_DOMAIN}")


def ensure_user(email: str, name: str, password_hash: str, created_at: datetime, **fields) -> User:
    """The account with this email, created if missing (an existing one is left as it is)."""
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, password_hash=password_hash, created_at=created_at, **fields)
        db.session.add(user)
        db.session.flush()
    return user


def bulk_insert(model, rows: list[dict]) -> list[int]:
    """INSERT many rows at once and return their new ids, in the order of `rows`.

    render_nulls sends None as NULL; without it SQLAlchemy groups the rows by which keys
    are None and, with RETURNING, splices the groups back together in quadratic time.
    """
    result = db.session.scalars(
        insert(model).returning(model.id, sort_by_parameter_order=True), rows,
        execution_options={"render_nulls": True})
    return result.all()


def unique(slug: str, taken: set[str]) -> str:
    """`slug`, or `slug-2`, ... whichever is not in `taken`; marks it taken."""
    candidate = unique_slug(slug, taken.__contains__)
    taken.add(candidate)
    return candidate


def random_nib(taken: set[str]) -> str:
    while (nib := f"9120{secrets.randbelow(10**9):09d}") in taken:
        pass
    return nib


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica, with a correct xref table."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " ".join(f"({escape(line)}) '" for line in lines)
    stream = f"BT /F1 12 Tf 18 TL 60 800 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
