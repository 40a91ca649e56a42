"""Report periods: ranges of calendar days in WIB, both ends included, and how a page's
query string names one (`bulan`, `hari`, or `dari` + `sampai`).

A period becomes one pair of naive-UTC bounds [start, end) (WIB is UTC+7 all year, no daylight
saving), so every query compares stored times with two parameters and can use an index."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Mapping

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import and_

from malpro.formatting import WIB
from malpro.services.errors import DomainError

# A custom range longer than this is refused: nobody reads a 10-year dashboard, and it keeps
# every query bounded.
MAX_PERIOD_DAYS = 3 * 366
PERIOD_KINDS = ("month", "day", "range")


class PeriodError(DomainError):
    """A period the reports cannot show (bad date, end before start, too long): 400."""


# --- Periods --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date
    kind: str = "range"  # "month", "day" or "range": how the admin chose it (for the form)

    def __post_init__(self):
        if self.date_to < self.date_from:
            raise PeriodError(_("Tanggal akhir tidak boleh sebelum tanggal awal."))
        if (self.date_to - self.date_from).days >= MAX_PERIOD_DAYS:
            raise PeriodError(_("Rentang paling panjang %(n)d hari.", n=MAX_PERIOD_DAYS))

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        last = calendar.monthrange(year, month)[1]
        return cls(date(year, month, 1), date(year, month, last), "month")

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day, "day")

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """[start, end) in naive UTC: 00:00 WIB of the first day to 00:00 WIB after the last."""
        return wib_midnight_utc(self.date_from), wib_midnight_utc(self.date_to + timedelta(days=1))

    @property
    def slug(self) -> str:
        """For file names: 2026-11-01_2026-11-30."""
        return f"{self.date_from.isoformat()}_{self.date_to.isoformat()}"

    @property
    def month_value(self) -> str:
        return f"{self.date_from.year:04d}-{self.date_from.month:02d}"

    @property
    def is_one_month(self) -> bool:
        whole = Period.month(self.date_from.year, self.date_from.month)
        return (self.date_from, self.date_to) == (whole.date_from, whole.date_to)

    @property
    def label(self) -> str:
        if self.kind == "month" or (self.kind == "range" and self.is_one_month):
            return format_date(self.date_from, "MMMM yyyy")
        if self.date_from == self.date_to:
            return format_date(self.date_from, "d MMMM yyyy")
        return f"{format_date(self.date_from, 'd MMM yyyy')} – {format_date(self.date_to, 'd MMM yyyy')}"

    def as_json(self) -> dict:
        return {"from": self.date_from.isoformat(), "to": self.date_to.isoformat()}


def wib_midnight_utc(day: date) -> datetime:
    """00:00 WIB of `day` as naive UTC (17:00 UTC the day before)."""
    return datetime.combine(day, time(), tzinfo=WIB).astimezone(timezone.utc).replace(tzinfo=None)


def wib_today() -> date:
    return datetime.now(timezone.utc).astimezone(WIB).date()


def this_month() -> Period:
    today = wib_today()
    return Period.month(today.year, today.month)


def parse_month(value: str | None) -> Period:
    """`2026-11` → that month; raises PeriodError."""
    try:
        year, month = (int(part) for part in str(value or "").split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError
        return Period.month(year, month)
    except (ValueError, TypeError):
        raise PeriodError(_("Bulan tidak valid (format TTTT-BB).")) from None


def parse_day(value: str | None) -> date:
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        raise PeriodError(_("Tanggal tidak valid (format TTTT-BB-HH).")) from None
    if not 2000 <= day.year <= 2100:
        raise PeriodError(_("Tanggal tidak valid (format TTTT-BB-HH)."))
    return day


def period_from_args(args: Mapping[str, str]) -> Period:
    """The period a page's query string asks for, by the first of these that is present:
    `dari` and `sampai` (custom range), `hari` (one day), `bulan` (one month);
    otherwise this month. Raises PeriodError for a value that is present but wrong."""
    if args.get("dari") or args.get("sampai"):
        return Period(parse_day(args.get("dari")), parse_day(args.get("sampai")), "range")
    if args.get("hari"):
        return Period.day(parse_day(args.get("hari")))
    if args.get("bulan"):
        return parse_month(args.get("bulan"))
    return this_month()


def period_args(period: Period) -> dict:
    """The query-string arguments that reproduce `period` (links, exports)."""
    if period.kind == "month":
        return {"bulan": period.month_value}
    if period.kind == "day":
        return {"hari": period.date_from.isoformat()}
    return {"dari": period.date_from.isoformat(), "sampai": period.date_to.isoformat()}


def in_bounds(column, bounds: tuple[datetime, datetime]):
    """`column` inside [start, end) (naive UTC)."""
    start, end = bounds
    return and_(column >= start, column < end)


def month_keys(first: date, last: date) -> list[str]:
    keys, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def month_label(key: str, pattern: str = "MMM yyyy") -> str:
    year, month = (int(p) for p in key.split("-"))
    return format_date(date(year, month, 1), pattern)


def months_before(month: date, n: int) -> date:
    """The first day of the month `n` months before `month`."""
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def percent(part: int | float, whole: int | float) -> int:
    """A whole percentage for bars and labels (0 when there is nothing to divide)."""
    return round(100 * part / whole) if whole else 0
