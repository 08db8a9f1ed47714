"""The delivery engine: posts the outbox through a `Sender`, paced, retried, never lost.

A curator's edit writes one `delivery` row per subscribed channel in its own transaction.
`DeliveryEngine` posts them through a `Sender` the cog implements with discord.py: paced by
the bot's rate budget, retried with persisted backoff, each message carrying a nonce derived
from its delivery id so that a retry after a crash cannot post twice, and a channel that
answers 403/404 paused at the first such answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import random
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Generic, Protocol, TypeVar

from kdrama.models import Delivery, Shards
from kdrama.store import Store, utcnow
from kdrama.watch.budget import RateBudget

log = logging.getLogger(__name__)

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
# When the database refuses to record an outcome (locked, disk full), the outcome is kept in
# memory and written again after 1 s, 2 s, 4 s … at most a minute; no new send starts
# meanwhile, so nothing is posted twice and no forbidden channel is asked twice.
RECORD_BACKOFF = 1.0
RECORD_BACKOFF_CAP = 60.0
# Sent and failed rows older than the retention (OUTBOX_RETENTION_DAYS) are pruned this often.
PRUNE_INTERVAL = 3600.0


# --- what a Sender may raise -----------------------------------------------------------------


class DeliveryError(Exception):
    """Base of what a `Sender` raises; `detail` is kept in the row's last_error.

    `retry_after` is Discord's wait in seconds, where it named one (RetryLater, StopEverything).
    """

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code
        self.retry_after = retry_after


class RetryLater(DeliveryError):
    """429, 5xx or a timeout: the message may go through later."""


class ChannelUnusable(DeliveryError):
    """404 10003 (channel gone) or 403 50001/50013 (no access): pause the whole channel.

    For a DM (403 50007, the person can't be messaged): pause that person's follows.
    """


class StopEverything(DeliveryError):
    """Discord told the whole bot to stop: a global or Cloudflare 429, or a 401 (bad token).

    Every sender pauses through the bot's budget: for `retry_after` seconds, or, when it is
    None (a 401), until the bot is restarted. The message itself is not at fault: it stays
    queued and keeps its attempt count.
    """


class Rejected(DeliveryError):
    """Discord refused this one message for good (e.g. 400): mark it failed, keep the channel."""


# --- retry policy ----------------------------------------------------------------------------


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
        store: Store,
        render: Renderer[M],
        sender: Sender[M],
        *,
        budget: RateBudget,
        shards: Callable[[], Shards | None] = lambda: None,
        concurrency: int = CONCURRENCY,
        channel_interval: float = CHANNEL_INTERVAL,
        send_timeout: float = SEND_TIMEOUT,
        poll_interval: float = POLL_INTERVAL,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
        record_backoff: float = RECORD_BACKOFF,
        retention: timedelta | None = None,
    ) -> None:
        self.outbox = store.outbox
        self.subscriptions = store.subscriptions
        self.follows = store.follows
        self.render = render
        self.sender = sender
        self.budget = budget  # the bot's, shared with every other sender
        self.shards = shards
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
        # The wall-clock moment of the last due() read, if it read every delivery due then (not
        # a full page): those it did not start wait on something this engine will signal (a
        # send ending, a channel's interval, an outcome written), so only later ones need a timer.
        # A full page that started nothing counts too: reading again at once would return the
        # same page, every row still waiting on one of those (a burst to more channels than a
        # page, each within its interval, read the outbox 1,500 times a second).
        self._read_all_due_at: float | None = None
        self._interval_ends: list[float] = []  # when the channels of due rows last skipped may be sent to
        self._channel_ready: dict[int, float] = {}  # channel -> monotonic time it may be sent to
        self._inflight: set[asyncio.Task[None]] = set()
        self._stopping = False
        # Outcomes the database would not take yet, by delivery id, and the channels they
        # paused: both are honoured from memory until written.
        self._unrecorded: dict[int, Callable[[], Awaitable[None]]] = {}
        self._held: dict[int, str] = {}
        self._record_backoff = record_backoff
        self._record_delay = 0.0
        self._record_retry_at = 0.0
        self.retention = retention
        self._prune_at = 0.0  # monotonic: the first pass prunes
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
        try:
            waiting = await self.outbox.count_pending(self.shards())
        except Exception:
            log.warning("delivery loop started; could not count the queued notifications", exc_info=True)
        else:
            log.info("delivery loop started; %d notification(s) queued", waiting)
        while not self._stopping:
            await self._prune_if_due()
            try:
                await self.run_once()
            except Exception:
                log.exception("delivery pass failed; trying again shortly")
                await asyncio.sleep(self.poll_interval)
            await self._idle()

    async def run_once(self) -> int:
        """Start a send for every due delivery whose channel is free; returns how many started."""
        started = 0
        if not await self._flush():
            return 0  # back off: nothing new goes out while outcomes wait to be written
        if self.budget.halted_for() > 0:
            return 0  # Discord said stop: nothing is claimed until the halt ends
        self._ended.clear()
        now, limit = self._wall(), max(50, self.concurrency * 8)
        rows = await self.outbox.due(now, self.shards(), limit=limit)
        full_page = len(rows) >= limit
        self._interval_ends = []
        for row in rows:
            if self._stopping:
                break
            if row.id in self._ended or row.channel_id in self._busy:
                continue
            ready_at = self._channel_ready.get(row.channel_id, 0)
            if ready_at > self._mono():
                self._interval_ends.append(ready_at)
                continue
            if row.id in self._unrecorded or row.channel_id in self._held:
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
        self._read_all_due_at = None if full_page and started else now
        return started

    async def _prune_if_due(self) -> None:
        """Once an interval: drop held DMs too old to be news, delete rows past the retention."""
        if self._mono() < self._prune_at:
            return
        self._prune_at = self._mono() + PRUNE_INTERVAL
        try:
            expired = await self.outbox.expire_held_dms(older_than=MAX_AGE)
        except Exception:
            log.warning("could not drop stale held DMs; trying again in an hour", exc_info=True)
        else:
            if expired:
                log.info("dropped %d held DM(s) of paused followers, older than a day", expired)
        if self.retention is None:
            return
        days = self.retention.total_seconds() / 86400
        try:
            pruned = await self.outbox.prune(older_than_days=days)
        except Exception:
            log.warning("could not prune old notifications; trying again in an hour", exc_info=True)
            return
        if pruned:
            log.info("pruned %d delivered or failed notification(s) older than %g days", pruned, days)

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
            "delivered %d notification(s) so far; %d retries scheduled, %d failed, %d channel(s) or follower(s) paused",
            *counts,
        )
        self._reported = counts

    async def _idle(self) -> None:
        """Sleep until woken, until something can go out, or one poll interval."""
        self._summarise()
        now = self._mono()
        for ch in [c for c, t in self._channel_ready.items() if t <= now]:
            del self._channel_ready[ch]
        timeout = await self._nothing_can_start_for()
        # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that arrives as
        # the event is set, and shutdown would then wait for ever.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(None if math.isinf(timeout) else timeout):
                await self._wake.wait()
        self._wake.clear()

    async def _nothing_can_start_for(self) -> float:
        """How long the loop may sleep (math.inf: until woken), as far as this process knows.

        A send ending, wake() and stop() set the wake event, so a delivery due now but held
        back by its busy channel needs no timer; nor does anything while Discord's halt lasts.
        """
        if self._unrecorded:
            # No new send starts before the outcomes kept in memory are written.
            return max(0.0, self._record_retry_at - self._mono())
        halted = self.budget.halted_for()
        if halted > 0:
            return halted  # a 401: until restarted (or stopped); a global 429: its wait
        timeout = self.poll_interval
        try:
            next_at = await self.outbox.next_due_at(self.shards(), after=self._read_all_due_at)
        except Exception:
            log.warning("could not read when the next retry is due; polling instead", exc_info=True)
        else:
            if next_at is not None:
                timeout = min(timeout, max(0.0, next_at - self._wall()))
        if self._interval_ends:
            timeout = min(timeout, max(0.0, min(self._interval_ends) - self._mono()))
        return timeout

    async def drain(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 (a deadline across passes)
        """Deliver everything due now and wait for the sends (for tests and the CLI)."""
        deadline = self._mono() + timeout
        while self._mono() < deadline:
            started = await self.run_once()
            if self._inflight:
                await asyncio.wait(set(self._inflight), timeout=max(0.0, deadline - self._mono()))
            elif not started and self._unrecorded:
                wait = max(0.01, min(self._record_retry_at - self._mono(), deadline - self._mono()))
                await asyncio.sleep(wait)
            elif not started and self.budget.halted_for() > 0:
                await asyncio.sleep(min(self.budget.halted_for(), max(0.0, deadline - self._mono())))
            elif not started:
                nxt = await self.outbox.next_due_at(self.shards())
                soonest = min(self._channel_ready.values(), default=0) - self._mono()
                if (nxt is None or nxt > self._wall()) and soonest <= 0:
                    return
                # Due, but its channel's interval has not passed yet: wait for it, not in a spin.
                await asyncio.sleep(min(max(soonest, 0.01), max(0.0, deadline - self._mono())))

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
        if self._unrecorded:
            # One last try, whatever the backoff says: what stays unwritten is forgotten at exit.
            self._record_retry_at = 0.0
            if not await self._flush():
                log.error(
                    "stopping with %d outcome(s) the database would not record; a delivered one may be "
                    "posted again after the restart (with the same nonce)",
                    len(self._unrecorded),
                )

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
        if await self.outbox.state(row.id) != "pending":
            return  # paused or cancelled since it was claimed
        attempts = row.attempts + 1
        try:
            message = await self.render(row)
            if not row.is_dm:
                # A DM sender looks up (or opens) the person's DM channel first, so it takes
                # from the budget itself, right before each request it makes: a token taken
                # here would age while it waits for the database, and tokens that age arrive
                # at Discord together.
                await self.budget.take()
            self._channel_ready[row.channel_id] = self._mono() + self.channel_interval
            async with asyncio.timeout(self.send_timeout):
                message_id = await self.sender.send(row, message)
        except ChannelUnusable as e:
            self.paused_channels += 1
            self._held[row.channel_id] = e.detail  # never asked again, even if the write fails
            await self._record(row.id, self._pauser(row, e))
        except StopEverything as e:
            self.budget.halt(e.retry_after, e.detail)
            resume_at, why = self._wall() + (e.retry_after or 0.0), e.detail
            await self._record(row.id, lambda: self.outbox.mark_retry(row.id, row.attempts, resume_at, why))
        except Rejected as e:
            self.failed += 1
            why = e.detail
            log.error("Discord rejected delivery %d to channel %d: %s", row.id, row.channel_id, why)
            await self._record(row.id, lambda: self.outbox.mark_failed(row.id, attempts, why))
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
            await self._record(row.id, lambda: self.outbox.mark_sent(row.id, message_id))

    # --- recording outcomes --------------------------------------------------------------
    def _pauser(self, row: Delivery, e: ChannelUnusable) -> Callable[[], Awaitable[None]]:
        channel_id = row.channel_id

        async def pause() -> None:
            if row.user_id is not None:
                # A person, not a channel: pause their follows; nothing more goes to them
                # until they follow again.
                held = await self.follows.pause(row.user_id, e.detail)
                what = f"DMs to follower {row.user_id}"
            else:
                held = await self.subscriptions.pause_channel(channel_id, e.detail)
                what = f"channel {channel_id}"
            self._held.pop(channel_id, None)
            log.warning(
                "%s answered %s (code %s): paused and %d queued notices held: %s",
                what,
                e.status,
                e.code,
                held,
                e.detail,
            )

        return pause

    async def _record(self, delivery_id: int, write: Callable[[], Awaitable[None]]) -> None:
        """Write an outcome; if the database refuses, keep it in memory and write it later."""
        try:
            await write()
        except Exception:
            self._unrecorded[delivery_id] = write
            self._record_failed()
            log.warning(
                "could not record the outcome of delivery %d; kept in memory, no new sends until "
                "it is written (next try in %.1fs)",
                delivery_id,
                self._record_delay,
                exc_info=True,
            )

    def _record_failed(self) -> None:
        self._record_delay = min(RECORD_BACKOFF_CAP, max(self._record_backoff, self._record_delay * 2))
        self._record_retry_at = self._mono() + self._record_delay

    async def _flush(self) -> bool:
        """Write the outcomes kept in memory; False while the database still refuses."""
        if not self._unrecorded:
            return True
        if self._mono() < self._record_retry_at:
            return False
        for delivery_id, write in list(self._unrecorded.items()):
            try:
                await write()
            except Exception as e:
                self._record_failed()
                log.warning(
                    "still can't record %d outcome(s) (%s); next try in %.1fs",
                    len(self._unrecorded),
                    e,
                    self._record_delay,
                )
                return False
            del self._unrecorded[delivery_id]
        self._record_delay = 0.0
        log.info("the database takes writes again: recorded the outcomes kept in memory")
        return True

    async def _retry(
        self, row: Delivery, attempts: int, detail: str, retry_after: float | None, *, unexpected: bool
    ) -> None:
        too_old = utcnow() - row.created_at > MAX_AGE
        if too_old or (unexpected and attempts >= MAX_UNEXPECTED):
            self.failed += 1
            why = "stale after a day of retries" if too_old else f"gave up after {attempts} errors"
            await self._record(row.id, lambda: self.outbox.mark_failed(row.id, attempts, f"{detail} ({why})"))
            log.error(
                "delivery %d to channel %d failed for good: %s (%s)", row.id, row.channel_id, detail, why
            )
            return
        self.retried += 1
        delay = retry_delay(attempts, retry_after, self._rng)
        due = self._wall() + delay
        await self._record(row.id, lambda: self.outbox.mark_retry(row.id, attempts, due, detail))
        log.info(
            "delivery %d to channel %d: %s; try %d in %.1fs",
            row.id,
            row.channel_id,
            detail,
            attempts + 1,
            delay,
        )
