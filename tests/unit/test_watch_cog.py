"""The /watch commands as Discord sees them."""

from __future__ import annotations

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
        "add": ["title", "channel", "events", "role", "language"],
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
