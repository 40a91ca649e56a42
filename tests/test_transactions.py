"""SQLite transactions under concurrent writers: a service that reads then writes never fails
with "database is locked" because another connection committed after its first read (SQLite
WAL snapshots), with immediate_transaction() or without; a writer waits for the one that
holds the lock, and gives up after the busy timeout as SQLite would."""
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from malpro.database import immediate_transaction
from malpro.extensions import db
from malpro.models import Product, User
from malpro.services import products


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


def _commit_elsewhere(product_id: int, stock: int) -> None:
    """Another worker (a checkout) commits a write."""
    with Session(db.engine) as other:
        other.execute(update(Product).where(Product.id == product_id).values(stock=stock))
        other.commit()


def test_a_seller_saves_a_product_while_buyers_check_out(app, make):
    """No immediate_transaction in the service: its first write takes the lock anyway."""
    product, sold_elsewhere = make.product(price=10000), make.product(stock=5)
    db.session.commit()
    products.get_product(product.store_id, product.id)  # the request reads first
    _commit_elsewhere(sold_elsewhere.id, 4)
    products.update_product(product.store_id, product.id, {"price": 12500})
    db.session.expire_all()
    assert db.session.get(Product, product.id).price == 12500
    assert db.session.get(Product, sold_elsewhere.id).stock == 4


def test_the_first_write_of_a_reading_transaction_sees_the_latest_data(app, make):
    product = make.product(stock=5)
    db.session.commit()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 5
    _commit_elsewhere(product.id, 4)
    db.session.execute(update(Product).where(Product.id == product.id).values(stock=Product.stock - 1))
    db.session.commit()
    assert db.session.scalar(select(Product.stock).where(Product.id == product.id)) == 3


def test_pending_changes_are_kept(app, make):
    user = make.user()
    user.name = "Nama Baru"
    immediate_transaction(db.session)  # must not commit the caller's unfinished work
    db.session.rollback()
    assert db.session.get(User, user.id).name != "Nama Baru"


def _sqlite_path() -> str:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    return db.engine.url.database


def _hold_write_lock(path: str, seconds: float, held: threading.Event) -> None:
    """Another process's writer: the lock taken, kept `seconds`, then committed."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    held.set()
    time.sleep(seconds)
    conn.execute("COMMIT")
    conn.close()


def test_a_writer_waits_for_the_lock_and_then_writes(app, make):
    product = make.product(stock=5)
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(_sqlite_path(), 0.3, held))
    holder.start()
    held.wait(5)
    began = time.monotonic()
    immediate_transaction(db.session)
    waited = time.monotonic() - began
    db.session.execute(update(Product).where(Product.id == product.id).values(stock=4))
    db.session.commit()
    holder.join()
    assert waited >= 0.25  # it waited for the holder rather than failing or writing beside it
    assert db.session.scalar(text(f"SELECT stock FROM products WHERE id = {product.id}")) == 4
    # The busy timeout is back on the connection for the statements that rely on it.
    assert db.session.scalar(text("PRAGMA busy_timeout")) == app.config["SQLITE_BUSY_TIMEOUT_MS"]


@pytest.fixture
def impatient_app(config, request):
    config["SQLITE_BUSY_TIMEOUT_MS"] = 200
    return request.getfixturevalue("app")


def test_a_writer_gives_up_after_the_busy_timeout(impatient_app):
    held = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(_sqlite_path(), 1.5, held))
    holder.start()
    held.wait(5)
    began = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"):
        immediate_transaction(db.session)
    gave_up_after = time.monotonic() - began
    db.session.rollback()
    holder.join()
    assert 0.15 <= gave_up_after < 1.5
