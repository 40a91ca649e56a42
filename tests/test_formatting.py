"""Money and time formatting (DOMAIN.md: Rp15.000, times in WIB)."""
from datetime import datetime

from malpro.formatting import iso, rupiah, to_wib, wib


def test_rupiah():
    assert rupiah(15000) == "Rp15.000"
    assert rupiah(100) == "Rp100"
    assert rupiah(1_000_000_000) == "Rp1.000.000.000"
    assert rupiah(0) == "Rp0"
    assert rupiah(None) == ""


def test_times_are_shown_in_wib(app):
    stored = datetime(2026, 11, 29, 12, 40)  # naive UTC, as stored
    assert to_wib(stored).hour == 19
    assert wib(stored) == "29 Nov 2026 19.40 WIB"
    assert iso(stored) == "2026-11-29T19:40:00+07:00"


def test_late_evening_utc_is_next_day_in_wib(app):
    assert wib(datetime(2026, 11, 30, 17, 30), "date") == "1 Des 2026"


def test_english_dates_use_one_format_everywhere(app):
    """Issue 13.17: day month year in dates and in times alike (not "Nov 29, 2026" beside
    "29 Nov 2026 19.40")."""
    from datetime import date

    from flask_babel import force_locale

    with app.test_request_context("/"), force_locale("en"):
        assert wib(datetime(2026, 11, 29, 12, 40)) == "29 Nov 2026 19.40 WIB"
        assert wib(datetime(2026, 11, 29, 12, 40), "date") == "29 Nov 2026"
        assert wib(date(2026, 12, 3)) == "3 Dec 2026"
    with app.test_request_context("/"), force_locale("id"):
        assert wib(date(2026, 12, 3)) == "3 Des 2026"
        assert wib(datetime(2026, 11, 29, 12, 40), "date") == "29 Nov 2026"
