"""The release clock: every few seconds, release the seasons whose exact time has passed.

The rule itself is an edit (kdrama.edits.release_due), so the clock only ticks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

log = logging.getLogger(__name__)

CLOCK_INTERVAL = 10.0


async def clock_loop(
    release_due: Callable[[], Awaitable[Sequence[object]]],
    on_change: Callable[[], None],
    *,
    interval: float = CLOCK_INTERVAL,
) -> None:
    """Every `interval` seconds, release the seasons whose exact time has passed."""
    while True:
        try:
            if await release_due():
                on_change()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("release clock tick failed; trying again in %.0fs", interval)
        await asyncio.sleep(interval)
