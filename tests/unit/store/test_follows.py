"""The follow store: one DM row per (change, follower), pausing, resuming, unfollowing, forgetting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kdrama.follow.rules import DEFAULT_EVENTS
from kdrama.models import Event, ShowRef
from kdrama.store import FollowLimitReached, Store, utcnow
from tests.unit.watch.helpers import AOUAD, add_trailer, ref, renew, subscribe

FAN, OTHER_FAN, PICKY_FAN, QUIET_FAN = 9001, 9002, 9003, 9004


async def follow(store: Store, user: int, show: ShowRef, events=DEFAULT_EVENTS, limit: int = 200):
    now = utcnow()
    return await store.follows.add(
        user, show, events, limit=limit, resend_since=now - timedelta(days=1), now=now
    )


async def dm_rows(store: Store) -> list[tuple]:
    """DM rows: (user, state, guild, channel key, last error), by user."""
    rows = await store.db.execute_fetchall(
        "SELECT user_id, state, guild_id, channel_id, last_error FROM delivery WHERE user_id IS NOT NULL "
        "ORDER BY user_id, id"
    )
    return [tuple(r) for r in rows]


async def test_an_edit_queues_one_dm_per_follower_who_wants_it_beside_the_channels(store: Store) -> None:
    show, other = await ref(store, AOUAD), await ref(store, "squid-game")
    await subscribe(store, 1, show)
    await follow(store, FAN, show)
    await follow(store, OTHER_FAN, other)  # another show
    await follow(store, PICKY_FAN, show, frozenset({Event.TRAILER}))  # not this kind of news
    await follow(store, QUIET_FAN, show)
    await store.follows.pause(QUIET_FAN, "closed")
    await renew(store, show)
    # The paused fan's DM is held for when they come back, not sent.
    assert await dm_rows(store) == [
        (FAN, "pending", 0, FAN, None),
        (QUIET_FAN, "paused", 0, QUIET_FAN, "closed"),
    ]
    channel_rows = await store.db.execute_fetchall("SELECT channel_id FROM delivery WHERE user_id IS NULL")
    assert [r[0] for r in channel_rows] == [1]
    await add_trailer(store, show)
    # The status, then the trailer.
    assert [r[0] for r in await dm_rows(store)] == [FAN, FAN, PICKY_FAN, QUIET_FAN, QUIET_FAN]


async def test_pausing_holds_a_persons_dms_and_following_again_resends_them(store: Store) -> None:
    show = await ref(store, AOUAD)
    await follow(store, FAN, show)
    await renew(store, show)
    held = await store.follows.pause(FAN, "DMs closed")
    assert held == 1
    assert [r[1] for r in await dm_rows(store)] == ["paused"]
    await renew(store, show)  # while paused: held for them too, not sent
    assert [r[1] for r in await dm_rows(store)] == ["paused", "paused"]
    person = await store.follows.follower(FAN)
    assert person is not None and person.paused_reason == "DMs closed"
    result = await follow(store, FAN, show)
    assert (result.created, result.resumed, result.resent) == (False, True, 2)
    assert [r[1] for r in await dm_rows(store)] == ["pending", "pending"]


async def test_unfollowing_cancels_that_shows_dms_only(store: Store) -> None:
    show, other = await ref(store, AOUAD), await ref(store, "squid-game")
    await follow(store, FAN, show)
    await follow(store, FAN, other)
    await renew(store, show)
    await renew(store, other)
    assert await store.follows.remove(FAN, show.id)
    assert not await store.follows.remove(FAN, show.id)
    states = [(r[1], r[4]) for r in await dm_rows(store)]
    assert states == [("failed", "unfollowed before it was sent"), ("pending", None)]


async def test_a_fan_who_narrows_a_follow_gets_no_dm_of_the_news_they_dropped(store: Store) -> None:
    show = await ref(store, AOUAD)
    await follow(store, FAN, show)
    await renew(store, show)
    await add_trailer(store, show)
    await follow(store, FAN, show, frozenset({Event.TRAILER}))  # /follow add again: trailers only
    states = [(r[1], r[4]) for r in await dm_rows(store)]
    assert states == [("failed", "unfollowed before it was sent"), ("pending", None)]


async def test_forgetting_a_person_leaves_no_row_about_them(store: Store) -> None:
    show = await ref(store, AOUAD)
    await follow(store, FAN, show)
    await follow(store, OTHER_FAN, show)
    await store.follows.remember_dm_channel(FAN, 777)
    await renew(store, show)
    assert await store.follows.forget(FAN)
    assert await store.follows.follower(FAN) is None
    assert [r[0] for r in await dm_rows(store)] == [OTHER_FAN]
    assert not await store.follows.forget(FAN)


async def test_the_cap_refuses_a_new_follow_and_changes_nothing(store: Store) -> None:
    a, b, c = await ref(store, AOUAD), await ref(store, "squid-game"), await ref(store, "kingdom")
    await follow(store, FAN, a, limit=2)
    await follow(store, FAN, b, limit=2)
    with pytest.raises(FollowLimitReached) as refused:
        await follow(store, FAN, c, limit=2)
    assert refused.value.count == 2
    updated = await follow(store, FAN, a, frozenset({Event.CAST}), limit=2)  # changing one is fine
    assert not updated.created and updated.count == 2
    person = await store.follows.follower(FAN)
    assert person is not None
    assert [(f.show.slug, f.events) for f in person.follows] == [
        (AOUAD, {Event.CAST}),
        ("squid-game", DEFAULT_EVENTS),
    ]


async def test_the_dm_channel_is_remembered_until_forgotten(store: Store) -> None:
    await follow(store, FAN, await ref(store, AOUAD))
    assert await store.follows.dm_channel(FAN) is None
    await store.follows.remember_dm_channel(FAN, 4242)
    assert await store.follows.dm_channel(FAN) == 4242
    await store.follows.remember_dm_channel(FAN, None)
    assert await store.follows.dm_channel(FAN) is None


async def test_a_dm_is_written_in_the_language_its_follower_last_followed_in(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)  # a channel: its notices stay in its own language (none: English)
    now = utcnow()
    add = store.follows.add
    await add(FAN, show, DEFAULT_EVENTS, limit=9, resend_since=now, now=now, language="ko")
    await follow(store, OTHER_FAN, show)  # followed before languages were kept: English
    await renew(store, show)
    due = {(d.user_id, d.channel_id): d.language for d in await store.outbox.due(now.timestamp() + 60, None)}
    assert due == {(FAN, FAN): "ko", (OTHER_FAN, OTHER_FAN): None, (None, 1): None}
    # Following again from an English client: the next DMs are in English.
    await add(FAN, show, DEFAULT_EVENTS, limit=9, resend_since=now, now=now, language="en")
    due = {d.user_id: d.language for d in await store.outbox.due(now.timestamp() + 60, None)}
    assert due[FAN] == "en"
