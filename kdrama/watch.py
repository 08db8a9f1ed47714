"""The watch engine: subscriptions, the delivery outbox and the release clock (no Discord here).

A curator's edit writes one `delivery` row per subscribed channel in its own transaction
(`Store.record_change`). `DeliveryEngine` posts them through a `Sender` the cog implements
with discord.py: paced under the global limit, retried with persisted backoff, each message
carrying a nonce derived from its delivery id so that a retry after a crash cannot post
twice, and a channel that answers 403/404 paused at the first such answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

import aiosqlite

from kdrama.models import ALL_EVENTS, Event, ShowRef
from kdrama.store import Store, parse_events, utcnow

log = logging.getLogger(__name__)

# Discord allows 50 requests/s per bot; 45/s leaves room for interaction follow-ups and
# syncs. The burst is small so no one-second window can exceed 45 + BURST < 50.
GLOBAL_RATE = 45.0
GLOBAL_BURST = 3
# Discord's per-channel message bucket is about 5 per 5 s; one a second never meets it.
CHANNEL_INTERVAL = 1.0
CONCURRENCY = 16
SEND_TIMEOUT = 60.0  # discord.py itself retries 429s and some 5xx inside one send
POLL_INTERVAL = 1.0
# Backoff for 429/5xx/timeouts: 2 s, 4 s, 8 s … capped, each with jitter, persisted in the
# row so a restart keeps the schedule. The cap stays inside Discord's nonce memory ("a few
# minutes") as far as possible, so a retry of a send that did land is still deduplicated.
BACKOFF_BASE = 2.0
BACKOFF_CAP = 300.0
# A notification that still cannot be posted after a day is stale news: it is marked
# failed (and logged) rather than retried for ever.
MAX_AGE = timedelta(hours=24)
# An error of our own (a bug in rendering, say) is retried a few times, then failed.
MAX_UNEXPECTED = 5
# /watch add on a paused channel re-posts what it missed, if it is still news.
RESEND_WINDOW = timedelta(hours=24)
CLOCK_INTERVAL = 10.0


# --- what a Sender may raise -----------------------------------------------------------------


class DeliveryError(Exception):
    """Base of what a `Sender` raises; `detail` is kept in the row's last_error."""

    def __init__(self, detail: str, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code


class RetryLater(DeliveryError):
    """429, 5xx or a timeout: the message may go through later."""

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail, status=status, code=code)
        self.retry_after = retry_after


class ChannelUnusable(DeliveryError):
    """404 10003 (channel gone) or 403 50001/50013 (no access): pause the whole channel."""


class Rejected(DeliveryError):
    """Discord refused this one message for good (e.g. 400): mark it failed, keep the channel."""


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    change_id: int
    guild_id: int
    channel_id: int
    role_ids: tuple[int, ...]
    attempts: int
    created_at: datetime

    @property
    def nonce(self) -> str:
        """What Discord deduplicates on: the same for every attempt of this delivery."""
        return f"d{self.id}"


@dataclass(frozen=True, slots=True)
class Subscription:
    id: int
    guild_id: int
    channel_id: int
    show: ShowRef | None  # None: every show
    events: frozenset[Event]
    role_id: int | None
    created_by: int
    created_at: datetime
    paused_reason: str | None
    paused_at: datetime | None

    @property
    def paused(self) -> bool:
        return self.paused_reason is not None

    @property
    def show_title(self) -> str:
        return self.show.title if self.show else "Every show"


@dataclass(frozen=True, slots=True)
class AddResult:
    subscription: Subscription
    created: bool  # False: an existing subscription was updated
    resumed: int  # paused subscriptions of the channel that are active again
    resent: int  # paused deliveries put back in the queue
    dropped: int  # paused deliveries too old to be news, marked failed


@dataclass(frozen=True, slots=True)
class ChannelBacklog:
    pending: int
    paused: int
    failed: int


def events_text(events: Iterable[Event]) -> str:
    return ",".join(e.value for e in Event if e in set(events))


class EventsError(ValueError):
    """The events option could not be read; the message is fit to show staff."""


def parse_events_option(text: str | None) -> frozenset[Event]:
    """Read the /watch add events option: "status,date", "status date", "all" or empty (all)."""
    raw = (text or "").strip().lower()
    if not raw or raw in {"all", "*", "every", "everything", "all events"}:
        return ALL_EVENTS
    tokens = [t for t in raw.replace("+", ",").replace("/", ",").replace(" ", ",").split(",") if t]
    known = {e.value: e for e in Event}
    aliases = {"dates": "date", "trailers": "trailer", "releases": "release", "statuses": "status"}
    found: set[Event] = set()
    unknown: list[str] = []
    for t in tokens:
        if t in {"all", "*"}:
            return ALL_EVENTS
        name = aliases.get(t, t)
        if name in known:
            found.add(known[name])
        else:
            unknown.append(t)
    if unknown or not found:
        shown = ", ".join(f"“{u[:30]}”" for u in unknown[:3]) or "nothing"
        raise EventsError(
            f"I don't know the event {shown}. Choose from status, date, trailer, cast and release, "
            "separated by commas (for example status,date), or leave it empty for all of them."
        )
    return frozenset(found)


def event_choices(current: str) -> list[tuple[str, str]]:
    """Autocomplete for the events option: (name, value) pairs that extend what was typed."""
    typed = current.strip().lower().replace(" ", ",")
    parts = typed.split(",")
    done = [p for p in parts[:-1] if p]
    partial = parts[-1]
    valid_done = [p for p in done if p in {e.value for e in Event}]
    out: list[tuple[str, str]] = []
    if not valid_done and (not partial or "all".startswith(partial)):
        out.append(("All events (status, date, trailer, cast, release)", "all"))
    prefix = ",".join(valid_done)
    if valid_done and not partial:
        out.append((prefix, prefix))
    for e in Event:
        if e.value in valid_done or not e.value.startswith(partial):
            continue
        value = f"{prefix},{e.value}" if prefix else e.value
        out.append((value, value))
    if partial in {e.value for e in Event} and typed not in {v for _, v in out}:
        out.insert(0, (typed.strip(","), typed.strip(",")))
    return out[:25]


# --- the store side ----------------------------------------------------------------------------


def _dt(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _now_text(now: datetime | None = None) -> str:
    return (now or utcnow()).isoformat(timespec="seconds")


_SUB_COLUMNS = (
    "s.id, s.guild_id, s.channel_id, s.show_id, x.slug, x.title, s.events, s.role_id, s.created_by, "
    "s.created_at, s.paused_reason, s.paused_at"
)


def _subscription(r: Sequence[Any]) -> Subscription:
    show = ShowRef(int(r[3]), str(r[4]), str(r[5])) if r[3] is not None else None
    return Subscription(
        id=int(r[0]),
        guild_id=int(r[1]),
        channel_id=int(r[2]),
        show=show,
        events=parse_events(r[6]),
        role_id=int(r[7]) if r[7] is not None else None,
        created_by=int(r[8]),
        created_at=_dt(r[9]) or utcnow(),
        paused_reason=r[10],
        paused_at=_dt(r[11]),
    )


@dataclass(frozen=True, slots=True)
class Shards:
    """The shards this process serves: it delivers only to guilds on them."""

    count: int
    ids: frozenset[int]

    def owns(self, guild_id: int) -> bool:
        return (guild_id >> 22) % self.count in self.ids


class WatchStore:
    """The SQL of subscriptions and the outbox, on the bot's one Store (writes serialised)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @property
    def db(self) -> aiosqlite.Connection:
        return self.store.db

    # --- subscriptions -------------------------------------------------------------------
    async def subscriptions(self, guild_id: int, channel_id: int | None = None) -> list[Subscription]:
        """A server's subscriptions (or one channel's), by channel, every-show first, then title."""
        where, args = "s.guild_id = ?", [guild_id]
        if channel_id is not None:
            where += " AND s.channel_id = ?"
            args.append(channel_id)
        async with self.db.execute(
            f"SELECT {_SUB_COLUMNS} FROM subscription s LEFT JOIN show x ON x.id = s.show_id "
            f"WHERE {where} ORDER BY s.channel_id, s.show_id IS NOT NULL, x.title",
            args,
        ) as cur:
            return [_subscription(r) for r in await cur.fetchall()]

    async def subscription(self, channel_id: int, show_id: int | None) -> Subscription | None:
        async with self.db.execute(
            f"SELECT {_SUB_COLUMNS} FROM subscription s LEFT JOIN show x ON x.id = s.show_id "
            "WHERE s.channel_id = ? AND s.show_id IS ?",
            (channel_id, show_id),
        ) as cur:
            row = await cur.fetchone()
        return _subscription(row) if row else None

    async def add(
        self,
        *,
        guild_id: int,
        channel_id: int,
        show_id: int | None,
        events: frozenset[Event],
        role_id: int | None,
        created_by: int,
        now: datetime | None = None,
    ) -> AddResult:
        """Subscribe a channel (or update its subscription) and resume it if it was paused.

        The caller has just checked that the bot can post there again, so every paused
        subscription of the channel resumes, and what it missed in the last RESEND_WINDOW is
        queued again; older paused deliveries are marked failed as stale.
        """
        now = now or utcnow()
        stamp = _now_text(now)
        async with self.store.transaction() as db:
            cur = await db.execute(
                "UPDATE subscription SET events = ?, role_id = ?, guild_id = ? "
                "WHERE channel_id = ? AND show_id IS ?",
                (events_text(events), role_id, guild_id, channel_id, show_id),
            )
            created = cur.rowcount == 0
            if created:
                await db.execute(
                    "INSERT INTO subscription (guild_id, channel_id, show_id, events, role_id, "
                    "created_by, created_at) VALUES (?,?,?,?,?,?,?)",
                    (guild_id, channel_id, show_id, events_text(events), role_id, created_by, stamp),
                )
            cur = await db.execute(
                "UPDATE subscription SET paused_reason = NULL, paused_at = NULL "
                "WHERE channel_id = ? AND paused_reason IS NOT NULL",
                (channel_id,),
            )
            resumed = cur.rowcount
            cutoff = _now_text(now - RESEND_WINDOW)
            cur = await db.execute(
                "UPDATE delivery SET state = 'pending', attempts = 0, next_try_at = 0 "
                "WHERE channel_id = ? AND state = 'paused' AND created_at >= ?",
                (channel_id, cutoff),
            )
            resent = cur.rowcount
            cur = await db.execute(
                "UPDATE delivery SET state = 'failed', last_error = 'stale: the channel was paused "
                "for more than a day' WHERE channel_id = ? AND state = 'paused'",
                (channel_id,),
            )
            dropped = cur.rowcount
        sub = await self.subscription(channel_id, show_id)
        assert sub is not None
        return AddResult(sub, created, resumed, resent, dropped)

    async def remove(self, channel_id: int, show_id: int | None) -> bool:
        """Unsubscribe a channel from a show (or from every show); False if it wasn't."""
        async with self.store.transaction() as db:
            cur = await db.execute(
                "DELETE FROM subscription WHERE channel_id = ? AND show_id IS ?", (channel_id, show_id)
            )
            removed = cur.rowcount > 0
            if removed:
                await self._drop_orphans(db, channel_id)
        return removed

    async def _drop_orphans(self, db: aiosqlite.Connection, channel_id: int) -> None:
        # A channel left with no subscription wants nothing more: its queue is cancelled.
        await db.execute(
            "UPDATE delivery SET state = 'failed', last_error = 'unsubscribed before it was posted' "
            "WHERE channel_id = ? AND state IN ('pending', 'paused') "
            "AND NOT EXISTS (SELECT 1 FROM subscription WHERE channel_id = ?)",
            (channel_id, channel_id),
        )

    async def pause_channel(self, channel_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Pause every subscription of a channel and hold its queue; returns deliveries held."""
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE subscription SET paused_reason = ?, paused_at = ? "
                "WHERE channel_id = ? AND paused_reason IS NULL",
                (reason, _now_text(now), channel_id),
            )
            cur = await db.execute(
                "UPDATE delivery SET state = 'paused', last_error = ? WHERE channel_id = ? AND state = 'pending'",
                (reason, channel_id),
            )
            return cur.rowcount

    async def pause_guild(self, guild_id: int, reason: str, *, now: datetime | None = None) -> int:
        """Pause a whole server's subscriptions (the bot was removed from it)."""
        async with self.store.transaction() as db:
            cur = await db.execute(
                "UPDATE subscription SET paused_reason = ?, paused_at = ? "
                "WHERE guild_id = ? AND paused_reason IS NULL",
                (reason, _now_text(now), guild_id),
            )
            paused = cur.rowcount
            await db.execute(
                "UPDATE delivery SET state = 'paused', last_error = ? WHERE guild_id = ? AND state = 'pending'",
                (reason, guild_id),
            )
        return paused

    async def delete_channel(self, channel_id: int) -> int:
        """A deleted channel loses its subscriptions and its queue; returns subscriptions removed."""
        async with self.store.transaction() as db:
            cur = await db.execute("DELETE FROM subscription WHERE channel_id = ?", (channel_id,))
            removed = cur.rowcount
            await db.execute(
                "UPDATE delivery SET state = 'failed', last_error = 'the channel was deleted' "
                "WHERE channel_id = ? AND state IN ('pending', 'paused')",
                (channel_id,),
            )
        return removed

    async def backlog(self, channel_id: int) -> ChannelBacklog:
        async with self.db.execute(
            "SELECT sum(state = 'pending'), sum(state = 'paused'), sum(state = 'failed') "
            "FROM delivery WHERE channel_id = ?",
            (channel_id,),
        ) as cur:
            row = await cur.fetchone()
        return ChannelBacklog(*(int(x or 0) for x in (row or (0, 0, 0))))

    # --- the outbox ------------------------------------------------------------------------
    async def due(self, now: float, shards: Shards | None, limit: int = 200) -> list[Delivery]:
        """Due pending deliveries, the oldest first and at most one per channel."""
        where, args = _pending_on(shards, "AND next_try_at <= ?", [now])
        async with self.db.execute(
            "SELECT id, change_id, guild_id, channel_id, role_ids, attempts, created_at FROM delivery "
            f"WHERE id IN (SELECT min(id) FROM delivery WHERE {where} GROUP BY channel_id) "
            "ORDER BY id LIMIT ?",
            (*args, limit),
        ) as cur:
            rows = await cur.fetchall()
        return [
            Delivery(r[0], r[1], r[2], r[3], tuple(json.loads(r[4] or "[]")), r[5], _dt(r[6]) or utcnow())
            for r in rows
        ]

    async def count_pending(self, shards: Shards | None) -> int:
        where, args = _pending_on(shards)
        async with self.db.execute(f"SELECT count(*) FROM delivery WHERE {where}", args) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def next_due_at(self, shards: Shards | None) -> float | None:
        where, args = _pending_on(shards)
        async with self.db.execute(f"SELECT min(next_try_at) FROM delivery WHERE {where}", args) as cur:
            row = await cur.fetchone()
        return float(row[0]) if row and row[0] is not None else None

    async def state(self, delivery_id: int) -> str | None:
        async with self.db.execute("SELECT state FROM delivery WHERE id = ?", (delivery_id,)) as cur:
            row = await cur.fetchone()
        return row[0] if row else None

    async def mark_sent(self, delivery_id: int, message_id: int | None) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET state = 'sent', message_id = ?, sent_at = ?, attempts = attempts + 1, "
                "last_error = NULL WHERE id = ?",
                (message_id, _now_text(), delivery_id),
            )

    async def mark_retry(self, delivery_id: int, attempts: int, next_try_at: float, error: str) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET attempts = ?, next_try_at = ?, last_error = ? "
                "WHERE id = ? AND state = 'pending'",
                (attempts, next_try_at, error[:500], delivery_id),
            )

    async def mark_failed(self, delivery_id: int, attempts: int, error: str) -> None:
        async with self.store.transaction() as db:
            await db.execute(
                "UPDATE delivery SET state = 'failed', attempts = ?, last_error = ? WHERE id = ?",
                (attempts, error[:500], delivery_id),
            )


# --- pacing ----------------------------------------------------------------------------------


class TokenBucket:
    """At most `rate` acquisitions a second on average, with a burst of `capacity`."""

    def __init__(
        self,
        rate: float,
        capacity: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = capacity
        self._tokens = capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        """Wait for one token; callers queue in order."""
        async with self._lock:
            while True:
                now = self._clock()
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1 - 1e-9:  # float dust must not stall the queue
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep(max((1 - self._tokens) / self.rate, 1e-4))


_process_bucket: TokenBucket | None = None


def process_bucket() -> TokenBucket:
    """The one bucket every sender in this process shares (Discord's limit is per bot)."""
    global _process_bucket
    if _process_bucket is None:
        _process_bucket = TokenBucket(GLOBAL_RATE, GLOBAL_BURST)
    return _process_bucket


def retry_delay(
    attempts: int, retry_after: float | None = None, rng: Callable[[], float] = random.random
) -> float:
    """Seconds before try number `attempts + 1`: exponential, capped, with equal jitter."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** max(0, attempts - 1))
    delay = ceiling / 2 + rng() * ceiling / 2
    if retry_after is not None:
        delay = max(delay, retry_after)
    return delay


# --- the engine ------------------------------------------------------------------------------

M = TypeVar("M")
M_in = TypeVar("M_in", contravariant=True)
M_out = TypeVar("M_out", covariant=True)


class Sender(Protocol[M_in]):
    """Posts one rendered message; returns its id. Raises the DeliveryError subclasses above."""

    async def send(self, delivery: Delivery, message: M_in) -> int | None: ...


class Renderer(Protocol[M_out]):
    """Turns a delivery into the message to post (the same change renders once)."""

    async def __call__(self, delivery: Delivery) -> M_out: ...


class DeliveryEngine(Generic[M]):
    """Claims due deliveries and posts them; never stops on a failure, loses nothing on a stop."""

    def __init__(
        self,
        watch: WatchStore,
        render: Renderer[M],
        sender: Sender[M],
        *,
        shards: Callable[[], Shards | None] = lambda: None,
        bucket: TokenBucket | None = None,
        concurrency: int = CONCURRENCY,
        channel_interval: float = CHANNEL_INTERVAL,
        send_timeout: float = SEND_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.watch = watch
        self.render = render
        self.sender = sender
        self.shards = shards
        self.bucket = bucket or process_bucket()
        self.concurrency = concurrency
        self.channel_interval = channel_interval
        self.send_timeout = send_timeout
        self.poll_interval = poll_interval
        self._wall = wall
        self._mono = monotonic
        self._rng = rng
        self._wake = asyncio.Event()
        self._slots = asyncio.Semaphore(concurrency)
        self._busy: set[int] = set()  # channels with a send in flight
        # Deliveries whose send ended since the last due() read began: that read may predate
        # their retry being recorded, and must not start them again (a second post).
        self._ended: set[int] = set()
        self._channel_ready: dict[int, float] = {}  # channel -> monotonic time it may be sent to
        self._inflight: set[asyncio.Task[None]] = set()
        self._stopping = False
        self.sent = 0  # counters for logs and benchmarks
        self.retried = 0
        self.failed = 0
        self.paused_channels = 0
        self._reported = (0, 0, 0, 0)

    def wake(self) -> None:
        """Look for due deliveries now (after an edit queued some)."""
        self._wake.set()

    @property
    def stopping(self) -> bool:
        return self._stopping

    @property
    def in_flight(self) -> int:
        return len(self._inflight)

    async def run(self) -> None:
        """Deliver until stopped. Each pass is guarded, so a failure only delays the next one."""
        with contextlib.suppress(Exception):
            waiting = await self.watch.count_pending(self.shards())
            log.info("delivery loop started; %d notification(s) queued", waiting)
        while not self._stopping:
            try:
                await self.run_once()
            except Exception:
                log.exception("delivery pass failed; trying again shortly")
                await asyncio.sleep(self.poll_interval)
            await self._idle()

    async def run_once(self) -> int:
        """Start a send for every due delivery whose channel is free; returns how many started."""
        started = 0
        self._ended.clear()
        rows = await self.watch.due(self._wall(), self.shards(), limit=max(50, self.concurrency * 8))
        for row in rows:
            if self._stopping:
                break
            if (
                row.id in self._ended
                or row.channel_id in self._busy
                or self._channel_ready.get(row.channel_id, 0) > self._mono()
            ):
                continue
            await self._slots.acquire()
            if self._stopping:
                self._slots.release()
                break
            self._busy.add(row.channel_id)
            task = asyncio.create_task(self._deliver_guarded(row), name=f"delivery-{row.id}")
            self._inflight.add(task)
            task.add_done_callback(self._finished(row.channel_id, row.id))
            started += 1
        return started

    def _finished(self, channel_id: int, delivery_id: int) -> Callable[[asyncio.Task[None]], None]:
        def done(task: asyncio.Task[None]) -> None:
            self._ended.add(delivery_id)
            self._inflight.discard(task)
            self._busy.discard(channel_id)
            self._slots.release()
            self._wake.set()
            if not task.cancelled() and task.exception() is not None:
                log.error("delivery task %s ended with an error", task.get_name(), exc_info=task.exception())

        return done

    def _summarise(self) -> None:
        """One log line when a burst of work is over, so an operator sees the loop is alive."""
        counts = (self.sent, self.retried, self.failed, self.paused_channels)
        if self._inflight or counts == self._reported:
            return
        log.info(
            "delivered %d notification(s) so far; %d retries scheduled, %d failed, %d channel(s) paused",
            *counts,
        )
        self._reported = counts

    async def _idle(self) -> None:
        """Sleep until woken, until the next retry is due, or one poll interval."""
        self._summarise()
        timeout = self.poll_interval
        with contextlib.suppress(Exception):
            next_at = await self.watch.next_due_at(self.shards())
            if next_at is not None:
                timeout = max(0.0, min(timeout, next_at - self._wall()))
        if self._channel_ready:
            soonest = min(self._channel_ready.values()) - self._mono()
            if soonest > 0:
                timeout = min(timeout, soonest) if timeout > 0 else soonest
            now = self._mono()
            for ch in [c for c, t in self._channel_ready.items() if t <= now]:
                del self._channel_ready[ch]
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that arrives as
        # the event is set, and shutdown would then wait for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(timeout, 0.01)):
                await self._wake.wait()
        self._wake.clear()

    async def drain(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 (a deadline across passes)
        """Deliver everything due now and wait for the sends (for tests and the CLI)."""
        deadline = self._mono() + timeout
        while self._mono() < deadline:
            started = await self.run_once()
            if self._inflight:
                await asyncio.wait(set(self._inflight), timeout=max(0.0, deadline - self._mono()))
            elif not started:
                nxt = await self.watch.next_due_at(self.shards())
                if nxt is None or nxt > self._wall():
                    soonest = min(self._channel_ready.values(), default=0) - self._mono()
                    if soonest <= 0:
                        return
                    await asyncio.sleep(min(soonest, max(0.0, deadline - self._mono())))

    async def stop(self, grace: float = 5.0) -> None:
        """Stop claiming; let sends in flight finish for `grace` seconds, cancel the rest.

        A cancelled send stays pending in the database and is retried, with the same nonce,
        when the bot starts again: nothing is lost and nothing is posted twice.
        """
        self._stopping = True
        self._wake.set()
        if self._inflight:
            _, pending = await asyncio.wait(set(self._inflight), timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending)
                log.info("%d deliveries were still in flight at shutdown; they stay queued", len(pending))

    # --- one delivery --------------------------------------------------------------------
    async def _deliver_guarded(self, row: Delivery) -> None:
        try:
            await self.deliver(row)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Only the bookkeeping itself can land here (e.g. the database is busy). The row
            # stays pending and is tried again with the same nonce.
            log.exception("could not record the outcome of delivery %d; it stays queued", row.id)

    async def deliver(self, row: Delivery) -> None:
        """Render and post one delivery, then record what happened."""
        if await self.watch.state(row.id) != "pending":
            return  # paused or cancelled since it was claimed
        attempts = row.attempts + 1
        try:
            message = await self.render(row)
            await self.bucket.take()
            self._channel_ready[row.channel_id] = self._mono() + self.channel_interval
            async with asyncio.timeout(self.send_timeout):
                message_id = await self.sender.send(row, message)
        except ChannelUnusable as e:
            held = await self.watch.pause_channel(row.channel_id, e.detail)
            self.paused_channels += 1
            log.warning(
                "channel %d answered %s (code %s): paused its subscriptions and %d queued notices: %s",
                row.channel_id,
                e.status,
                e.code,
                held,
                e.detail,
            )
        except Rejected as e:
            self.failed += 1
            await self.watch.mark_failed(row.id, attempts, e.detail)
            log.error("Discord rejected delivery %d to channel %d: %s", row.id, row.channel_id, e.detail)
        except (RetryLater, TimeoutError) as e:
            detail = e.detail if isinstance(e, RetryLater) else f"no answer within {self.send_timeout:.0f}s"
            retry_after = e.retry_after if isinstance(e, RetryLater) else None
            await self._retry(row, attempts, detail, retry_after, unexpected=False)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            log.exception("delivery %d to channel %d failed unexpectedly", row.id, row.channel_id)
            await self._retry(row, attempts, f"{type(e).__name__}: {e}", None, unexpected=True)
        else:
            self.sent += 1
            await self.watch.mark_sent(row.id, message_id)

    async def _retry(
        self, row: Delivery, attempts: int, detail: str, retry_after: float | None, *, unexpected: bool
    ) -> None:
        too_old = utcnow() - row.created_at > MAX_AGE
        if too_old or (unexpected and attempts >= MAX_UNEXPECTED):
            self.failed += 1
            why = "stale after a day of retries" if too_old else f"gave up after {attempts} errors"
            await self.watch.mark_failed(row.id, attempts, f"{detail} ({why})")
            log.error(
                "delivery %d to channel %d failed for good: %s (%s)", row.id, row.channel_id, detail, why
            )
            return
        self.retried += 1
        delay = retry_delay(attempts, retry_after, self._rng)
        await self.watch.mark_retry(row.id, attempts, self._wall() + delay, detail)
        log.info(
            "delivery %d to channel %d: %s; try %d in %.1fs",
            row.id,
            row.channel_id,
            detail,
            attempts + 1,
            delay,
        )


# --- supervision -----------------------------------------------------------------------------


async def supervise(
    name: str,
    work: Callable[[], Awaitable[None]],
    *,
    restart_delay: float = 1.0,
    max_delay: float = 60.0,
    stopping: Callable[[], bool] = lambda: False,
) -> None:
    """Run `work` until `stopping()`: if it returns or raises, log it and start it again."""
    delay = restart_delay
    while not stopping():
        started = time.monotonic()
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("%s crashed; restarting in %.0fs", name, delay)
        else:
            if stopping():
                return
            log.warning("%s returned; starting it again", name)
        if time.monotonic() - started > max_delay:
            delay = restart_delay  # it ran fine for a while: the next crash restarts quickly
        await asyncio.sleep(delay)
        delay = min(max_delay, delay * 2)


async def clock_loop(
    release_due: Callable[[], Awaitable[Sequence[object]]],
    on_change: Callable[[], None],
    *,
    interval: float = CLOCK_INTERVAL,
) -> None:
    """Every `interval` seconds, release the seasons whose exact time has passed (an edit each)."""
    while True:
        try:
            if await release_due():
                on_change()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("release clock tick failed; trying again in %.0fs", interval)
        await asyncio.sleep(interval)


__all__ = [
    "AddResult",
    "ChannelUnusable",
    "Delivery",
    "DeliveryEngine",
    "DeliveryError",
    "EventsError",
    "Rejected",
    "RetryLater",
    "Sender",
    "Shards",
    "Subscription",
    "TokenBucket",
    "WatchStore",
    "clock_loop",
    "event_choices",
    "parse_events_option",
    "process_bucket",
    "retry_delay",
    "supervise",
]


def _pending_on(
    shards: Shards | None, extra: str = "", args: list[Any] | None = None
) -> tuple[str, list[Any]]:
    """WHERE clause and arguments for pending deliveries to guilds on `shards` (all if None)."""
    where, values = f"state = 'pending' {extra}".strip(), list(args or [])
    if shards is not None:
        ids = sorted(shards.ids)
        where += f" AND ((guild_id >> 22) % ?) IN ({','.join('?' * len(ids))})"
        values += [shards.count, *ids]
    return where, values
