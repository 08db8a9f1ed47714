"""Keeps the watch loops alive: a loop that crashes or returns is logged and started again."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


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
