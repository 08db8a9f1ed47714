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
    """Patch run_forever to start the watcher, then run SCRIPT as __main__."""
    out, script, *args = sys.argv[1:]
    run_forever = asyncio.BaseEventLoop.run_forever
    watchers: dict[Any, asyncio.Task[None]] = {}  # one per loop (asyncio.run runs it more than once)

    def watched_run_forever(self: Any) -> None:
        if self not in watchers:
            watchers[self] = self.create_task(_watch(Path(out).resolve()))
        run_forever(self)

    asyncio.BaseEventLoop.run_forever = watched_run_forever  # type: ignore[method-assign]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    runpy.run_path(script, run_name="__main__")


if __name__ == "__main__":
    main()
