"""Direct messages as Discord answers them: what each refusal means for the follower and for the bot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import discord
import pytest

from kdrama.follow.rules import DEFAULT_EVENTS, DMS_CLOSED
from kdrama.models import Delivery
from kdrama.render import Reply
from kdrama.store import Store, utcnow
from kdrama.watch.engine import ChannelUnusable, Rejected, RetryLater, StopEverything
from tests.unit.watch.helpers import AOUAD, ref

FAN = 9001
KNOWN_DM_CHANNEL = 555


class _Response:
    """What discord.HTTPException reads from aiohttp's response."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status, self.headers, self.reason = status, headers, "refused"


def _answer(status: int, headers: dict[str, str], body: object) -> discord.HTTPException:
    """The exception discord.py raises for this answer (its subclass for 403 and 404, as it does)."""
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    return kind(_Response(status, headers), body)  # type: ignore[arg-type]


class _Channel:
    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.sent = 0

    async def send(self, **_: object) -> object:
        self.sent += 1
        if self.error is not None:
            raise self.error
        return discord.Object(777)


class _HTTP:
    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.opened = 0

    async def start_private_message(self, user_id: int) -> dict[str, object]:
        self.opened += 1
        if self.error is not None:
            raise self.error
        return {"id": str(KNOWN_DM_CHANNEL)}


class _Budget:
    def __init__(self) -> None:
        self.taken = 0

    async def take(self) -> None:
        self.taken += 1


class _Bot:
    """What DMSender uses of the bot: the real store, Discord's answers, the rate budget."""

    def __init__(
        self, store: Store, *, send: Exception | None = None, open_dm: Exception | None = None
    ) -> None:
        self.store = store
        self.channel = _Channel(send)
        self.http = _HTTP(open_dm)
        self.budget = _Budget()

    def get_partial_messageable(self, channel_id: int, **_: object) -> _Channel:
        return self.channel


async def _follower(store: Store, *, dm_channel: int | None) -> None:
    now = utcnow()
    await store.follows.add(
        FAN, await ref(store, AOUAD), DEFAULT_EVENTS, limit=200, resend_since=now - timedelta(days=1), now=now
    )
    await store.follows.remember_dm_channel(FAN, dm_channel)


async def _dm(bot: _Bot) -> int | None:
    from cogs.dm import DMSender

    dm = Delivery(1, 2, 0, FAN, (), 0, datetime.now(UTC), user_id=FAN)
    return await DMSender(bot).send(dm, Reply(content="news"))  # type: ignore[arg-type]


# Discord's answers, as a channel post gets them too (tests/unit/test_watch_cog.py).
BOT_WIDE = [
    pytest.param(401, {}, {"message": "401: Unauthorized", "code": 0}, None, id="401"),
    pytest.param(429, {"Retry-After": "120"}, "<html>error code: 1015</html>", 120.0, id="cloudflare-429"),
    pytest.param(429, {}, "<html>error code: 1015</html>", 60.0, id="cloudflare-429-no-wait"),
    pytest.param(
        429,
        {"Via": "1.1 google", "X-RateLimit-Global": "true", "Retry-After": "3"},
        {"global": True},
        3.0,
        id="global-429",
    ),
]


@pytest.mark.parametrize(("status", "headers", "body", "retry_after"), BOT_WIDE)
async def test_a_dm_refused_for_the_whole_bot_stops_every_sender(
    store: Store, status: int, headers: dict[str, str], body: object, retry_after: float | None
) -> None:
    await _follower(store, dm_channel=KNOWN_DM_CHANNEL)
    bot = _Bot(store, send=_answer(status, headers, body))
    with pytest.raises(StopEverything) as raised:
        await _dm(bot)
    assert raised.value.retry_after == retry_after
    assert await store.follows.dm_channel(FAN) == KNOWN_DM_CHANNEL  # nothing about the fan changed


@pytest.mark.parametrize(("status", "headers", "body", "retry_after"), BOT_WIDE)
async def test_opening_a_dm_refused_for_the_whole_bot_stops_every_sender(
    store: Store, status: int, headers: dict[str, str], body: object, retry_after: float | None
) -> None:
    await _follower(store, dm_channel=None)
    bot = _Bot(store, open_dm=_answer(status, headers, body))
    with pytest.raises(StopEverything) as raised:
        await _dm(bot)
    assert raised.value.retry_after == retry_after
    assert bot.channel.sent == 0  # no send after the refusal


@pytest.mark.parametrize(
    ("status", "headers", "body", "retry_after"),
    [
        pytest.param(
            429,
            {"Via": "1.1 google", "X-RateLimit-Scope": "user", "Retry-After": "2"},
            {"global": False},
            2.0,
            id="route-429",
        ),
        pytest.param(503, {"Via": "1.1 google"}, {"message": "503", "code": 0}, None, id="503"),
    ],
)
async def test_a_dm_refused_for_now_is_tried_again_later(
    store: Store, status: int, headers: dict[str, str], body: object, retry_after: float | None
) -> None:
    await _follower(store, dm_channel=KNOWN_DM_CHANNEL)
    with pytest.raises(RetryLater) as raised:
        await _dm(_Bot(store, send=_answer(status, headers, body)))
    assert not isinstance(raised.value, StopEverything)
    assert raised.value.retry_after == retry_after


async def test_a_fan_with_closed_dms_is_paused_with_the_reason_they_will_read(store: Store) -> None:
    await _follower(store, dm_channel=None)
    closed = _answer(403, {}, {"message": "Cannot send messages to this user", "code": 50007})
    bot = _Bot(store, open_dm=closed)
    with pytest.raises(ChannelUnusable) as raised:
        await _dm(bot)
    assert raised.value.detail == DMS_CLOSED
    assert (bot.http.opened, bot.channel.sent) == (1, 0)


async def test_a_fan_whose_dms_close_after_the_channel_was_opened_is_paused_too(store: Store) -> None:
    await _follower(store, dm_channel=KNOWN_DM_CHANNEL)
    closed = _answer(403, {}, {"message": "Cannot send messages to this user", "code": 50007})
    with pytest.raises(ChannelUnusable) as raised:
        await _dm(_Bot(store, send=closed))
    assert raised.value.detail == DMS_CLOSED


async def test_an_account_discord_no_longer_knows_is_paused(store: Store) -> None:
    await _follower(store, dm_channel=None)
    gone = _answer(404, {}, {"message": "Unknown User", "code": 10013})
    with pytest.raises(ChannelUnusable) as raised:
        await _dm(_Bot(store, open_dm=gone))
    assert "no longer knows" in raised.value.detail


async def test_a_dm_channel_that_is_gone_is_opened_again_on_the_next_try(store: Store) -> None:
    await _follower(store, dm_channel=KNOWN_DM_CHANNEL)
    gone = _answer(404, {}, {"message": "Unknown Channel", "code": 10003})
    with pytest.raises(RetryLater):
        await _dm(_Bot(store, send=gone))
    assert await store.follows.dm_channel(FAN) is None  # forgotten: the retry opens a new one
    bot = _Bot(store)
    assert await _dm(bot) == 777
    assert (bot.http.opened, bot.channel.sent, bot.budget.taken) == (1, 1, 2)
    assert await store.follows.dm_channel(FAN) == KNOWN_DM_CHANNEL


async def test_a_dm_discord_calls_malformed_fails_without_retrying(store: Store) -> None:
    await _follower(store, dm_channel=KNOWN_DM_CHANNEL)
    bad = _answer(400, {}, {"message": "Invalid Form Body", "code": 50035})
    with pytest.raises(Rejected) as raised:
        await _dm(_Bot(store, send=bad))
    assert "50035" in raised.value.detail
