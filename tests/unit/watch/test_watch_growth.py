"""Bounded growth: old outbox rows are pruned, held DMs expire, and a server's subscriptions are capped."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from kdrama.errors import UserError
from kdrama.follow.rules import DEFAULT_EVENTS, DMS_CLOSED
from kdrama.models import ALL_EVENTS, Event
from kdrama.store import Store, utcnow
from kdrama.watch import subscriptions as watch
from kdrama.watch.engine import ChannelUnusable, Rejected
from tests.unit.watch.helpers import (
    AOUAD,
    GUILD,
    OTHER_GUILD,
    FakeDiscord,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)

FAN = 9001


async def age_outbox(store: Store, days: int) -> None:
    """Every delivery row as if made `days` days ago."""
    async with store.transaction() as db:
        await db.execute(
            "UPDATE delivery SET created_at = datetime(created_at, ?), sent_at = datetime(sent_at, ?)",
            (f"-{days} days", f"-{days} days"),
        )


async def test_delivered_and_failed_notices_are_pruned_after_the_retention(store: Store) -> None:
    show = await ref(store, AOUAD)
    for channel in (1, 2, 3):
        await subscribe(store, channel, show)
    await renew(store, show)
    fake = FakeDiscord(
        faults={2: [Rejected("HTTP 400: Invalid Form Body", status=400)]},
        gone={3: ChannelUnusable("the channel no longer exists", status=404, code=10003)},
    )
    await engine_for(store, fake).drain()
    assert [r[1] for r in await rows(store)] == ["sent", "failed", "paused"]
    await age_outbox(store, 31)
    await renew(store, show)  # news of today for the two channels still followed
    engine = engine_for(store, fake, retention=timedelta(days=30))
    task = asyncio.create_task(engine.run())
    expected = [(1, "sent"), (2, "sent"), (3, "paused")]
    try:
        for _ in range(100):
            await asyncio.sleep(0.02)
            if [(r[0], r[1]) for r in await rows(store)] == expected:
                break
    finally:
        await engine.stop()
        task.cancel()
    # The month-old sent and failed rows are gone; the held one waits for /watch add.
    assert [(r[0], r[1]) for r in await rows(store)] == expected
    assert await store.outbox.prune(older_than_days=30) == 0  # nothing more to prune


async def test_a_server_has_at_most_its_cap_of_subscriptions(store: Store) -> None:
    show = await ref(store, AOUAD)

    async def add(channel: int, guild: int = GUILD, events: frozenset[Event] = ALL_EVENTS) -> None:
        await watch.subscribe(
            store, guild_id=guild, channel_id=channel, show_id=show.id, events=events, role_id=None,
            created_by=5, max_per_server=3,
        )  # fmt: skip

    for channel in (1, 2, 3):
        await add(channel)
    with pytest.raises(UserError) as refused:
        await add(4)
    assert str(refused.value) == (
        "This server already has 3 subscriptions, the most one server may have: remove one with "
        "/watch remove, then try again."
    )
    await add(1, events=frozenset({Event.STATUS}))  # changing one it has is fine
    await add(5, guild=OTHER_GUILD)  # another server has its own allowance
    assert len(await watch.followed(store, GUILD)) == 3


async def test_a_fan_whose_dms_stay_closed_does_not_grow_a_backlog(store: Store) -> None:
    show = await ref(store, AOUAD)
    now = utcnow()
    await store.follows.add(FAN, show, DEFAULT_EVENTS, limit=200, resend_since=now, now=now)
    await store.follows.pause(FAN, DMS_CLOSED)
    await renew(store, show)
    await age_outbox(store, 2)  # held for two days: no longer news
    await renew(store, show)  # held, and still news
    engine = engine_for(store, FakeDiscord(), retention=timedelta(days=30))
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.02)
            if [r[1] for r in await rows(store)] == ["failed", "paused"]:
                break
    finally:
        await engine.stop()
        task.cancel()
    assert [r[1] for r in await rows(store)] == ["failed", "paused"]  # the old one goes with the retention
    await age_outbox(store, 31)
    assert await store.outbox.prune(older_than_days=30) == 1
