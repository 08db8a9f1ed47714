"""The delivery engine against a real SQLite file and a fake Discord that fails on cue."""

from __future__ import annotations

import asyncio
import time

import pytest

from kdrama import edits
from kdrama.lookup import Catalog
from kdrama.models import Delivery, Shards
from kdrama.notices import NoticeRenderer
from kdrama.render import Reply
from kdrama.store import Store
from kdrama.watch import subscriptions as watch
from kdrama.watch.budget import TokenBucket
from kdrama.watch.engine import ChannelUnusable, Rejected, RetryLater, retry_delay
from kdrama.watch.supervisor import supervise
from tests.unit.watch.helpers import (
    AOUAD,
    CURATOR,
    GUILD,
    Clock,
    Counted,
    FakeDiscord,
    add_trailer,
    engine_for,
    ref,
    renew,
    rows,
    subscribe,
)


@pytest.mark.parametrize(
    "fault",
    [
        RetryLater("HTTP 429: You are being rate limited", status=429, retry_after=7.5),
        RetryLater("HTTP 500: Internal Server Error", status=500),
        RetryLater("HTTP 503: Service Unavailable", status=503),
        TimeoutError(),
    ],
    ids=["429", "500", "503", "timeout"],
)
async def test_transient_failures_back_off_and_post_exactly_once(store: Store, fault: BaseException) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    clock = Clock()
    fake = FakeDiscord(faults={1: [fault, fault, fault]})
    engine = engine_for(store, fake, wall=clock)
    waits = []
    for _ in range(3):
        await engine.drain()
        (row,) = await rows(store)
        assert row[1] == "pending" and row[4]  # still queued, with the error recorded
        waits.append(row[5] - clock.now)
        await engine.drain()  # not due yet: nothing is sent
        assert len(fake.requests) == len(waits)
        clock.now = row[5] + 0.01
    await engine.drain()
    (row,) = await rows(store)
    assert row[1] == "sent" and row[2] == 4
    assert len(fake.in_channel(1)) == 1
    assert len({nonce for _, nonce in fake.requests}) == 1  # every attempt used the same nonce
    if isinstance(fault, RetryLater) and fault.retry_after:
        assert min(waits) >= fault.retry_after
    else:
        assert waits[0] < waits[1] < waits[2]  # exponential


SEASON_2_SOURCE = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"


async def test_a_retried_notice_is_not_overtaken_by_a_newer_one(store: Store, catalog: Catalog) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    mistake = await edits.set_status(catalog, CURATOR, AOUAD, 2, "cancelled", SEASON_2_SOURCE)
    assert mistake is not None
    await edits.undo(catalog, CURATOR, mistake.id)
    clock = Clock()
    fake = FakeDiscord(faults={1: [RetryLater("HTTP 500: Internal Server Error", status=500)]})
    engine = engine_for(store, fake, wall=clock)
    await engine.drain()
    assert fake.in_channel(1) == []  # the undo waits behind the mistake's retry
    clock.now += 60
    await engine.drain()
    posted = [m.embeds[0].description for m in fake.in_channel(1)]
    assert len(posted) == 2
    assert posted[-1] != "Season 2 of All of Us Are Dead: Cancelled."  # the channel ends as the catalog does


async def test_a_notice_that_fails_for_good_does_not_hold_back_the_next(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    await add_trailer(store, show)
    clock = Clock()
    refused = Rejected("HTTP 400 (code 50035): Invalid Form Body", status=400)
    fake = FakeDiscord(faults={1: [RetryLater("HTTP 502: Bad Gateway", status=502), refused]})
    engine = engine_for(store, fake, wall=clock)
    await engine.drain()
    clock.now += 60
    await engine.drain()  # the renewal is refused for good: the trailer goes out after it
    assert [r[1] for r in await rows(store)] == ["failed", "sent"]
    assert len(fake.in_channel(1)) == 1


async def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    half = [retry_delay(n, rng=lambda: 0.0) for n in range(1, 12)]
    assert half[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(half) == 150.0
    assert retry_delay(1, retry_after=30.0, rng=lambda: 1.0) == 30.0


async def test_a_rejected_message_fails_without_pausing_the_channel(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    fake = FakeDiscord(faults={1: [Rejected("HTTP 400 (code 50035): Invalid Form Body", status=400)]})
    await engine_for(store, fake).drain()
    assert [r[1] for r in await rows(store)] == ["failed"]
    assert not (await watch.followed(store, GUILD, 1))[0].paused


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (404, 10003, "the channel no longer exists"),
        (403, 50001, "the bot can't see this channel (Missing Access)"),
        (403, 50013, "the bot lacks permission to post here (Missing Permissions)"),
    ],
)
async def test_a_forbidden_or_gone_channel_is_paused_after_one_request(
    store: Store, status: int, code: int, reason: str
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await subscribe(store, 1, None)
    await subscribe(store, 2, show)
    await renew(store, show)
    await add_trailer(store, show)
    fake = FakeDiscord(gone={1: ChannelUnusable(reason, status=status, code=code)})
    engine = engine_for(store, fake)
    await engine.drain()
    await engine.drain()
    assert [ch for ch, _ in fake.requests].count(1) == 1  # one request, then silence
    assert len(fake.in_channel(2)) == 2
    subs = await watch.followed(store, GUILD, 1)
    assert len(subs) == 2 and all(s.paused_reason == reason for s in subs)
    assert [r[1] for r in await rows(store, "channel_id = 1")] == ["paused", "paused"]
    # Later news is not even queued for the paused channel.
    await renew(store, show)
    await engine.drain()
    assert [ch for ch, _ in fake.requests].count(1) == 1
    assert len(await rows(store, "channel_id = 1")) == 2


async def test_the_loop_survives_errors_in_rendering_and_sending(store: Store) -> None:
    show = await ref(store, AOUAD)
    for channel in (1, 2, 3):
        await subscribe(store, channel, show)
    bad_change = await renew(store, show)
    renderer = NoticeRenderer(store)

    async def render(delivery: Delivery) -> Reply:
        if delivery.change_id == bad_change and delivery.channel_id == 1:
            raise RuntimeError("renderer bug")
        return await renderer(delivery)

    fake = FakeDiscord(faults={2: [ValueError("sender bug")]})
    clock = Clock()
    engine = engine_for(store, fake, render=render, wall=clock)
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.02)
            if fake.in_channel(3):
                break
        await add_trailer(store, show)
        engine.wake()
        for _ in range(200):
            await asyncio.sleep(0.02)
            clock.now += 30  # the retries come due, one after the other
            if len(fake.messages) >= 5:
                break
    finally:
        await engine.stop()
        task.cancel()
    assert not task.done() or task.cancelled()
    assert len(fake.in_channel(3)) == 2  # the good channel heard both
    assert len(fake.in_channel(2)) == 2  # the sender bug was retried (backoff), nothing lost
    # The render bug is tried a few times, then failed for good; the trailer then reaches its channel.
    assert len(fake.in_channel(1)) == 1
    assert [(r[1], r[2]) for r in await rows(store, "channel_id = 1")] == [("failed", 5), ("sent", 1)]


async def test_a_send_interrupted_by_shutdown_is_retried_with_the_same_nonce(store: Store) -> None:
    show = await ref(store, AOUAD)
    for channel in range(1, 21):
        await subscribe(store, channel, show)
    await renew(store, show)
    # The first process posts, then dies before it records anything (Discord has the message).
    fake = FakeDiscord(delay=0.2)
    first = engine_for(store, fake)
    task = asyncio.create_task(first.run())
    await asyncio.sleep(0.1)
    await first.stop(grace=0.0)
    task.cancel()
    assert fake.requests and all(r[1] == "pending" for r in await rows(store))
    # Discord kept the messages of the interrupted sends (they were posted before the crash).
    for channel, nonce in fake.requests:
        fake.messages.setdefault(nonce, (channel, Reply(content="posted before the crash")))
    fake.delay = 0.0
    await engine_for(store, fake).drain()
    assert all(len(fake.in_channel(ch)) == 1 for ch in range(1, 21))
    assert {r[1] for r in await rows(store)} == {"sent"}


async def test_each_shard_delivers_only_to_its_own_guilds(store: Store) -> None:
    show = await ref(store, AOUAD)
    even, odd = 2 << 22, 3 << 22  # guilds on shard 0 and shard 1 of 2
    await subscribe(store, 1, show, guild=even)
    await subscribe(store, 2, show, guild=odd)
    await renew(store, show)
    fake = FakeDiscord()
    await engine_for(store, fake, shards=lambda: Shards(2, frozenset({1}))).drain()
    assert [ch for ch, _ in fake.requests] == [2]
    await engine_for(store, fake, shards=lambda: Shards(2, frozenset({0}))).drain()
    assert sorted(ch for ch, _ in fake.requests) == [1, 2]


async def test_the_engine_delivers_at_about_45_per_second(store: Store) -> None:
    show = await ref(store, AOUAD)
    for channel in range(1, 91):
        await subscribe(store, channel, show)
    await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    engine.budget = TokenBucket(45, 3)
    started = time.monotonic()
    await engine.drain(timeout=10)
    elapsed = time.monotonic() - started
    assert len(fake.messages) == 90
    busiest = max(sum(1 for t in fake.times if s <= t < s + 1.0) for s in fake.times)
    assert busiest <= 48
    assert 1.8 < elapsed < 4.0  # (90 - 3 burst) / 45 ≈ 1.93 s


async def test_one_channel_is_sent_at_most_one_message_a_second(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    for _ in range(3):
        await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    engine.channel_interval = 0.3
    await engine.drain(timeout=5)
    assert len(fake.messages) == 3
    gaps = [b - a for a, b in zip(fake.times, fake.times[1:], strict=False)]
    assert min(gaps) >= 0.29


async def test_stopping_the_supervised_engine_while_it_idles_ends_its_task(store: Store) -> None:
    engine = engine_for(store, FakeDiscord())
    task = asyncio.create_task(supervise("deliveries", engine.run, stopping=lambda: engine.stopping))
    await asyncio.sleep(0.1)
    # The wake and the cancel land together, as in cog_unload: the task must end.
    await engine.stop()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert task in done


async def test_the_loop_does_not_spin_while_a_channel_send_is_slow(store: Store) -> None:
    show = await ref(store, AOUAD)
    await subscribe(store, 1, show)
    await renew(store, show)
    await renew(store, show)  # due, but its channel is busy with the first
    fake = FakeDiscord(delay=3.0)
    engine = engine_for(store, fake)
    engine.poll_interval = 1.0
    due = Counted(store.outbox.due)
    store.outbox.due = due  # type: ignore[method-assign]
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(500):  # until the slow send is in flight, however long the machine takes
            if fake.requests:
                break
            await asyncio.sleep(0.01)
        due.calls = 0
        started = time.monotonic()
        await asyncio.sleep(2.0)  # the send, started before, takes 3 s: it is still in flight
        quiet = time.monotonic() - started
        assert engine.in_flight == 1 and len(fake.requests) == 1
    finally:
        await engine.stop(grace=0.0)
        task.cancel()
    # At most one look a poll interval (it looked every 10 ms, about 200 times); a loaded
    # machine only makes it look less often.
    assert due.calls <= quiet / engine.poll_interval + 2


async def test_the_loop_does_not_spin_while_more_channels_than_a_page_wait_out_their_interval(
    store: Store,
) -> None:
    # After a burst of news to many channels, each waits out its interval between two posts.
    # With more of them than one read of the outbox returns, the loop read it again at once,
    # over and over (2,336 reads in 1.5 s), until an interval ended.
    show = await ref(store, AOUAD)
    channels = range(1, 141)  # more than a page (max(50, 16 * 8) = 128 rows)
    for channel in channels:
        await subscribe(store, channel, show)
    await renew(store, show)
    await renew(store, show)  # a second notice each: due, but its channel just posted
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    engine.channel_interval = 3.0
    engine.poll_interval = 1.0
    due = Counted(store.outbox.due)
    store.outbox.due = due  # type: ignore[method-assign]
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(1000):  # until every channel has its first notice, however slow the machine
            if len({channel for channel, _ in fake.requests}) == len(channels) and not engine.in_flight:
                break
            await asyncio.sleep(0.01)
        assert len(fake.requests) == len(channels)
        await asyncio.sleep(0.1)  # the pass each last send's end wakes
        due.calls = 0
        started = time.monotonic()
        await asyncio.sleep(1.5)  # every channel is within its 3 s interval
        quiet = time.monotonic() - started
        assert len(fake.requests) == len(channels)
    finally:
        await engine.stop(grace=0.0)
        task.cancel()
    assert due.calls <= quiet / engine.poll_interval + 2
