"""The bot's rate budget: every request a sender makes to Discord waits for it first.

Discord's global limit (50 requests/s) and its invalid-request ban count per bot token, so
the budget belongs to the bot (`DramaBot.budget`), not to a module or to one sender: the
channel poster and every sender added later take from the same one.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

log = logging.getLogger(__name__)

# Discord allows 50 requests/s per bot; 45/s leaves room for interaction follow-ups and
# syncs. The burst is small so no one-second window can exceed 45 + BURST < 50.
GLOBAL_RATE = 45.0
GLOBAL_BURST = 3
# A process with a tiny share still sends, slowly (only above ~45 processes would the sum
# of these floors pass the limit; a bot that big asks Discord for a higher one).
MIN_RATE = 0.5
# What the processes of a sharded bot take together in any one second: 5 under Discord's
# limit, not 2 as one process alone, because each process's requests meet their own delays
# (a busy event loop, another network path) between taking a token and reaching Discord,
# and two processes' late requests can land in the same second. In the full test suite on
# a loaded 2-core machine, 48 together let 2 of 300 requests meet a 429; 45 let none.
SHARED_SECOND = 45.0
HALT_CHECK = 1.0  # a halted take() looks again at least this often (a longer halt may come)


class RateBudget(Protocol):
    """What a sender asks before each request to Discord, and tells when Discord says stop.

    Senders only ever wait in `take`, so a budget may decide there whatever it needs to: a
    share of the bot's limit across processes, or a pause for everyone after a global 429,
    a Cloudflare 429 or a 401 that any one sender met.
    """

    async def take(self) -> None:
        """Wait until one more request may go out."""
        ...

    def halt(self, seconds: float | None, reason: str) -> None:
        """Stop every sender for `seconds` (None: until the process restarts)."""
        ...

    def halted_for(self) -> float:
        """Seconds until senders may take again: 0 when not halted, math.inf until restart."""
        ...


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
        self._halted_until = 0.0  # on `clock`; math.inf: until the process restarts

    @property
    def halted(self) -> bool:
        return self._clock() < self._halted_until

    def halted_for(self) -> float:
        """Seconds until the halt ends: 0 when there is none, math.inf until restart."""
        return max(0.0, self._halted_until - self._clock())

    def halt(self, seconds: float | None, reason: str) -> None:
        """Nobody takes a token for `seconds` (None: until restart); one loud line when it starts."""
        now = self._clock()
        until = math.inf if seconds is None else now + max(0.0, seconds)
        if until <= self._halted_until:
            return  # already stopped for at least that long
        already = now < self._halted_until
        self._halted_until = until
        if already:
            log.info("Discord said stop again (%s): the pause now lasts %s", reason, _how_long(seconds))
        else:
            log.error("Discord said stop (%s): every delivery is paused %s", reason, _how_long(seconds))

    async def take(self) -> None:
        """Wait for one token; callers queue in order."""
        async with self._lock:
            while True:
                now = self._clock()
                if now < self._halted_until:
                    await self._sleep(min(self._halted_until - now, HALT_CHECK))
                    continue
                self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
                self._updated = now
                if self._tokens >= 1 - 1e-9:  # float dust must not stall the queue
                    self._tokens = max(0.0, self._tokens - 1)
                    return
                await self._sleep(max((1 - self._tokens) / self.rate, 1e-4))


def _how_long(seconds: float | None) -> str:
    if seconds is None:
        return "until the bot is restarted with a working token (DISCORD_TOKEN)"
    return f"for {seconds:.1f}s"


def bot_budget(
    share: float = 1.0,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
) -> TokenBucket:
    """The budget one bot process paces every sender with: its `share` of the bot's limit.

    One process alone (share 1) gets 45 requests/s with a burst of 3. A process running k
    of a bot's n shards gets k/n of SHARED_SECOND: the burst (at least one request) and the
    rate together, so that the processes' seconds add up to at most 45 whatever their
    number. A process needs no word from the others, so none stops if another dies; what
    a dead process leaves unused is simply not spent.
    """
    if not 0 < share <= 1:
        raise ValueError(f"a process's share of the rate budget is in (0, 1], not {share}")
    if share == 1:
        return TokenBucket(GLOBAL_RATE, GLOBAL_BURST, clock=clock, sleep=sleep)
    second = SHARED_SECOND * share
    burst = max(1.0, GLOBAL_BURST * share)
    return TokenBucket(max(second - burst, MIN_RATE), burst, clock=clock, sleep=sleep)


def shard_share(shard_count: int | None, shard_ids: Sequence[int] | None) -> float:
    """The share of the bot's shards this process runs (1 when it runs them all)."""
    if not shard_count or not shard_ids:
        return 1.0
    return len(set(shard_ids)) / shard_count
