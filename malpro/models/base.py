"""Declarative base and the column helpers every model shares."""
from datetime import datetime, timezone

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic migrations work on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Now in UTC, naive: every timestamp is stored as naive UTC and shown in WIB."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def average_rating(rating_sum: int, rating_count: int) -> float | None:
    """The average of a product's or store's ratings to one decimal; None while nobody has
    rated (shown as "no ratings yet", never as 0)."""
    return round(rating_sum / rating_count, 1) if rating_count else None
