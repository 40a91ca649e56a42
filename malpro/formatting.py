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


# One format in every language: "29 Nov 2026" for dates, "29 Nov 2026 19.40 WIB" for times.
# The locale's own "medium" date would be "Nov 29, 2026" in English beside the times' "29 Nov
# 2026"; only the month names follow the language.
DATE_PATTERNS = {"date": "d MMM yyyy", "long": "EEEE, d MMMM yyyy"}
TIME_PATTERNS = {"medium": "d MMM yyyy HH.mm", "long": "EEEE, d MMMM yyyy HH.mm"}


def wib(value, fmt: str = "medium") -> str:
    """A stored time shown in WIB in the user's language: '29 Nov 2026 19.40 WIB'; dates
    (and fmt "date") '29 Nov 2026', in English too ('3 Dec 2026')."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = to_wib(value)
        if fmt == "date":
            return format_date(local.date(), DATE_PATTERNS["date"])
        pattern = TIME_PATTERNS.get(fmt, fmt)
        # Babel's own conversion uses BABEL_DEFAULT_TIMEZONE; we pass a WIB-aware time.
        return format_datetime(local, pattern) + " WIB"
    if isinstance(value, date):
        return format_date(value, DATE_PATTERNS["long" if fmt == "long" else "date"])
    return str(value)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in WIB with offset, as the API shows times (2026-11-29T19:40:00+07:00)."""
    return to_wib(value).isoformat(timespec="seconds") if value else None
