"""immediate_transaction(): a service that reads then writes never fails with "database is
locked" because its request had already read something (SQLite WAL snapshots)."""
from sqlalchemy import select, text, update
from sqlalchemy.orm import Session

from malpro.database import immediate_transaction
from malpro.extensions import db
from malpro.models import Product, User


def test_write_after_a_stale_read_does_not_fail(app, make):
    product = make.product(stock=5)
    db.session.scalar(select(User).limit(1))  # the request's first read opens a transaction
    with Session(db.engine) as other:  # another worker commits a write meanwhile
        other.execute(update(Product).where(Product.id == product.id).values(stock=4))
        other.commit()
    immediate_transaction(db.session)
    db.session.execute(update(Product).where(Product.id == product.id).values(stock=Product.stock - 1))
    db.session.commit()
    assert db.session.scalar(text(f"SELECT stock FROM products WHERE id = {product.id}")) == 3


def test_pending_changes_are_kept(app, make):
    user = make.user()
    user.name = "Nama Baru"
    immediate_transaction(db.session)  # must not commit the caller's unfinished work
    db.session.rollback()
    assert db.session.get(User, user.id).name != "Nama Baru"
