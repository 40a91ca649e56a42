"""The one place money and times are turned into text (DOMAIN.md: Rp15.000, WIB)."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime, get_locale

WIB = ZoneInfo("Asia/Jakarta")


def rupiah(amount) -> str:
    """12345 -> 'Rp12.345': dot thousands separator, no decimals, in every language."""
    if amount is None:
        return ""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def compact_number(value) -> str:
    """A short number for chart axes in the reader's language: 1234567 -> '1,2 jt' / '1.2M'."""
    from babel.numbers import format_compact_decimal

    return format_compact_decimal(value or 0, format_type="short", locale=get_locale() or "id",
                                  fraction_digits=1)


def to_wib(value: datetime) -> datetime:
    """A stored (naive UTC) time as an aware time in WIB."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(WIB)


# One order of day, month and year in every language (29 Nov 2026): the locale's "medium" date
# would be "Nov 29, 2026" in English beside "29 Nov 2026 19.40" in the times. Only the month
# names and the time separator follow the language (19.40 in Indonesian, 19:40 in English).
DATE_PATTERNS = {"date": "d MMM yyyy", "long_date": "EEEE, d MMMM yyyy"}
TIME_PATTERN = {"id": "HH.mm"}
DEFAULT_TIME_PATTERN = "HH:mm"


def _time_pattern() -> str:
    return TIME_PATTERN.get(str(get_locale() or "id").split("_")[0], DEFAULT_TIME_PATTERN)


def wib(value, fmt: str = "medium") -> str:
    """A stored time shown in WIB in the user's language: '29 Nov 2026 19.40 WIB' (Indonesian),
    '29 Nov 2026 19:40 WIB' (English); dates '29 Nov 2026' in both."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = to_wib(value)
        if fmt == "date":
            return format_date(local.date(), DATE_PATTERNS["date"])
        time_pattern = _time_pattern()
        pattern = {"medium": f"d MMM yyyy {time_pattern}",
                   "long": f"EEEE, d MMMM yyyy {time_pattern}"}.get(fmt, fmt)
        # Babel's own conversion uses BABEL_DEFAULT_TIMEZONE; we pass a WIB-aware time.
        return format_datetime(local, pattern) + " WIB"
    if isinstance(value, date):
        return format_date(value, DATE_PATTERNS["long_date" if fmt == "long" else "date"])
    return str(value)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in WIB with offset, as the API shows times (2026-11-29T19:40:00+07:00)."""
    return to_wib(value).isoformat(timespec="seconds") if value else None
