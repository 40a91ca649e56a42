"""A fixture for tests that edit the reference data (categories, OPDs). On PostgreSQL the
test database is emptied after each test except for those two tables (conftest), so such a
test puts them back as it found them; on SQLite every test has its own copy anyway."""
import pytest
from sqlalchemy import delete, select, update

from malpro.extensions import db
from malpro.models import AsnProfile, Category, Opd

CATEGORY_FIELDS = ("slug", "name", "name_en", "icon", "position")
OPD_FIELDS = ("code", "name", "active")


@pytest.fixture
def restore_reference_data(app):
    categories = {c.id: {f: getattr(c, f) for f in CATEGORY_FIELDS} for c in db.session.scalars(select(Category))}
    opds = {o.id: {f: getattr(o, f) for f in OPD_FIELDS} for o in db.session.scalars(select(Opd))}
    yield
    db.session.rollback()
    for category_id, values in categories.items():
        db.session.execute(update(Category).where(Category.id == category_id).values(**values))
    added = select(Opd.id).where(Opd.id.not_in(list(opds)))
    db.session.execute(delete(AsnProfile).where(AsnProfile.opd_id.in_(added)))
    db.session.execute(delete(Opd).where(Opd.id.not_in(list(opds))))
    for opd_id, values in opds.items():
        db.session.execute(update(Opd).where(Opd.id == opd_id).values(**values))
    db.session.commit()
