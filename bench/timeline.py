"""Run a bot script with in-process timings (bench only): `timeline.py OUT.txt SCRIPT [ARGS]`.

For each interaction, the time from the gateway frame reaching discord.py to the bot
starting its HTTP request for the callback, written to OUT as "<ms> <ms>" lines when the
script returns: the second figure is when the bot started its response (discord.py's
send_message or autocomplete, or the callback of a title keystroke that
cogs/keystrokes.py answers), so the first part is reading the interaction and finding the
answer, the rest turning it into Discord's payload. It splits a latency into the bot's own
work and the transport both bots share, without a switch in product code. For the real bot
(`bot.py`), the time spent in the domain (title autocomplete, and the /release and /cast
answers, rendering included) goes to OUT.domain as "<kind> <ms> <ms before it started>"
lines: what is left of its own work is discord.py's (and the cog's), before the domain and
after it.
"""

from __future__ import annotations

import runpy
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp
import discord.gateway
import discord.webhook.async_

_started: list[float] = []
_spent: list[float] = []
_answering: list[float] = []  # ms from the frame to the bot starting its response (both bots)
_answered = [True]  # whether the current frame's response start is in _answering already
_domain: list[tuple[str, float, float]] = []  # (kind, ms before the domain starts, ms in it)


def _time_domain() -> None:
    """Wrap the domain's entry points the cog calls, recording how long each call takes."""
    from kdrama import answers
    from kdrama.lookup import Catalog

    def timed(kind: str, fn: Any) -> Any:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                before = (t - _started[-1]) * 1000 if _started else 0.0
                _domain.append((kind, before, (time.perf_counter() - t) * 1000))

        return wrapper

    Catalog.title_choices = timed("autocomplete", Catalog.title_choices)  # type: ignore[method-assign]
    answers.release = timed("release", answers.release)
    answers.cast = timed("cast", answers.cast)


def main() -> None:
    """Patch the two points, run SCRIPT as __main__, write the timings."""
    out, script, *args = sys.argv[1:]
    received = discord.gateway.DiscordWebSocket.received_message
    request = aiohttp.ClientSession._request

    async def timed_received(self: Any, msg: Any, /) -> None:
        _started.append(time.perf_counter())
        _answered[0] = False
        await received(self, msg)

    def answering() -> None:
        if _started and not _answered[0]:
            _answering.append((time.perf_counter() - _started[-1]) * 1000)
            _answered[0] = True

    async def timed_request(self: Any, method: str, url: Any, **kwargs: Any) -> Any:
        if "/callback" in str(url) and _started:
            _spent.append((time.perf_counter() - _started[-1]) * 1000)
        return await request(self, method, url, **kwargs)

    def timed_response(fn: Any) -> Any:
        async def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            answering()
            return await fn(self, *args, **kwargs)

        return wrapper

    def timed_callback(fn: Any) -> Any:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            answering()  # a title keystroke's answer (cogs/keystrokes.py) starts here
            return fn(self, *args, **kwargs)

        return wrapper

    response = discord.InteractionResponse
    response.send_message = timed_response(response.send_message)  # type: ignore[method-assign]
    response.autocomplete = timed_response(response.autocomplete)  # type: ignore[method-assign]
    adapter = discord.webhook.async_.AsyncWebhookAdapter
    adapter.create_interaction_response = timed_callback(adapter.create_interaction_response)  # type: ignore[method-assign]
    discord.gateway.DiscordWebSocket.received_message = timed_received  # type: ignore[method-assign]
    aiohttp.ClientSession._request = timed_request  # type: ignore[method-assign]
    sys.path.insert(0, str(Path(script).resolve().parent))
    sys.argv = [script, *args]
    if Path(script).name == "bot.py":
        _time_domain()
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit:
        pass
    finally:
        if len(_answering) == len(_spent):
            Path(out).write_text(
                "".join(f"{ms:.4f} {a:.4f}\n" for ms, a in zip(_spent, _answering, strict=True))
            )
        else:  # some callback went out another way (a defer): the split would not line up
            Path(out).write_text("".join(f"{ms:.4f}\n" for ms in _spent))
        if _domain:
            Path(out + ".domain").write_text(
                "".join(f"{kind} {ms:.4f} {before:.4f}\n" for kind, before, ms in _domain)
            )


if __name__ == "__main__":
    main()
