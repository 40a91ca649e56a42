"""A store's everyday profile: opening hours and temporary closure ("libur")."""
from datetime import date, datetime

from flask_babel import gettext as _

from malpro.extensions import db
from malpro.formatting import WIB
from malpro.models import Store
from malpro.services.errors import ValidationError
from malpro.services.verification import own_store


def update_profile(user_id: int, opening_hours: str | None, closed_from: date | None,
                   closed_until: date | None, closed_note: str | None) -> Store:
    store = own_store(user_id)
    fields = {}
    if (closed_from is None) != (closed_until is None):
        fields["closed_until" if closed_from else "closed_from"] = _("Isi tanggal mulai dan sampai libur.")
    elif closed_from and closed_until < closed_from:
        fields["closed_until"] = _("Tanggal akhir libur tidak boleh sebelum tanggal mulai.")
    if opening_hours and len(opening_hours) > 255:
        fields["opening_hours"] = _("Maksimal 255 karakter.")
    if closed_note and len(closed_note) > 255:
        fields["closed_note"] = _("Maksimal 255 karakter.")
    if fields:
        raise ValidationError(fields=fields)
    store.opening_hours = (opening_hours or "").strip() or None
    store.closed_from, store.closed_until = closed_from, closed_until
    store.closed_note = (closed_note or "").strip() or None if closed_from else None
    db.session.commit()
    return store


def today_wib() -> date:
    return datetime.now(WIB).date()


def is_closed_on(closed_from: date | None, closed_until: date | None, day: date) -> bool:
    """A store is closed from `closed_from` to `closed_until`, both days included; without an
    end date it stays closed until the seller reopens."""
    if closed_from is None:
        return False
    return closed_from <= day and (closed_until is None or day <= closed_until)


def is_closed(store: Store, on: date | None = None) -> bool:
    """Whether the store is on its temporary closure (default: today in WIB): its products
    show as unavailable and checkout for it is refused."""
    return is_closed_on(store.closed_from, store.closed_until, on or today_wib())
