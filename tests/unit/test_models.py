"""Typed change items: one key type, stored as readable text and read back the same."""

from __future__ import annotations

import pytest

from kdrama.models import Action, ChangeItem, Entity, ItemKey


@pytest.mark.parametrize(
    ("entity", "text", "key"),
    [
        (Entity.SHOW, "all-of-us-are-dead", ItemKey(Entity.SHOW, "all-of-us-are-dead")),
        (Entity.SEASON, "all-of-us-are-dead#2", ItemKey(Entity.SEASON, "all-of-us-are-dead", 2)),
        (Entity.CREDIT, "squid-game#2#Lee Jung-jae", ItemKey(Entity.CREDIT, "squid-game", 2, "Lee Jung-jae")),
        (
            Entity.CREDIT,
            "squid-game#0#Lee Jung-jae",
            ItemKey(Entity.CREDIT, "squid-game", None, "Lee Jung-jae"),
        ),
        (
            Entity.TRAILER,
            "squid-game#1#https://youtu.be/x#y",
            ItemKey(Entity.TRAILER, "squid-game", 1, "https://youtu.be/x#y"),
        ),
        (Entity.ALIAS, "squid-game#오징어 #게임", ItemKey(Entity.ALIAS, "squid-game", None, "오징어 #게임")),
        (Entity.CURATOR, "22", ItemKey(Entity.CURATOR, "22")),
    ],
)
def test_keys_read_back_from_their_stored_text(entity: Entity, text: str, key: ItemKey) -> None:
    assert ItemKey.parse(entity, text) == key
    assert str(key) == text


def test_an_item_built_from_stored_text_is_typed() -> None:
    item = ChangeItem("credit", "squid-game#0#Lee Jung-jae", "official", False, True)
    assert item.entity is Entity.CREDIT
    assert item.key == ItemKey(Entity.CREDIT, "squid-game", None, "Lee Jung-jae")


def test_a_show_or_season_covers_what_is_under_it() -> None:
    season = ItemKey(Entity.SEASON, "squid-game", 2)
    assert season.covers(ItemKey(Entity.TRAILER, "squid-game", 2, "https://youtu.be/x"))
    assert not season.covers(ItemKey(Entity.CREDIT, "squid-game", 1, "Lee Jung-jae"))
    assert not season.covers(ItemKey(Entity.SEASON, "squid-game", 2))
    assert ItemKey(Entity.SHOW, "squid-game").covers(season)
    assert not ItemKey(Entity.SHOW, "squid-game").covers(ItemKey(Entity.SEASON, "squid-game-2", 1))


def test_actions_are_the_recorded_names() -> None:
    assert Action("season.status") is Action.SEASON_STATUS
    assert Action.CURATOR_ADD.about_curators and not Action.UNDO.about_curators
