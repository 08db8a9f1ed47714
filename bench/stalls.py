"""Run a bot script and record event-loop stalls (bench only): `stalls.py OUT SCRIPT [ARGS]`.

A task started with the script's event loop wakes every millisecond and notes how late it
woke: a stall is the time the loop could not run anything (a callback or a worker thread
holding the GIL). Each stall of 2 ms or more is appended to OUT at once as a
"<unix time> <ms>" line (the process may be killed, not stopped), so a benchmark can take
the longest before a given moment (the ready line), without a switch in product code.
"""

from __future__ import annotations

import asyncio
import runpy
import sys
import time
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

TICK_S = 0.001
REPORT_MS = 2.0


async def _watch(out: Path) -> None:
    with out.open("a", buffering=1) as lines:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(TICK_S)
            late_ms = (time.perf_counter() - before - TICK_S) * 1000
            if late_ms >= REPORT_MS:
                lines.write(f"{time.time():.4f} {late_ms:.2f}\n")


def main() -> None:
    """Have every asyncio.Runner start the watcher first, then run SCRIPT as __main__.

    Runner is where both asyncio.run and the bot's uvloop runner (bot.run_loop) start
    their coroutine; a loop's own methods can't be patched on uvloop's compiled loop.
    """
    out, script, *args = sys.argv[1:]
    record = Path(out).resolve()
    run = asyncio.Runner.run
    watchers: dict[Any, asyncio.Task[None]] = {}  # one per loop (a runner may run more than once)

    def watched_run(self: asyncio.Runner, coro: Coroutine[Any, Any, Any], **kwargs: Any) -> Any:
        async def watched() -> Any:
            loop = asyncio.get_running_loop()
            if loop not in watchers:
                watchers[loop] = loop.create_task(_watch(record))
            return await coro

        return run(self, watched(), **kwargs)

    asyncio.Runner.run = watched_run  # type: ignore[method-assign]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
