"""When Discord says stop, every delivery stops; when the database can't record, nothing repeats."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from kdrama.watch.budget import TokenBucket
from kdrama.watch.engine import ChannelUnusable, StopEverything
from tests.unit.watch.helpers import (
    AOUAD,
    GUILD,
    Counted,
    FakeDiscord,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)


class Breakable:
    """Wraps a store method: while `broken`, it fails as a locked (or full) database does."""

    def __init__(self, real: Callable[..., Awaitable[Any]]) -> None:
        self.real = real
        self.broken = True

    async def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.broken:
            raise sqlite3.OperationalError("database is locked")
        return await self.real(*args, **kwargs)


async def test_an_outcome_the_database_could_not_record_is_never_acted_on_twice(store: Store) -> None:
    show = await ref(store, AOUAD)
    for channel in (1, 2):
        await subscribe(store, channel, show)
    await renew(store, show)
    fake = FakeDiscord(
        gone={2: ChannelUnusable("the bot lacks permission to post here", status=403, code=50013)}
    )
    engine = engine_for(store, fake, record_backoff=0.01)
    outbox, subs = store.outbox, store.subscriptions
    sent, paused = Breakable(outbox.mark_sent), Breakable(subs.pause_channel)
    outbox.mark_sent, subs.pause_channel = sent, paused  # type: ignore[method-assign]
    for _ in range(3):  # passes while the database refuses writes
        await engine.drain(timeout=0.3)
    assert sorted(ch for ch, _ in fake.requests) == [1, 2]  # each asked once, no more
    assert [r[1] for r in await rows(store)] == ["pending", "pending"]  # nothing recorded yet
    sent.broken = paused.broken = False
    for _ in range(10):  # the database is back: what was kept in memory is written
        await engine.drain(timeout=0.5)
        if [r[1] for r in await rows(store)] == ["sent", "paused"]:
            break
    assert sorted(ch for ch, _ in fake.requests) == [1, 2]
    assert [r[1] for r in await rows(store)] == ["sent", "paused"]
    assert (await watch.followed(store, GUILD, 2))[0].paused


@pytest.mark.parametrize(
    ("stop", "quiet_for"),
    [
        (StopEverything("HTTP 429: global rate limit", status=429, retry_after=0.6), 0.6),
        (StopEverything("HTTP 429: Cloudflare ban (no Via header)", status=429, retry_after=0.6), 0.6),
        (StopEverything("HTTP 401: Unauthorized", status=401, retry_after=None), None),
    ],
    ids=["global-429", "cloudflare-429", "401"],
)
async def test_when_discord_says_stop_every_delivery_stops(
    store: Store, caplog: pytest.LogCaptureFixture, stop: StopEverything, quiet_for: float | None
) -> None:
    show = await ref(store, AOUAD)
    for channel in range(1, 11):
        await subscribe(store, channel, show)
    await renew(store, show)
    fake = FakeDiscord(faults={1: [stop]})
    engine = engine_for(store, fake, concurrency=1)
    caplog.set_level(logging.WARNING)
    task = asyncio.create_task(engine.run())
    try:
        await asyncio.sleep(0.4)
        assert [ch for ch, _ in fake.requests] == [1]  # nothing after Discord's answer
        if quiet_for is not None:
            await asyncio.sleep(quiet_for + 0.6)
            assert sorted(len(fake.in_channel(ch)) for ch in range(1, 11)) == [1] * 10
    finally:
        await engine.stop(grace=0.1)
        task.cancel()
    loud = [r for r in caplog.records if "every delivery" in r.getMessage()]
    assert len(loud) == 1 and loud[0].levelno >= logging.ERROR
    if quiet_for is None:  # a 401: nothing more until the token is fixed and the bot restarted
        assert [ch for ch, _ in fake.requests] == [1]
        assert {r[1] for r in await rows(store)} == {"pending"}


async def test_outcomes_kept_in_memory_are_written_when_the_bot_stops(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake, record_backoff=60.0)  # no retry before the stop
    sent = Breakable(store.outbox.mark_sent)
    store.outbox.mark_sent = sent  # type: ignore[method-assign]
    await engine.drain(timeout=0.2)
    assert [r[1] for r in await rows(store)] == ["pending"]
    sent.broken = False
    await engine.stop()
    assert [r[1] for r in await rows(store)] == ["sent"]
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "stop",
    [
        StopEverything("HTTP 401: Unauthorized", status=401, retry_after=None),
        StopEverything("HTTP 429: global rate limit", status=429, retry_after=60.0),
    ],
    ids=["401", "global-429"],
)
async def test_the_loop_does_not_spin_while_discord_said_stop(store: Store, stop: StopEverything) -> None:
    show = await ref(store, AOUAD)
    for channel in (1, 2, 3):
        await subscribe(store, channel, show)
    await renew(store, show)
    fake = FakeDiscord(faults={1: [stop]})
    engine = engine_for(store, fake)
    engine.budget = TokenBucket(45, 3)
    engine.poll_interval = 1.0
    looks = Counted(store.outbox.next_due_at)
    store.outbox.next_due_at = looks  # type: ignore[method-assign]
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(500):  # until the stop is recorded, however long the machine takes
            if any(r[4] == stop.detail for r in await rows(store, "channel_id = 1")):
                break
            await asyncio.sleep(0.01)
        looks.calls = 0
        await asyncio.sleep(2.0)
    finally:
        await engine.stop(grace=0.0)
        task.cancel()
    # Paused (until restart, or for Discord's minute): the loop sleeps until the halt ends or
    # it is woken or stopped. It looked every 10 ms, about 200 times.
    assert looks.calls <= 2
    assert [ch for ch, _ in fake.requests].count(1) == 1


async def test_the_loop_does_not_spin_while_the_database_refuses_to_record(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake, record_backoff=5.0)
    sent = Breakable(store.outbox.mark_sent)
    store.outbox.mark_sent = sent  # type: ignore[method-assign]
    looks = Counted(store.outbox.next_due_at)
    store.outbox.next_due_at = looks  # type: ignore[method-assign]
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(500):  # until the outcome is kept in memory, however slow the machine
            if engine._unrecorded:
                break
            await asyncio.sleep(0.01)
        looks.calls = 0
        await asyncio.sleep(2.0)  # the first retry of the write is 5 s away
    finally:
        await engine.stop(grace=0.0)
        task.cancel()
    assert looks.calls <= 2  # it waited for the retry of the write (it looked every 10 ms)
    assert len(fake.requests) == 1
