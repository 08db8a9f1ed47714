"""The bot's rate budget: every request a sender makes to Discord waits for it first.

Discord's global limit (50 requests/s) and its invalid-request ban count per bot token, so
the budget belongs to the bot (`DramaBot.budget`), not to a module or to one sender: the
channel poster and every sender added later take from the same one.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

# Discord allows 50 requests/s per bot; 45/s leaves room for interaction follow-ups and
# syncs. The burst is small so no one-second window can exceed 45 + BURST < 50.
GLOBAL_RATE = 45.0
GLOBAL_BURST = 3


class RateBudget(Protocol):
    """What a sender asks before each request to Discord.

    Senders only ever wait in `take`, so a budget may decide there whatever it needs to: a
    share of the bot's limit across processes, a count kept in the database, or a pause for
    everyone after a global 429 or a 401.
    """

    async def take(self) -> None:
        """Wait until one more request may go out."""
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


def bot_budget() -> TokenBucket:
    """The budget one bot process paces every sender with: 45 requests/s, a burst of 3."""
    return TokenBucket(GLOBAL_RATE, GLOBAL_BURST)
