"""The one place money and times are turned into text (DOMAIN.md: Rp15.000, WIB)."""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_datetime

WIB = ZoneInfo("Asia/Jakarta")


def rupiah(amount) -> str:
    """12345 -> 'Rp12.345': dot thousands separator, no decimals, in every language."""
    if amount is None:
        return ""
    amount = int(amount)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def to_wib(value: datetime) -> datetime:
    """A stored (naive UTC) time as an aware time in WIB."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(WIB)


def wib(value, fmt: str = "medium") -> str:
    """A stored time shown in WIB in the user's language, e.g. '29 Nov 2026 19.40 WIB'."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = to_wib(value)
        if fmt == "date":
            return format_date(local.date(), "medium")
        pattern = {"medium": "d MMM yyyy HH.mm", "long": "EEEE, d MMMM yyyy HH.mm"}.get(fmt, fmt)
        # Babel's own conversion uses BABEL_DEFAULT_TIMEZONE; we pass a WIB-aware time.
        return format_datetime(local, pattern) + " WIB"
    if isinstance(value, date):
        return format_date(value, "medium")
    return str(value)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in WIB with offset, as the API shows times (2026-11-29T19:40:00+07:00)."""
    return to_wib(value).isoformat(timespec="seconds") if value else None
