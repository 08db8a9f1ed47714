"""The watch engine against a real SQLite file and a fake Discord that fails on cue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kdrama import catalog as catalog_file
from kdrama.dates import PartialDate
from kdrama.models import ALL_EVENTS, Actor, ChangeItem, Event, ReleaseDate, SeasonStatus, ShowRef, Status
from kdrama.notices import NoticeRenderer
from kdrama.render import Reply, to_text
from kdrama.store import Store, release_columns, status_columns
from kdrama.watch import (
    ChannelUnusable,
    Delivery,
    DeliveryEngine,
    EventsError,
    Rejected,
    RetryLater,
    Shards,
    TokenBucket,
    WatchStore,
    event_choices,
    parse_events_option,
    retry_delay,
)

GUILD = 81_000_000_000_000_000
OTHER_GUILD = 82_000_000_000_000_000
CURATOR = Actor(7, "Curator Kim")
AOUAD = "all-of-us-are-dead"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "watch.db")
    await catalog_file.load_starter_if_empty(s)
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def watch(store: Store) -> WatchStore:
    return WatchStore(store)


async def ref(store: Store, slug: str) -> ShowRef:
    show = await store.show_by_slug(slug)
    assert show is not None
    return show.ref


async def subscribe(
    watch: WatchStore,
    channel: int,
    show: ShowRef | None,
    events: frozenset[Event] = ALL_EVENTS,
    role: int | None = None,
    guild: int = GUILD,
) -> None:
    await watch.add(
        guild_id=guild,
        channel_id=channel,
        show_id=show.id if show else None,
        events=events,
        role_id=role,
        created_by=99,
    )


async def renew(store: Store, show: ShowRef, *, with_date: bool = False) -> int:
    """A curator's edit, as /admin season status does it: the change and its outbox rows."""
    items = [ChangeItem("season", f"{show.slug}#2", "status", "unconfirmed", "renewed")]
    events = {Event.STATUS}
    if with_date:
        items.append(ChangeItem("season", f"{show.slug}#2", "release_date", "2023", "Q4 2025"))
        events.add(Event.DATE)
    async with store.transaction() as db:
        change_id = await store.record_change(
            db,
            actor=CURATOR,
            action="season.status",
            show=show,
            season_number=2,
            source="https://about.netflix.com/en/news/all-of-us-are-dead-season-2",
            items=items,
            events=events,
        )
    assert change_id is not None
    return change_id


async def add_trailer(store: Store, show: ShowRef) -> int:
    async with store.transaction() as db:
        change_id = await store.record_change(
            db,
            actor=CURATOR,
            action="trailer.add",
            show=show,
            season_number=1,
            source=None,
            items=[
                ChangeItem(
                    "trailer",
                    f"{show.slug}#1",
                    "url",
                    None,
                    {
                        "url": "https://www.youtube.com/watch?v=IN5TD4VRcSM",
                        "title": "Teaser",
                        "kind": "teaser",
                    },
                )
            ],
            events={Event.TRAILER},
        )
    assert change_id is not None
    return change_id


async def rows(store: Store, where: str = "1", args: tuple[object, ...] = ()) -> list[tuple]:
    async with store.db.execute(
        f"SELECT channel_id, state, attempts, role_ids, last_error, next_try_at FROM delivery WHERE {where} "
        "ORDER BY channel_id, id",
        args,
    ) as cur:
        return list(await cur.fetchall())


@dataclass
class FakeDiscord:
    """Answers like Discord: messages deduplicated by nonce, faults queued per channel."""

    requests: list[tuple[int, str]] = field(default_factory=list)
    messages: dict[str, tuple[int, Reply]] = field(default_factory=dict)
    faults: dict[int, list[BaseException]] = field(default_factory=dict)
    gone: dict[int, ChannelUnusable] = field(default_factory=dict)
    times: list[float] = field(default_factory=list)
    delay: float = 0.0

    async def send(self, delivery: Delivery, message: Reply) -> int:
        self.requests.append((delivery.channel_id, delivery.nonce))
        self.times.append(time.monotonic())
        if self.delay:
            await asyncio.sleep(self.delay)
        if delivery.channel_id in self.gone:
            raise self.gone[delivery.channel_id]
        queued = self.faults.get(delivery.channel_id)
        if queued:
            raise queued.pop(0)
        if delivery.nonce not in self.messages:
            self.messages[delivery.nonce] = (delivery.channel_id, message)
        return 1000 + len(self.messages)

    def in_channel(self, channel: int) -> list[Reply]:
        return [m for ch, m in self.messages.values() if ch == channel]


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def engine_for(
    store: Store, fake: FakeDiscord, *, wall: Clock | None = None, render=None, **kw
) -> DeliveryEngine[Reply]:
    return DeliveryEngine(
        WatchStore(store),
        render or NoticeRenderer(store),
        fake,
        bucket=TokenBucket(10_000, 10_000),
        channel_interval=0.0,
        poll_interval=0.05,
        wall=wall or time.time,
        rng=lambda: 0.5,
        **kw,
    )


# --- the outbox ----------------------------------------------------------------------------------


async def test_an_edit_queues_one_delivery_per_subscribed_channel(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    other = await ref(store, "squid-game")
    await subscribe(watch, 1, show, role=501)
    await subscribe(watch, 1, None, role=502)  # the same channel also follows every show
    await subscribe(watch, 2, None)
    await subscribe(watch, 3, other)  # another show only
    await subscribe(watch, 4, show, events=frozenset({Event.TRAILER}))  # not this kind of news
    await renew(store, show)
    queued = await rows(store)
    assert [(r[0], r[1], r[3]) for r in queued] == [(1, "pending", "[501, 502]"), (2, "pending", "[]")]


async def test_events_filter_picks_the_channels_that_asked(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show, events=frozenset({Event.TRAILER}))
    await subscribe(watch, 2, show, events=frozenset({Event.STATUS, Event.DATE}))
    await add_trailer(store, show)
    assert [r[0] for r in await rows(store)] == [1]


async def test_a_change_of_several_fields_is_one_message_naming_them_all(
    store: Store, watch: WatchStore
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show, role=501)
    await subscribe(watch, 2, None)
    await renew(store, show, with_date=True)
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert len(fake.in_channel(1)) == len(fake.in_channel(2)) == 1
    reply = fake.in_channel(1)[0]
    assert reply.content == "<@&501>"  # the chosen role and nothing else
    assert fake.in_channel(2)[0].content is None
    text = to_text(reply)
    assert "All of Us Are Dead · Season 2" in text
    assert "No official word → Renewed" in text
    assert "Release date:\n2023 (expected, not official) → Q4 2025 (expected, not official)" in text
    assert "https://about.netflix.com/en/news/all-of-us-are-dead-season-2" in text
    assert {r[1] for r in await rows(store)} == {"sent"}


async def test_catalog_text_is_escaped_in_the_notice(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    async with store.transaction() as db:
        await store.record_change(
            db,
            actor=Actor(7, "@everyone **bold**"),
            action="credit.add",
            show=show,
            season_number=2,
            source="rumour on @everyone's blog",
            items=[
                ChangeItem(
                    "credit",
                    f"{AOUAD}#2",
                    "person",
                    None,
                    {"actor": "Cho Yi-hyun", "character": "**Nam-ra** @here", "official": True},
                )
            ],
            events={Event.CAST},
        )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    embed = fake.in_channel(1)[0].embeds[0].to_dict()
    flat = str(embed)
    assert "@everyone" not in flat.replace("@\u200beveryone", "")
    assert "@here" not in flat.replace("@\u200bhere", "")
    (cast,) = [f for f in embed["fields"] if f["name"] == "Cast announced"]
    assert cast["value"] == "**Cho Yi-hyun** as \\*\\*Nam-ra\\*\\* @\u200bhere (official)"


async def test_a_trailer_notice_carries_a_link_button(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await add_trailer(store, show)
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    reply = fake.in_channel(1)[0]
    assert reply.links[0].url == "https://www.youtube.com/watch?v=IN5TD4VRcSM"
    assert reply.embeds[0].fields[0].name == "New teaser"


# --- retries -----------------------------------------------------------------------------------


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
async def test_transient_failures_back_off_and_post_exactly_once(
    store: Store, watch: WatchStore, fault: BaseException
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
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


async def test_backoff_grows_is_capped_and_honours_retry_after() -> None:
    half = [retry_delay(n, rng=lambda: 0.0) for n in range(1, 12)]
    assert half[:4] == [1.0, 2.0, 4.0, 8.0]
    assert max(half) == 150.0
    assert retry_delay(1, retry_after=30.0, rng=lambda: 1.0) == 30.0


async def test_a_rejected_message_fails_without_pausing_the_channel(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await renew(store, show)
    fake = FakeDiscord(faults={1: [Rejected("HTTP 400 (code 50035): Invalid Form Body", status=400)]})
    await engine_for(store, fake).drain()
    assert [r[1] for r in await rows(store)] == ["failed"]
    assert not (await watch.subscriptions(GUILD, 1))[0].paused


# --- pausing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "code", "reason"),
    [
        (404, 10003, "the channel no longer exists"),
        (403, 50001, "the bot can't see this channel (Missing Access)"),
        (403, 50013, "the bot lacks permission to post here (Missing Permissions)"),
    ],
)
async def test_a_forbidden_or_gone_channel_is_paused_after_one_request(
    store: Store, watch: WatchStore, status: int, code: int, reason: str
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await subscribe(watch, 1, None)
    await subscribe(watch, 2, show)
    await renew(store, show)
    await add_trailer(store, show)
    fake = FakeDiscord(gone={1: ChannelUnusable(reason, status=status, code=code)})
    engine = engine_for(store, fake)
    await engine.drain()
    await engine.drain()
    assert [ch for ch, _ in fake.requests].count(1) == 1  # one request, then silence
    assert len(fake.in_channel(2)) == 2
    subs = await watch.subscriptions(GUILD, 1)
    assert len(subs) == 2 and all(s.paused_reason == reason for s in subs)
    assert [r[1] for r in await rows(store, "channel_id = 1")] == ["paused", "paused"]
    # Later news is not even queued for the paused channel.
    await renew(store, show)
    await engine.drain()
    assert [ch for ch, _ in fake.requests].count(1) == 1
    assert len(await rows(store, "channel_id = 1")) == 2


async def test_watch_add_resumes_a_paused_channel_and_posts_what_it_missed(
    store: Store, watch: WatchStore
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await subscribe(watch, 1, None)
    await renew(store, show)
    fake = FakeDiscord(gone={1: ChannelUnusable("the bot can't see this channel", status=403, code=50001)})
    engine = engine_for(store, fake)
    await engine.drain()
    assert all(s.paused for s in await watch.subscriptions(GUILD, 1))
    del fake.gone[1]  # staff fixed the permissions
    result = await watch.add(
        guild_id=GUILD, channel_id=1, show_id=show.id, events=ALL_EVENTS, role_id=None, created_by=5
    )
    assert (result.created, result.resumed, result.resent) == (False, 2, 1)
    assert not any(s.paused for s in await watch.subscriptions(GUILD, 1))
    await engine.drain()
    assert len(fake.in_channel(1)) == 1
    await add_trailer(store, show)
    await engine.drain()
    assert len(fake.in_channel(1)) == 2


async def test_missed_news_older_than_a_day_is_dropped_on_resume(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await renew(store, show)
    await watch.pause_channel(1, "the bot lacks permission to post here")
    result = await watch.add(
        guild_id=GUILD,
        channel_id=1,
        show_id=show.id,
        events=ALL_EVENTS,
        role_id=None,
        created_by=5,
        now=datetime.now(UTC) + timedelta(days=2),
    )
    assert (result.resent, result.dropped) == (0, 1)
    assert [r[1] for r in await rows(store)] == ["failed"]


async def test_channel_delete_drops_and_guild_remove_pauses(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    await subscribe(watch, 2, show)
    await subscribe(watch, 3, show, guild=OTHER_GUILD)
    await renew(store, show)
    assert await watch.delete_channel(1) == 1
    assert await watch.pause_guild(OTHER_GUILD, "the bot was removed from this server") == 1
    assert await watch.subscriptions(GUILD, 1) == []
    assert (await watch.subscriptions(OTHER_GUILD))[0].paused_reason == "the bot was removed from this server"
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert [ch for ch, _ in fake.requests] == [2]
    assert [r[1] for r in await rows(store)] == ["failed", "sent", "paused"]


# --- staying alive -------------------------------------------------------------------------------


async def test_the_loop_survives_errors_in_rendering_and_sending(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    for channel in (1, 2, 3):
        await subscribe(watch, channel, show)
    bad_change = await renew(store, show)
    renderer = NoticeRenderer(store)

    async def render(delivery: Delivery) -> Reply:
        if delivery.change_id == bad_change and delivery.channel_id == 1:
            raise RuntimeError("renderer bug")
        return await renderer(delivery)

    fake = FakeDiscord(faults={2: [ValueError("sender bug")]})
    engine = engine_for(store, fake, render=render)
    task = asyncio.create_task(engine.run())
    try:
        for _ in range(100):
            await asyncio.sleep(0.02)
            if fake.in_channel(3):
                break
        await add_trailer(store, show)
        engine.wake()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if len(fake.messages) >= 4:
                break
    finally:
        await engine.stop()
        task.cancel()
    assert not task.done() or task.cancelled()
    assert len(fake.in_channel(3)) == 2  # the good channel heard both
    assert len(fake.in_channel(1)) == 1  # the trailer still reached the channel whose render failed
    assert len(fake.in_channel(2)) == 1  # the sender bug is retried later (backoff), not lost
    states = {r[0]: r[1] for r in await rows(store, "attempts > 0 AND state = 'pending'")}
    assert states == {1: "pending", 2: "pending"}


async def test_a_send_interrupted_by_shutdown_is_retried_with_the_same_nonce(
    store: Store, watch: WatchStore
) -> None:
    show = await ref(store, AOUAD)
    for channel in range(1, 21):
        await subscribe(watch, channel, show)
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


async def test_each_shard_delivers_only_to_its_own_guilds(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    even, odd = 2 << 22, 3 << 22  # guilds on shard 0 and shard 1 of 2
    await subscribe(watch, 1, show, guild=even)
    await subscribe(watch, 2, show, guild=odd)
    await renew(store, show)
    fake = FakeDiscord()
    await engine_for(store, fake, shards=lambda: Shards(2, frozenset({1}))).drain()
    assert [ch for ch, _ in fake.requests] == [2]
    await engine_for(store, fake, shards=lambda: Shards(2, frozenset({0}))).drain()
    assert sorted(ch for ch, _ in fake.requests) == [1, 2]


# --- pacing --------------------------------------------------------------------------------------


async def test_the_token_bucket_keeps_every_second_under_50() -> None:
    now = [0.0]
    stamps: list[float] = []

    async def sleep(seconds: float) -> None:
        now[0] += seconds

    bucket = TokenBucket(45, 3, clock=lambda: now[0], sleep=sleep)
    for _ in range(450):
        await bucket.take()
        stamps.append(now[0])
    busiest = max(sum(1 for t in stamps if s <= t < s + 1.0) for s in stamps)
    assert busiest <= 48
    assert 450 / stamps[-1] == pytest.approx(45, rel=0.02)


async def test_the_engine_delivers_at_about_45_per_second(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    for channel in range(1, 91):
        await subscribe(watch, channel, show)
    await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    engine.bucket = TokenBucket(45, 3)
    started = time.monotonic()
    await engine.drain(timeout=10)
    elapsed = time.monotonic() - started
    assert len(fake.messages) == 90
    busiest = max(sum(1 for t in fake.times if s <= t < s + 1.0) for s in fake.times)
    assert busiest <= 48
    assert 1.8 < elapsed < 4.0  # (90 - 3 burst) / 45 ≈ 1.93 s


async def test_one_channel_is_sent_at_most_one_message_a_second(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    for _ in range(3):
        await renew(store, show)
    fake = FakeDiscord()
    engine = engine_for(store, fake)
    engine.channel_interval = 0.3
    await engine.drain(timeout=5)
    assert len(fake.messages) == 3
    gaps = [b - a for a, b in zip(fake.times, fake.times[1:], strict=False)]
    assert min(gaps) >= 0.29


# --- the clock -----------------------------------------------------------------------------------


async def schedule(store: Store, show: ShowRef, at: datetime) -> None:
    cols = {
        **status_columns(SeasonStatus(Status.SCHEDULED, "https://about.netflix.com", None)),
        **release_columns(ReleaseDate(PartialDate.from_datetime(at), True, "https://about.netflix.com")),
    }
    async with store.transaction() as db:
        await db.execute(
            f"UPDATE season SET {', '.join(f'{k} = ?' for k in cols)} WHERE show_id = ? AND number = 1",
            (*cols.values(), show.id),
        )


async def test_a_passed_release_time_releases_the_season_exactly_once(
    store: Store, watch: WatchStore
) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show, events=frozenset({Event.RELEASE}))
    await subscribe(watch, 2, None)
    await subscribe(watch, 3, show, events=frozenset({Event.TRAILER}))
    at = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    await schedule(store, show, at)
    assert await watch.release_due_seasons(at - timedelta(seconds=1)) == []
    # Two ticks at once (two shard processes, or a tick and a catch-up) and a third later.
    results = await asyncio.gather(
        watch.release_due_seasons(at + timedelta(hours=1)), watch.release_due_seasons(at + timedelta(hours=1))
    )
    assert sorted(len(r) for r in results) == [0, 1]
    assert await watch.release_due_seasons(at + timedelta(days=3)) == []
    season = await store.season(show.id, 1)
    assert season is not None and season.status.value is Status.RELEASED
    change = await store.change(max(results, key=len)[0])
    assert change is not None and change.actor_name == "Drama bot (clock)"
    assert change.events == {Event.STATUS, Event.RELEASE}
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    assert [ch for ch, _ in fake.requests] == [1, 2]
    assert "Now streaming" in to_text(fake.in_channel(1)[0])


# --- the events option ---------------------------------------------------------------------------


def test_events_option_reads_what_staff_type() -> None:
    assert parse_events_option(None) == ALL_EVENTS
    assert parse_events_option(" all ") == ALL_EVENTS
    assert parse_events_option("status, date") == {Event.STATUS, Event.DATE}
    assert parse_events_option("Trailer cast") == {Event.TRAILER, Event.CAST}
    with pytest.raises(EventsError, match=r"“premiere”.*status, date, trailer, cast and release"):
        parse_events_option("status,premiere")


def test_events_autocomplete_builds_a_list_a_tap_at_a_time() -> None:
    assert event_choices("")[0][1] == "all"
    values = [v for _, v in event_choices("status,")]
    assert values[0] == "status" and "status,date" in values and "status,status" not in values
    assert [v for _, v in event_choices("status,tr")] == ["status,trailer"]


# --- supervision and shutdown --------------------------------------------------------------------


async def test_the_supervisor_restarts_a_crashed_loop_and_stops_when_asked() -> None:
    from kdrama.watch import supervise

    runs = 0
    stopping = False

    async def work() -> None:
        nonlocal runs, stopping
        runs += 1
        if runs < 3:
            raise RuntimeError("boom")
        stopping = True

    await asyncio.wait_for(supervise("test loop", work, restart_delay=0.01, stopping=lambda: stopping), 5)
    assert runs == 3


async def test_stopping_the_supervised_engine_while_it_idles_ends_its_task(store: Store) -> None:
    from kdrama.watch import supervise

    engine = engine_for(store, FakeDiscord())
    task = asyncio.create_task(supervise("deliveries", engine.run, stopping=lambda: engine.stopping))
    await asyncio.sleep(0.1)
    # The wake and the cancel land together, as in cog_unload: the task must end.
    await engine.stop()
    task.cancel()
    done, _ = await asyncio.wait({task}, timeout=2)
    assert task in done


# --- the message ---------------------------------------------------------------------------------


async def test_an_exact_premiere_time_is_shown_as_discord_timestamps(store: Store, watch: WatchStore) -> None:
    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show)
    at = datetime(2027, 1, 29, 8, 0, tzinfo=UTC)
    await schedule(store, show, at)
    async with store.transaction() as db:
        await store.record_change(
            db,
            actor=CURATOR,
            action="season.date",
            show=show,
            season_number=1,
            source="https://about.netflix.com",
            items=[
                ChangeItem(
                    "season",
                    f"{AOUAD}#1",
                    "release_date",
                    "Q1 2027",
                    PartialDate.from_datetime(at).canonical(),
                )
            ],
            events={Event.DATE},
        )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    (field_,) = [
        f for f in fake.in_channel(1)[0].embeds[0].fields if f.name and f.name.startswith("Release date")
    ]
    stamp = int(at.timestamp())
    assert field_.name == "Release date"
    assert field_.value == f"Q1 2027 (official) → **<t:{stamp}:F> (<t:{stamp}:R>) (official)**"


async def test_a_curators_date_edit_is_one_field_saying_what_became_official(
    store: Store, watch: WatchStore
) -> None:
    from kdrama import edits
    from kdrama.lookup import Catalog

    show = await ref(store, AOUAD)
    await subscribe(watch, 1, show, events=frozenset({Event.DATE}))
    catalog = await Catalog.load(store)
    netflix = "https://about.netflix.com/en/news/all-of-us-are-dead-season-2"
    await edits.set_status(catalog, CURATOR, AOUAD, 2, "renewed", netflix)  # not date news
    await edits.set_date(
        catalog, CURATOR, AOUAD, 2, "2027-01-29 17:00", True, netflix, note="Teased at Tudum"
    )
    fake = FakeDiscord()
    await engine_for(store, fake).drain()
    (reply,) = fake.in_channel(1)
    embed = reply.embeds[0]
    stamp = int(datetime(2027, 1, 29, 8, 0, tzinfo=UTC).timestamp())
    assert [(f.name, f.value) for f in embed.fields] == [
        (
            "Release date",
            f"unknown → **<t:{stamp}:F> (<t:{stamp}:R>) (official)**",
        ),
        ("Release date note", "Teased at Tudum"),
        ("Source", netflix),
    ]
    assert embed.description == "Release date news for Season 2 of All of Us Are Dead."


# --- the commands --------------------------------------------------------------------------------


async def test_watch_commands_keep_their_public_names_and_are_for_staff_in_servers(store: Store) -> None:
    from bot import DramaBot
    from kdrama.lookup import Catalog
    from kdrama.settings import Settings

    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}, dotenv=False), store, await Catalog.load(store))
    await bot.load_extension("cogs.watch")
    try:
        group = next(c for c in bot.tree.get_commands() if c.name == "watch").to_dict(bot.tree)
    finally:
        await bot.unload_extension("cogs.watch")
    options = {sub["name"]: [o["name"] for o in sub.get("options", [])] for sub in group["options"]}
    assert options == {
        "add": ["title", "channel", "events", "role"],
        "remove": ["title", "channel"],
        "list": ["channel"],
    }
    assert int(group["default_member_permissions"]) == 1 << 4  # Manage Channels
    assert group["contexts"] == [0]  # servers only
    autocompleted = {
        (sub["name"], o["name"])
        for sub in group["options"]
        for o in sub.get("options", [])
        if o.get("autocomplete")
    }
    assert autocompleted == {("add", "title"), ("add", "events"), ("remove", "title")}
