"""The lookup commands as functions, and the choices their options offer."""

from __future__ import annotations

from kdrama import answers
from kdrama.lookup import Catalog


async def test_season_choices_offer_the_shows_seasons_newest_first(catalog: Catalog) -> None:
    choices = await answers.season_choices(catalog, "squid-game", "")
    assert [c.value for c in choices] == ["3", "2", "1"]
    assert choices[0].name.startswith("Season 3 · Released")
    assert await answers.season_choices(catalog, "no such show", "") == []
