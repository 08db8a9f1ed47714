"""The supervisor: a crashed loop is started again, and stops when asked."""

from __future__ import annotations

import asyncio

from kdrama.watch.supervisor import supervise


async def test_the_supervisor_restarts_a_crashed_loop_and_stops_when_asked() -> None:
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
