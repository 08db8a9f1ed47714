"""Run a bot script with in-process timings (bench only): `timeline.py OUT.txt SCRIPT [ARGS]`.

For each interaction, the time from the gateway frame reaching discord.py to the bot
starting its HTTP request for the callback, written to OUT as "<ms>" lines when the
script returns. It splits a latency into the bot's own work and the transport both bots
share, without a switch in product code.
"""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import discord.gateway

_started: list[float] = []
_spent: list[float] = []


def main() -> None:
    """Patch the two points, run SCRIPT as __main__, write the timings."""
    out, script, *args = sys.argv[1:]
    received = discord.gateway.DiscordWebSocket.received_message
    request = aiohttp.ClientSession._request

    async def timed_received(self: Any, msg: Any, /) -> None:
        _started.append(time.perf_counter())
        await received(self, msg)

    async def timed_request(self: Any, method: str, url: Any, **kwargs: Any) -> Any:
        if "/callback" in str(url) and _started:
            _spent.append((time.perf_counter() - _started[-1]) * 1000)
        return await request(self, method, url, **kwargs)

    discord.gateway.DiscordWebSocket.received_message = timed_received  # type: ignore[method-assign]
    aiohttp.ClientSession._request = timed_request  # type: ignore[method-assign]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        pass
    finally:
        Path(out).write_text("".join(f"{ms:.4f}\n" for ms in _spent))


if __name__ == "__main__":
    main()
