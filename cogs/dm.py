"""Direct messages to followers: open the DM channel once, remember it, send with the delivery's nonce."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from cogs import http_answers
from cogs.ui import build_view
from kdrama import i18n
from kdrama.follow.render import dm_line
from kdrama.follow.rules import DMS_CLOSED
from kdrama.models import Delivery
from kdrama.render import Reply
from kdrama.watch.engine import ChannelUnusable, Rejected, RetryLater

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

CANNOT_MESSAGE_USER = 50007
UNKNOWN_USER = 10013
UNKNOWN_CHANNEL = 10003


def _engine_error(e: discord.HTTPException, *, unreachable: str) -> Exception:
    """The engine's error for what Discord answered to a DM (or to opening its channel).

    A 401 or a bot-wide 429 stops every sender, and a route's 429 or a 5xx is retried, exactly
    as for a channel post (cogs/http_answers.py); only the refusals about this one person differ.
    """
    failure = http_answers.bot_wide_stop(e) or http_answers.retry_later(e)
    if failure is not None:
        return failure
    if e.code == CANNOT_MESSAGE_USER or e.status == 403:
        return ChannelUnusable(unreachable, status=e.status, code=e.code)
    if e.code == UNKNOWN_USER:
        return ChannelUnusable("Discord no longer knows this account.", status=e.status, code=e.code)
    return Rejected(http_answers.detail(e), status=e.status, code=e.code)


class DMSender:
    """Sends a notice to a follower by DM, paced by the bot's one rate budget like channel posts.

    It takes one token right before each request it makes (opening the DM channel, sending),
    never before a database look-up, so what reaches Discord is paced, not what was planned.
    """

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot

    async def _channel_id(self, user_id: int) -> int:
        """The person's DM channel: remembered in the database, else opened (one more request)."""
        known = await self.bot.store.follows.dm_channel(user_id)
        if known is not None:
            return known
        await self.bot.budget.take()  # opening the channel is a request too
        try:
            data = await self.bot.http.start_private_message(user_id)
        except discord.HTTPException as e:
            raise _engine_error(e, unreachable=DMS_CLOSED) from e
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            raise RetryLater(f"{type(e).__name__}: {e}") from e
        channel_id = int(data["id"])
        await self.bot.store.follows.remember_dm_channel(user_id, channel_id)
        return channel_id

    async def send(self, delivery: Delivery, message: Reply) -> int | None:
        """Send one DM; the engine leaves DMs to take their own tokens, just before each request."""
        assert delivery.user_id is not None
        channel_id = await self._channel_id(delivery.user_id)
        await self.bot.budget.take()  # nothing but the request itself after this
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        kwargs: dict[str, Any] = {
            "content": dm_line(i18n.text(delivery.language or i18n.ENGLISH)),
            "embeds": message.embeds,
            "allowed_mentions": discord.AllowedMentions.none(),
            "nonce": delivery.nonce,  # discord.py adds enforce_nonce: a retry can't DM twice
        }
        view = build_view(Reply(links=message.links))
        if view is not None:
            kwargs["view"] = view
        try:
            sent = await channel.send(**kwargs)
        except discord.NotFound as e:
            if e.code == UNKNOWN_CHANNEL:
                # The remembered channel is gone: forget it, and open a new one on the retry.
                await self.bot.store.follows.remember_dm_channel(delivery.user_id, None)
                raise RetryLater(
                    "the DM channel is gone; opening it again", status=e.status, code=e.code
                ) from e
            raise _engine_error(e, unreachable=DMS_CLOSED) from e
        except discord.HTTPException as e:
            raise _engine_error(e, unreachable=DMS_CLOSED) from e
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            raise RetryLater(f"{type(e).__name__}: {e}") from e
        return sent.id
