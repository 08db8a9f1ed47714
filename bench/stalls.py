"""Run a bot script and record event-loop stalls (bench only): `stalls.py OUT SCRIPT [ARGS]`.

A task started with the script's event loop wakes every millisecond and notes how late it
woke: a stall is the time the loop could not run anything (a callback or a worker thread
holding the GIL). Each stall of 2 ms or more is written to OUT as "<unix time> <ms>" lines
when the script returns, so a benchmark can take the longest before a given moment (the
ready line), without a switch in product code.
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

_stalls: list[tuple[float, float]] = []


async def _watch() -> None:
    while True:
        before = time.perf_counter()
        await asyncio.sleep(TICK_S)
        late_ms = (time.perf_counter() - before - TICK_S) * 1000
        if late_ms >= REPORT_MS:
            _stalls.append((time.time(), late_ms))


def main() -> None:
    """Patch run_forever to start the watcher, run SCRIPT as __main__, write the stalls."""
    out, script, *args = sys.argv[1:]
    run_forever = asyncio.BaseEventLoop.run_forever
    watchers: dict[Any, asyncio.Task[None]] = {}  # one per loop (asyncio.run runs it more than once)

    def watched_run_forever(self: Any) -> None:
        if self not in watchers:
            watchers[self] = self.create_task(_watch())
        run_forever(self)

    asyncio.BaseEventLoop.run_forever = watched_run_forever  # type: ignore[method-assign]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        pass
    finally:
        Path(out).write_text("".join(f"{at:.4f} {ms:.2f}\n" for at, ms in _stalls))


if __name__ == "__main__":
    main()
