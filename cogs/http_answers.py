"""What Discord's HTTP answers mean for any sender (channel posts, DMs): stop all, or retry one."""

from __future__ import annotations

import discord

from kdrama.render import cut
from kdrama.watch.engine import RetryLater, StopEverything

# A 429 for the whole bot that names no wait: Cloudflare's bans last minutes, not seconds.
BOT_WIDE_429_PAUSE = 60.0


def detail(e: discord.HTTPException) -> str:
    """Discord's answer in one line, as a delivery row keeps it."""
    return f"HTTP {e.status} (code {e.code}): {cut(e.text or '', 200)}"


def bot_wide_stop(e: discord.HTTPException) -> StopEverything | None:
    """The stop for every sender that this answer means, or None if it is about one request.

    401: the bot's token is no longer valid. A 429 that reaches a sender from Cloudflare (no
    Via header: discord.py raises it at once) or from the global limit (discord.py gave up
    retrying) is about the whole bot too, and every further request counts toward Discord's
    invalid-request ban.
    """
    if e.status == 401:
        return StopEverything(f"HTTP 401: Discord refused the bot's token: {detail(e)}", status=401)
    if e.status == 429 and _bot_wide(e):
        return StopEverything(
            f"HTTP 429 for the whole bot: {detail(e)}",
            status=429,
            retry_after=retry_after(e) or BOT_WIDE_429_PAUSE,
        )
    return None


def retry_later(e: discord.HTTPException) -> RetryLater | None:
    """A route's 429 or a 5xx: this one request may go through later. None otherwise."""
    if e.status == 429 or e.status >= 500:
        return RetryLater(detail(e), status=e.status, code=e.code, retry_after=retry_after(e))
    return None


def _bot_wide(e: discord.HTTPException) -> bool:
    """A 429 for the whole bot: Cloudflare's (no Via header) or Discord's global limit."""
    headers = e.response.headers if e.response is not None else {}
    if not headers.get("Via"):
        return True
    return (
        headers.get("X-RateLimit-Global", "").lower() == "true"
        or headers.get("X-RateLimit-Scope") == "global"
    )


def retry_after(e: discord.HTTPException) -> float | None:
    """The Retry-After header in seconds, if the answer had a readable one."""
    header = e.response.headers.get("Retry-After") if e.response is not None else None
    try:
        return float(header) if header else None
    except ValueError:
        return None
