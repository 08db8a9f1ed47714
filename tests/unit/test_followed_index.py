"""/follow remove and /watch remove keep each owner's list and names' index between keystrokes.

The answers must be those of a list read and an index built for every keystroke (what the
autocompletes did before), right after a follow, an unfollow, a subscription, an alias or a
rename, here or in another process; and the index is not built again while nothing changed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from kdrama import edits
from kdrama.follow.rules import DEFAULT_EVENTS, follow, followed_choices, kept_follows, unfollow
from kdrama.followed_index import FollowedIndexes
from kdrama.lookup import Catalog
from kdrama.models import Actor, ShowRef, WatchedShow
from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from tests.unit.watch.helpers import AOUAD, GUILD, ref, subscribe

FAN = 9001
CURATOR = Actor(1001, "curator")
# Hangul, initials, romanized, an alias, a typo, English words, nothing typed, and a show not followed.
QUERIES = (
    "",
    "지금",
    "ㅈㄱㅇㄹ",
    "jigeum",
    "now at our",
    "al of us are ded",
    "squid",
    "오징어",
    "k",
    "지옥",
    "zombie",
)


async def fan_answers(
    store: Store, kept: FollowedIndexes[tuple[ShowRef, ...] | None], locale: str = "en"
) -> dict[str, list[tuple[str, str]]]:
    """/follow remove's choices for each query, kept and as read afresh: they must agree."""
    from kdrama import i18n

    t = i18n.text(locale)
    answers = {}
    for typed in QUERIES:
        fresh = await followed_choices(store, FAN, typed, t)
        got = await followed_choices(store, FAN, typed, t, kept=kept)
        assert got == fresh, typed
        answers[typed] = [(c.name, c.value) for c in got]
    return answers


async def channel_answers(
    store: Store, kept: FollowedIndexes[list[WatchedShow]], locale: str = "en"
) -> dict[str, list[tuple[str, str]]]:
    """/watch remove's choices for each query, kept and as read afresh: they must agree."""
    answers = {}
    for typed in QUERIES:
        fresh = await watch.followed_choices(store, GUILD, 1, typed, locale)
        got = await watch.followed_choices(store, GUILD, 1, typed, locale, kept=kept)
        assert got == fresh, typed
        answers[typed] = [(c.name, c.value) for c in got]
    return answers


async def test_follow_remove_answers_as_before_and_builds_the_index_once(catalog: Catalog) -> None:
    store = catalog.store
    kept = kept_follows(store, lambda: catalog.generation)
    for slug in (AOUAD, "squid-game", "kingdom"):
        await follow(store, FAN, await ref(store, slug), DEFAULT_EVENTS, limit=200)
    # What the choices are read from is the fan's follows, in /follow list's order.
    person = await store.follows.follower(FAN)
    assert person is not None
    assert await store.follows.shows_of(FAN) == tuple(f.show for f in person.follows)
    answers = await fan_answers(store, kept)
    assert answers["ㅈㄱㅇㄹ"] == [("All of Us Are Dead (지금 우리 학교는)", AOUAD)]
    assert answers["jigeum"] == [("All of Us Are Dead (Jigeum Uri Hakgyoneun)", AOUAD)]
    assert answers["al of us are ded"] == [("All of Us Are Dead", AOUAD)]
    assert answers["오징어"] == [("Squid Game (오징어 게임)", "squid-game")]
    assert answers["지옥"] == answers["zombie"] == []
    assert answers[""][0] == ("Everything: forget all my follows", "*")
    for _ in range(3):  # the fan types on: nothing read or built again
        await fan_answers(store, kept)
    assert (kept.reads, kept.builds) == (1, 1)

    # Following one more show: the next keystroke finds it.
    await follow(store, FAN, await ref(store, "hellbound"), DEFAULT_EVENTS, limit=200)
    assert (await fan_answers(store, kept))["지옥"] == [("Hellbound (지옥)", "hellbound")]
    assert kept.builds == 2
    # Unfollowing: it is gone from the choices at once.
    assert await unfollow(store, FAN, (await ref(store, "squid-game")).id)
    assert (await fan_answers(store, kept))["오징어"] == []
    # An alias a curator adds (which refreshes the catalog) finds the show by it.
    await edits.alias(catalog, CURATOR, AOUAD, "Zombie School")
    assert (await fan_answers(store, kept))["zombie"] == [("All of Us Are Dead (Zombie School)", AOUAD)]
    # So does a new title; the value stays the slug.
    await edits.edit_show(catalog, CURATOR, "kingdom", {"title": "Kingdom of the Dead"})
    renamed = (await fan_answers(store, kept))["k"]
    assert [n for n, v in renamed if v == "kingdom"] == ["Kingdom of the Dead (Kingdeom)"], renamed
    builds = kept.builds
    await fan_answers(store, kept)
    assert kept.builds == builds


async def test_watch_remove_answers_as_before_and_builds_the_index_once(catalog: Catalog) -> None:
    store = catalog.store
    kept = watch.kept_subscriptions(store, lambda: catalog.generation)
    for show in (await ref(store, AOUAD), await ref(store, "squid-game"), None):
        await subscribe(store, 1, show)
    await subscribe(store, 2, await ref(store, "hellbound"))  # another channel's
    for locale in ("en", "ko"):
        answers = await channel_answers(store, kept, locale)
        assert answers["지옥"] == []
    assert answers["ㅈㄱㅇㄹ"] == [("지금 우리 학교는 (All of Us Are Dead)", AOUAD)]
    assert answers["jigeum"] == [("지금 우리 학교는 (All of Us Are Dead) (Jigeum Uri Hakgyoneun)", AOUAD)]
    assert (kept.reads, kept.builds) == (1, 1)

    await subscribe(store, 1, await ref(store, "hellbound"))
    assert (await channel_answers(store, kept))["지옥"] == [("Hellbound (지옥)", "hellbound")]
    await store.subscriptions.pause_channel(1, "the channel no longer exists")
    # What the choices are read from is the channel's subscriptions, in /watch list's order.
    assert await store.subscriptions.shows_of(GUILD, 1) == [
        WatchedShow(s.show, s.paused) for s in await watch.followed(store, GUILD, 1)
    ]
    assert (await channel_answers(store, kept))["오징어"] == [
        ("Squid Game (오징어 게임) (paused)", "squid-game")
    ]
    assert await watch.unsubscribe(store, 1, (await ref(store, "squid-game")).id)
    assert (await channel_answers(store, kept))["오징어"] == []
    await edits.alias(catalog, CURATOR, AOUAD, "Zombie School")
    assert (await channel_answers(store, kept))["zombie"] == [
        ("All of Us Are Dead (Zombie School) (paused)", AOUAD)
    ]
    # Pausing changed the list, not the shows in it: only following, unfollowing and the alias built again.
    assert kept.builds == 4


async def test_a_commit_that_changes_no_follow_reads_the_list_again_but_keeps_the_index(
    catalog: Catalog,
) -> None:
    store = catalog.store
    kept = kept_follows(store, lambda: catalog.generation)
    await follow(store, FAN, await ref(store, "squid-game"), DEFAULT_EVENTS, limit=200)
    await followed_choices(store, FAN, "squid", kept=kept)
    await store.set_meta("unrelated", "1")  # as the delivery loop commits all the time
    assert [c.value for c in await followed_choices(store, FAN, "squid", kept=kept)] == ["squid-game"]
    assert (kept.reads, kept.builds) == (2, 1)


@pytest.fixture
async def other_process(store: Store) -> AsyncIterator[Catalog]:
    """A second process on the same database file: its own connections and catalog."""
    other = await Store.open(store.path)
    try:
        yield await Catalog.load(other)
    finally:
        await other.close()


async def test_what_another_process_changes_is_seen(catalog: Catalog, other_process: Catalog) -> None:
    store, elsewhere = catalog.store, other_process.store
    follows = kept_follows(store, lambda: catalog.generation)
    channel = watch.kept_subscriptions(store, lambda: catalog.generation)
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200)
    await subscribe(store, 1, await ref(store, AOUAD))
    await fan_answers(store, follows)
    await channel_answers(store, channel)
    # Follows and subscriptions another process writes are seen at the next keystroke.
    await follow(elsewhere, FAN, await ref(elsewhere, "hellbound"), DEFAULT_EVENTS, limit=200)
    await subscribe(elsewhere, 1, await ref(elsewhere, "hellbound"))
    assert (await fan_answers(store, follows))["지옥"] == [("Hellbound (지옥)", "hellbound")]
    assert (await channel_answers(store, channel))["지옥"] == [("Hellbound (지옥)", "hellbound")]
    # An alias another process adds is found once this process catches up (within a second).
    await edits.alias(other_process, CURATOR, AOUAD, "Zombie School")
    assert await catalog.catch_up() == 1
    assert (await fan_answers(store, follows))["zombie"] == [("All of Us Are Dead (Zombie School)", AOUAD)]
    assert (await channel_answers(store, channel))["zombie"] == [
        ("All of Us Are Dead (Zombie School)", AOUAD)
    ]


async def test_a_fan_kept_about_with_no_follows_is_offered_everything(catalog: Catalog) -> None:
    store = catalog.store
    assert await store.follows.shows_of(FAN) is None
    await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200)
    assert await unfollow(store, FAN, (await ref(store, AOUAD)).id)
    assert await store.follows.shows_of(FAN) == ()  # their DM channel and pause are still kept
    kept = kept_follows(store, lambda: catalog.generation)
    assert [c.value for c in await followed_choices(store, FAN, "", kept=kept)] == ["*"]
    assert await followed_choices(store, FAN + 1, "", kept=kept) == []


async def test_what_is_kept_is_bounded_and_the_least_recent_goes_first(catalog: Catalog) -> None:
    store = catalog.store
    kept: FollowedIndexes[tuple[ShowRef, ...] | None] = FollowedIndexes(
        store, lambda: catalog.generation, max_weight=40, max_entries=3
    )
    fans = range(FAN, FAN + 5)
    for fan in fans:
        for slug in (AOUAD, "squid-game"):
            await follow(store, fan, await ref(store, slug), DEFAULT_EVENTS, limit=200)
    for fan in fans:
        choices = await followed_choices(store, fan, "squid", kept=kept)
        assert [c.value for c in choices] == ["squid-game"]
        assert len(kept) <= 3 and kept.weight <= 40
    assert kept.builds == 5
    await followed_choices(store, fans[-1], "squid", kept=kept)  # the latest is still kept
    assert kept.builds == 5
    await followed_choices(store, fans[0], "squid", kept=kept)  # the first went
    assert kept.builds == 6


async def test_a_database_read_and_written_on_one_connection_is_seen_too() -> None:
    # In memory, the store reads where it writes: its data_version never moves for its own commits.
    store = await Store.open(":memory:")
    try:
        await edits.load_starter_if_empty(store)
        catalog = await Catalog.load(store)
        assert store.reader is store.writer
        kept = kept_follows(store, lambda: catalog.generation)
        await follow(store, FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200)
        assert (await fan_answers(store, kept))["지옥"] == []
        await follow(store, FAN, await ref(store, "hellbound"), DEFAULT_EVENTS, limit=200)
        assert (await fan_answers(store, kept))["지옥"] == [("Hellbound (지옥)", "hellbound")]
    finally:
        await store.close()
