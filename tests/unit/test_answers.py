"""The lookup commands as functions, and the choices their options offer."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kdrama import answers
from kdrama.edits import set_date, set_status
from kdrama.lookup import Catalog
from kdrama.models import Actor
from kdrama.render import to_text

CURATOR = Actor(1, "Curator")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)  # 18:00 on 1 December in Korea
NETFLIX = "https://about.netflix.com/en/news/squid-game-season-3"


async def test_season_choices_offer_the_shows_seasons_newest_first(catalog: Catalog) -> None:
    choices = await answers.season_choices(catalog, "squid-game", "")
    assert [c.value for c in choices] == ["3", "2", "1"]
    assert choices[0].name.startswith("Season 3 · Released")
    assert await answers.season_choices(catalog, "no such show", "") == []


async def test_a_cancelled_season_is_not_listed_as_coming_up(catalog: Catalog) -> None:
    await set_status(catalog, CURATOR, "squid-game", 3, "scheduled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "2026-12-20", True, NETFLIX)
    listed = to_text(await answers.upcoming(catalog, 90, now=NOW), NOW)
    assert "• 20 December 2026: Squid Game season 3 (official)" in listed
    await set_status(catalog, CURATOR, "squid-game", 3, "cancelled", NETFLIX)
    text = to_text(await answers.upcoming(catalog, 90, now=NOW), NOW)
    assert "Squid Game season 3" not in text, text


CANCELLED_DATE = {
    "official": (
        True,
        NETFLIX,
        "was officially due on 20 December 2026; that date no longer stands",
        "Season 3 was cancelled; it was officially due on 20 December 2026, and that date no longer stands.",
        "Was officially due on 20 December 2026; no longer stands, as the season was cancelled.",
        "was due 20 December 2026",
        "2026년 12월 20일에 공식 공개 예정이었음(더 이상 유효하지 않음)",
    ),
    "expected": (
        False,
        "Soompi",
        "was expected on 20 December 2026 (not official); that date no longer stands",
        "Season 3 was cancelled; reports expected it on 20 December 2026 (not official), "
        "and that date no longer stands.",
        "Was expected on 20 December 2026 (reported, not official); no longer stands, as the season was cancelled.",
        "was expected 20 December 2026",
        "2026년 12월 20일에 공개 예상이었음(비공식, 더 이상 유효하지 않음)",
    ),
    "listed on TMDB": (
        False,
        "https://www.themoviedb.org/tv/93405/season/3",
        "was listed on TMDB for 20 December 2026; that date no longer stands",
        "Season 3 was cancelled; TMDB listed it for 20 December 2026, and that date no longer stands.",
        "Was listed on TMDB for 20 December 2026 (not official); no longer stands, as the season was cancelled.",
        "was expected 20 December 2026",
        "TMDB에 2026년 12월 20일 공개로 등록되어 있었음(더 이상 유효하지 않음)",
    ),
}


@pytest.mark.parametrize(
    ("official", "source", "summary", "sentence", "field", "label", "korean"),
    CANCELLED_DATE.values(),
    ids=CANCELLED_DATE.keys(),
)
async def test_a_cancelled_seasons_old_date_reads_as_no_longer_standing(
    catalog: Catalog,
    official: bool,
    source: str,
    summary: str,
    sentence: str,
    field: str,
    label: str,
    korean: str,
) -> None:
    """A cancelled season keeps its old date on record, never shown as if it still stood."""
    await set_status(catalog, CURATOR, "squid-game", 3, "scheduled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "2026-12-20", official, source)
    await set_status(catalog, CURATOR, "squid-game", 3, "cancelled", NETFLIX)
    show = to_text(await answers.show(catalog, "squid-game", now=NOW), NOW)
    assert season_line(show, 3) == f"Season 3: Cancelled · {summary} · 6 episodes"
    release = to_text(await answers.release(catalog, "squid-game", 3, now=NOW), NOW)
    assert sentence in release
    assert release.split("Release date:\n", 1)[1].startswith(field + "\n"), release
    other = to_text(await answers.release(catalog, "squid-game", 2, now=NOW), NOW)
    assert season_line(other, 3) == season_line(show, 3)
    choices = await answers.season_choices(catalog, "squid-game", "3", now=NOW)
    assert [c.name for c in choices] == [f"Season 3 · Cancelled · {label}"]
    in_korean = to_text(await answers.show(catalog, "squid-game", now=NOW, locale="ko"), NOW, locale="ko")
    assert korean in in_korean, in_korean


async def test_a_cancelled_season_without_a_date_says_there_is_none(catalog: Catalog) -> None:
    await set_status(catalog, CURATOR, "squid-game", 3, "cancelled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "unknown", False, NETFLIX)
    release = to_text(await answers.release(catalog, "squid-game", 3, now=NOW), NOW)
    assert "Season 3 was cancelled." in release
    assert "Release date:\nNone: the season was cancelled.\n" in release, release


async def test_a_season_out_since_today_in_korea_is_not_listed_as_coming_up(catalog: Catalog) -> None:
    await set_status(catalog, CURATOR, "squid-game", 3, "scheduled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "2026-12-01", True, NETFLIX)
    # Still 1 December in Korea: a scheduled season whose day it is comes up today.
    assert "• 1 December 2026: Squid Game season 3 (official)" in to_text(
        await answers.upcoming(catalog, 90, now=NOW), NOW
    )
    for status in ("airing", "released"):
        await set_status(catalog, CURATOR, "squid-game", 3, status, NETFLIX)
        text = to_text(await answers.upcoming(catalog, 90, now=NOW), NOW)
        assert "Squid Game season 3" not in text, (status, text)


def season_line(text: str, number: int) -> str:
    return next(x for x in text.splitlines() if x.startswith(f"Season {number}:"))


async def test_show_says_an_official_date_passed_without_a_release(catalog: Catalog) -> None:
    await set_status(catalog, CURATOR, "squid-game", 3, "scheduled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "2026-11-20", True, NETFLIX)
    release = to_text(await answers.release(catalog, "squid-game", 3, now=NOW), NOW)
    assert "Season 3 was officially due on 20 November 2026, but it is not out yet." in release
    show = to_text(await answers.show(catalog, "squid-game", now=NOW), NOW)
    assert season_line(show, 3) == (
        "Season 3: Date announced · 20 November 2026 (official), passed without a release · 6 episodes"
    )
    # The same line under "Other seasons" of another season's /release.
    other = to_text(await answers.release(catalog, "squid-game", 2, now=NOW), NOW)
    assert season_line(other, 3) == season_line(show, 3)
    # And the season autocomplete no longer reads as if the day were still ahead.
    choices = await answers.season_choices(catalog, "squid-game", "3", now=NOW)
    assert [c.name for c in choices] == ["Season 3 · Date announced · due 20 November 2026, not released"]


async def test_a_show_answer_kept_from_before_its_official_date_passed_is_not_served_after(
    catalog: Catalog,
) -> None:
    await set_status(catalog, CURATOR, "squid-game", 3, "scheduled", NETFLIX)
    await set_date(catalog, CURATOR, "squid-game", 3, "2026-11-20", True, NETFLIX)
    last_minute = datetime(2026, 11, 20, 14, 59, tzinfo=UTC)  # 23:59 on 20 November in Korea
    over = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)  # midnight in Korea: the day is over
    before = to_text(await answers.show(catalog, "squid-game", now=last_minute), last_minute)
    assert season_line(before, 3).endswith("20 November 2026 (official) · 6 episodes")
    after = to_text(await answers.show(catalog, "squid-game", now=over), over)
    assert "20 November 2026 (official), passed without a release" in season_line(after, 3)
    choices = await answers.season_choices(catalog, "squid-game", "3", now=last_minute)
    assert choices[0].name == "Season 3 · Date announced · due 20 November 2026"
