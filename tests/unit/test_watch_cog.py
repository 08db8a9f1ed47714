"""The /watch commands as Discord sees them."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from kdrama.models import Delivery
from kdrama.store import Store


async def test_watch_commands_keep_their_public_names_and_are_for_staff_in_servers(store: Store) -> None:
    from bot import DramaBot
    from kdrama.lookup import Catalog
    from kdrama.settings import Settings

    bot = DramaBot(Settings.from_env({"DISCORD_TOKEN": "x"}, dotenv=False), store, await Catalog.load(store))
    await bot.load_extension("cogs.watch")
    try:
        group = next(c for c in bot.tree.get_commands() if c.name == "watch").to_dict(bot.tree)
    finally:
        await bot.unload_extension("cogs.watch")
    options = {sub["name"]: [o["name"] for o in sub.get("options", [])] for sub in group["options"]}
    assert options == {
        "add": ["title", "channel", "events", "role"],
        "remove": ["title", "channel"],
        "list": ["channel"],
    }
    assert int(group["default_member_permissions"]) == 1 << 4  # Manage Channels
    assert group["contexts"] == [0]  # servers only
    autocompleted = {
        (sub["name"], o["name"])
        for sub in group["options"]
        for o in sub.get("options", [])
        if o.get("autocomplete")
    }
    assert autocompleted == {("add", "title"), ("add", "events"), ("remove", "title")}


async def test_the_delivery_loop_paces_itself_with_the_bots_one_budget(store: Store) -> None:
    from bot import DramaBot
    from kdrama.lookup import Catalog
    from kdrama.settings import Settings
    from kdrama.watch.budget import GLOBAL_RATE, TokenBucket

    settings = Settings.from_env({"DISCORD_TOKEN": "x"}, dotenv=False)
    catalog = await Catalog.load(store)
    budget = TokenBucket(GLOBAL_RATE, 3)
    bot = DramaBot(settings, store, catalog, budget=budget)
    other = DramaBot(settings, store, catalog)
    await bot.load_extension("cogs.watch")
    try:
        cog = bot.get_cog("Watch")
        assert cog is not None
        # Discord's limit is per bot: the loop takes from the budget every sender of the bot shares.
        assert cog.engine.budget is bot.budget is budget
        assert other.budget is not bot.budget
    finally:
        await bot.unload_extension("cogs.watch")


class _Response:
    """What discord.HTTPException reads from aiohttp's response."""

    def __init__(self, status: int, headers: dict[str, str]) -> None:
        self.status, self.headers, self.reason = status, headers, "refused"


class _Channel:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def send(self, **_: object) -> object:
        raise self.error


class _Bot:
    def __init__(self, error: Exception) -> None:
        self.channel = _Channel(error)

    def get_partial_messageable(self, channel_id: int, *, guild_id: int | None = None) -> _Channel:
        return self.channel


@pytest.mark.parametrize(
    ("status", "headers", "body", "expected", "retry_after"),
    [
        (401, {}, {"message": "401: Unauthorized", "code": 0}, "stop", None),
        (429, {"Retry-After": "120"}, "<html>error code: 1015</html>", "stop", 120.0),  # Cloudflare
        (429, {}, "<html>error code: 1015</html>", "stop", 60.0),  # Cloudflare, naming no wait
        (
            429,
            {"Via": "1.1 google", "X-RateLimit-Global": "true", "Retry-After": "3"},
            {"global": True},
            "stop",
            3.0,
        ),
        (
            429,
            {"Via": "1.1 google", "X-RateLimit-Scope": "user", "Retry-After": "2"},
            {"global": False},
            "retry",
            2.0,
        ),
        (503, {"Via": "1.1 google"}, {"message": "503", "code": 0}, "retry", None),
    ],
    ids=["401", "cloudflare", "cloudflare-no-wait", "global-429", "route-429", "503"],
)
async def test_the_sender_tells_a_stop_for_the_whole_bot_from_one_for_a_message(
    status: int, headers: dict[str, str], body: object, expected: str, retry_after: float | None
) -> None:
    from cogs.watch import DiscordSender
    from kdrama.render import Reply
    from kdrama.watch.engine import RetryLater, StopEverything

    error = discord.HTTPException(_Response(status, headers), body)  # type: ignore[arg-type]
    sender = DiscordSender(_Bot(error))  # type: ignore[arg-type]
    delivery = Delivery(1, 2, 3, 4, (), 0, datetime.now(UTC))
    with pytest.raises((StopEverything, RetryLater)) as raised:
        await sender.send(delivery, Reply(content="news"))
    assert isinstance(raised.value, StopEverything if expected == "stop" else RetryLater)
    assert raised.value.retry_after == retry_after
