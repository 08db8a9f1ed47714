from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kdrama.dates import DateError, PartialDate, Precision


@pytest.mark.parametrize(
    ("typed", "precision", "canonical", "human"),
    [
        ("unknown", Precision.UNKNOWN, "unknown", "unknown"),
        ("", Precision.UNKNOWN, "unknown", "unknown"),
        ("2023", Precision.YEAR, "2023", "2023"),
        ("Q4 2023", Precision.QUARTER, "Q4 2023", "Q4 2023"),
        ("2023 q4", Precision.QUARTER, "Q4 2023", "Q4 2023"),
        ("2023-10", Precision.MONTH, "2023-10", "October 2023"),
        ("2023-10-06", Precision.DAY, "2023-10-06", "6 October 2023"),
        ("2023-10-06 17:00", Precision.EXACT, "2023-10-06T08:00:00Z", "6 October 2023 08:00 UTC"),
        ("2023-10-06 17:00 +00:00", Precision.EXACT, "2023-10-06T17:00:00Z", "6 October 2023 17:00 UTC"),
        ("2022-01-28T08:00:00Z", Precision.EXACT, "2022-01-28T08:00:00Z", "28 January 2022 08:00 UTC"),
    ],
)
def test_precision_follows_from_the_form(
    typed: str, precision: Precision, canonical: str, human: str
) -> None:
    d = PartialDate.parse(typed)
    assert d.precision is precision
    assert d.canonical() == canonical
    assert d.human() == human
    assert PartialDate.parse(d.canonical()) == d  # what we store reads back the same


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("2023-02-30", "February 2023 has 28 days"),
        ("2024-13", "months run from 01 to 12"),
        ("2023-10-06 25:00", "not a time of day"),
        ("later in 2023", "can't read the date"),
        ("Q5 2023", "can't read the date"),
        ("1800", "not a plausible release year"),
    ],
)
def test_impossible_dates_are_refused_with_a_reason(typed: str, message: str) -> None:
    with pytest.raises(DateError, match=message):
        PartialDate.parse(typed)


def test_a_leap_day_exists_only_in_leap_years() -> None:
    assert PartialDate.parse("2024-02-29").day == 29
    with pytest.raises(DateError):
        PartialDate.parse("2023-02-29")


def test_an_expected_year_has_passed_only_after_it_ends_in_korea() -> None:
    year = PartialDate.parse("2023")
    assert not year.has_passed(datetime(2023, 12, 31, 14, 0, tzinfo=UTC))
    assert year.has_passed(datetime(2023, 12, 31, 15, 0, tzinfo=UTC))  # midnight KST
    assert not PartialDate.parse("unknown").has_passed(datetime(2100, 1, 1, tzinfo=UTC))


def test_quarter_spans_three_months() -> None:
    span = PartialDate.parse("Q4 2023").span()
    assert span is not None
    start, end = span
    assert (start.month, end.year, end.month) == (9, 2023, 12)  # 1 Oct and 1 Jan KST, in UTC
