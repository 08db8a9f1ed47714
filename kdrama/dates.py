"""Partial release dates: as precise as what is known, and never more."""

from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from kdrama.errors import UserError

KST = ZoneInfo("Asia/Seoul")


def utcnow() -> datetime:
    """Now, in UTC (the one clock edits and the store read)."""
    return datetime.now(UTC)


class Precision(StrEnum):
    UNKNOWN = "unknown"
    YEAR = "year"
    QUARTER = "quarter"
    MONTH = "month"
    DAY = "day"
    EXACT = "exact"


class DateError(UserError, ValueError):
    """A date that cannot be read or does not exist; the message is fit to show a curator."""


_QUARTER = re.compile(r"^(?:q([1-4])[\s-]*(\d{4})|(\d{4})[\s-]*q([1-4]))$", re.I)
_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_EXACT = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})[ t](\d{1,2}):(\d{2})(?::(\d{2}))?\s*"
    r"(z|utc|kst|[+-]\d{2}:?\d{2})?$",
    re.I,
)
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class _InWords:
    """A date as a message parameter: in words, in the language of the message."""

    date: PartialDate

    def localize(self, text: Any) -> str:  # text: i18n.Text (which imports this module)
        return text.date(self.date)

    def __format__(self, spec: str) -> str:
        return format(self.date.human(), spec)


@dataclass(frozen=True, slots=True)
class PartialDate:
    """A release date at its known precision; `at` is set (UTC) only for an exact time."""

    precision: Precision = Precision.UNKNOWN
    year: int | None = None
    quarter: int | None = None
    month: int | None = None
    day: int | None = None
    at: datetime | None = None

    # --- reading -------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str | None, *, default_zone: timezone | ZoneInfo = KST) -> PartialDate:
        """Read a date typed as precisely as it is known; the precision follows from the form."""
        raw = " ".join((text or "").split()).strip()
        if not raw or raw.lower() in {"unknown", "tba", "tbd", "none"}:
            return cls()
        if m := _YEAR.match(raw):
            return cls(Precision.YEAR, _year(int(m[1])))
        if m := _QUARTER.match(raw):
            q, y = (m[1], m[2]) if m[1] else (m[4], m[3])
            return cls(Precision.QUARTER, _year(int(y)), quarter=int(q))
        if m := _MONTH.match(raw):
            y, mo = _year(int(m[1])), int(m[2])
            if not 1 <= mo <= 12:
                raise DateError("{raw} is not a month: months run from 01 to 12.", raw=raw)
            return cls(Precision.MONTH, y, quarter=(mo - 1) // 3 + 1, month=mo)
        if m := _DAY.match(raw):
            d = _calendar_day(int(m[1]), int(m[2]), int(m[3]), raw)
            return cls.from_day(d)
        if m := _EXACT.match(raw):
            d = _calendar_day(int(m[1]), int(m[2]), int(m[3]), raw)
            hour, minute, second = int(m[4]), int(m[5]), int(m[6] or 0)
            if hour > 23 or minute > 59 or second > 59:
                raise DateError("{raw} is not a time of day: use 00:00 to 23:59.", raw=raw)
            zone = _zone(m[7], default_zone)
            local = datetime(d.year, d.month, d.day, hour, minute, second, tzinfo=zone)
            return cls.from_datetime(local)
        raise DateError(
            "I can't read the date {raw}. Use 2023, Q4 2023, 2023-10, 2023-10-06, 2023-10-06 17:00 "
            "(Korea time unless a zone like +00:00 is given) or unknown.",
            raw=repr(raw),
        )

    @classmethod
    def from_day(cls, d: date) -> PartialDate:
        return cls(Precision.DAY, d.year, (d.month - 1) // 3 + 1, d.month, d.day)

    @classmethod
    def from_datetime(cls, moment: datetime) -> PartialDate:
        if moment.tzinfo is None:
            raise DateError("An exact time needs a time zone.")
        at = moment.astimezone(UTC).replace(microsecond=0)
        return cls(Precision.EXACT, at.year, (at.month - 1) // 3 + 1, at.month, at.day, at)

    # --- writing -------------------------------------------------------------------------
    def canonical(self) -> str:
        """The stored and exported form, which `parse` reads back to the same value."""
        match self.precision:
            case Precision.UNKNOWN:
                return "unknown"
            case Precision.YEAR:
                return f"{self.year:04d}"
            case Precision.QUARTER:
                return f"Q{self.quarter} {self.year:04d}"
            case Precision.MONTH:
                return f"{self.year:04d}-{self.month:02d}"
            case Precision.DAY:
                return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
            case Precision.EXACT:
                assert self.at is not None
                return self.at.strftime("%Y-%m-%dT%H:%M:%SZ")

    def human(self) -> str:
        """The date in words at its precision ("Q4 2023", "October 2023", "6 October 2023")."""
        match self.precision:
            case Precision.UNKNOWN:
                return "unknown"
            case Precision.YEAR:
                return f"{self.year}"
            case Precision.QUARTER:
                return f"Q{self.quarter} {self.year}"
            case Precision.MONTH:
                return f"{MONTHS[(self.month or 1) - 1]} {self.year}"
            case Precision.DAY:
                return f"{self.day} {MONTHS[(self.month or 1) - 1]} {self.year}"
            case Precision.EXACT:
                assert self.at is not None
                return self.at.strftime("%d %B %Y %H:%M UTC").lstrip("0")

    def __str__(self) -> str:
        return self.human()

    # --- reasoning -----------------------------------------------------------------------
    @property
    def known(self) -> bool:
        return self.precision is not Precision.UNKNOWN

    @property
    def firm(self) -> bool:
        """A day or an exact time: precise enough to count down to."""
        return self.precision in (Precision.DAY, Precision.EXACT)

    def span(self) -> tuple[datetime, datetime] | None:
        """The UTC interval [start, end) the date could fall in; None when unknown."""
        return _cached_span(self)

    def _span(self) -> tuple[datetime, datetime] | None:
        if self.precision is Precision.UNKNOWN or self.year is None:
            return None
        if self.precision is Precision.EXACT:
            assert self.at is not None
            return self.at, self.at + timedelta(seconds=1)
        y = self.year
        if self.precision is Precision.YEAR:
            start, end = date(y, 1, 1), date(y + 1, 1, 1)
        elif self.precision is Precision.QUARTER:
            q = self.quarter or 1
            start = date(y, 3 * q - 2, 1)
            end = date(y + 1, 1, 1) if q == 4 else date(y, 3 * q + 1, 1)
        elif self.precision is Precision.MONTH:
            m = self.month or 1
            start = date(y, m, 1)
            end = date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)
        else:
            start = date(y, self.month or 1, self.day or 1)
            end = start + timedelta(days=1)
        # A day in Korea starts at 15:00 UTC the day before; use Korea time for bare days.
        to_utc = lambda d: datetime(d.year, d.month, d.day, tzinfo=KST).astimezone(UTC)  # noqa: E731
        return to_utc(start), to_utc(end)

    def has_passed(self, now: datetime) -> bool:
        """True when the whole span lies before `now` (an expected date that came and went)."""
        span = self.span()
        return span is not None and span[1] <= now

    def sort_key(self) -> tuple[int, float]:
        span = self.span()
        return (1, float("inf")) if span is None else (0, span[0].timestamp())


# The dates read lately, with their spans: 2,048 of each hold about 1.1 MiB in all (a
# 10,000-show catalog names 5,400 distinct dates; the ones fans ask about are far fewer).
DATES_CACHED = 2048

# A date is immutable and its span never changes: worked out once per date. Rendering and
# the reply cache's expiry ask for spans a few times per season of every answer (~4 µs each).
_cached_span = functools.lru_cache(maxsize=DATES_CACHED)(PartialDate._span)


@functools.lru_cache(maxsize=DATES_CACHED)
def stored(text: str | None) -> PartialDate:
    """A date as the catalog stores it (`canonical`), read once per distinct text.

    Every show decoded for an answer reads its seasons' dates back; the same few thousand
    texts recur across the catalog, and a date is immutable, so one value serves them all.
    """
    return PartialDate.parse(text)


def stored_as_of(text: str | None) -> PartialDate | None:
    """An as-of date as the catalog stores it: the date `stored` read, checked as parse_as_of does."""
    raw = (text or "").strip()
    return _as_of(stored(raw), raw) if raw else None


def parse_as_of(text: str | None) -> PartialDate | None:
    """When a source said something: a year, a quarter, a month or a day, never more precise."""
    raw = (text or "").strip()
    return _as_of(PartialDate.parse(raw), raw) if raw else None


def _as_of(found: PartialDate, raw: str) -> PartialDate:
    if found.precision in (Precision.UNKNOWN, Precision.EXACT):
        raise DateError(
            "An as-of date is a year, a month or a day (2022, 2022-06, 2022-06-06), not {raw}.", raw=repr(raw)
        )
    return found


def as_of_text(as_of: PartialDate | None) -> str | None:
    """The stored and exported form of an as-of date."""
    return as_of.canonical() if as_of else None


def as_of_day(day: date) -> PartialDate:
    """An as-of date known to the day."""
    return PartialDate.from_day(day)


def _year(y: int) -> int:
    if not 1950 <= y <= 2100:
        raise DateError("{y} is not a plausible release year.", y=y)
    return y


def _calendar_day(y: int, m: int, d: int, raw: str) -> date:
    _year(y)
    if not 1 <= m <= 12:
        raise DateError("{raw} is not a date: months run from 01 to 12.", raw=raw)
    last = calendar.monthrange(y, m)[1]
    if not 1 <= d <= last:
        month = PartialDate(Precision.MONTH, y, quarter=(m - 1) // 3 + 1, month=m)
        raise DateError(
            "{raw} is not a date: {month} has {last} days.", raw=raw, month=_InWords(month), last=last
        )
    return date(y, m, d)


def _zone(raw: str | None, default: timezone | ZoneInfo) -> timezone | ZoneInfo:
    if not raw:
        return default
    token = raw.lower()
    if token in {"z", "utc"}:
        return UTC
    if token == "kst":
        return KST
    sign = 1 if token[0] == "+" else -1
    digits = token[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 14 or minutes > 59:
        raise DateError("{raw} is not a time zone offset.", raw=raw)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
