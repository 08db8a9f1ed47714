"""The lookup commands as functions, and the choices their options offer."""

from __future__ import annotations

from datetime import UTC, datetime

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
