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
