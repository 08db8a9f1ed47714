"""What fans ask: /show, /release, /cast, /trailer, /upcoming, /search."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from cogs.ui import answer, drama_bot, locale_of, register_pager, season_autocomplete, title_autocomplete
from kdrama import answers, i18n, lookup_render
from kdrama.render import Reply, error_reply

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

TITLE_HELP = "The show: English, Korean or romanized title"
# How often the catalog looks for edits other processes on the same database committed.
CATCH_UP_EVERY = 1.0
SEASON_HELP = "Season number (default: the newest)"
Season = app_commands.Range[int, 1, 999]
Title = app_commands.Range[str, 1, 200]


class Lookup(commands.Cog):
    """Answers from the catalog, honest about what is official and what is only expected."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot

    @property
    def catalog(self):
        return self.bot.catalog

    async def cog_load(self) -> None:
        self.catch_up.start()

    async def cog_unload(self) -> None:
        self.catch_up.cancel()

    @tasks.loop(seconds=CATCH_UP_EVERY)
    async def catch_up(self) -> None:
        """Several processes may share the database: show what the others changed within seconds."""
        try:
            changed = await self.catalog.catch_up()
        except Exception:
            log.exception("catching up with edits made elsewhere failed; trying again")
            return
        if changed:
            log.info("caught up with %d show(s) changed elsewhere", changed)

    @app_commands.command(
        name="show", description="Overview of a show: titles, platform, seasons, similar shows"
    )
    @app_commands.describe(title=TITLE_HELP)
    async def show(self, interaction: discord.Interaction[DramaBot], title: Title) -> None:
        await answer(interaction, answers.show(self.catalog, title, locale=locale_of(interaction)))

    @app_commands.command(name="release", description="When a show or its next season comes out")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP)
    async def release(
        self, interaction: discord.Interaction[DramaBot], title: Title, season: Season | None = None
    ) -> None:
        await answer(interaction, answers.release(self.catalog, title, season, locale=locale_of(interaction)))

    @app_commands.command(name="cast", description="Who is in a season, official and expected")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP)
    async def cast(
        self, interaction: discord.Interaction[DramaBot], title: Title, season: Season | None = None
    ) -> None:
        await answer(interaction, answers.cast(self.catalog, title, season, locale=locale_of(interaction)))

    @app_commands.command(name="trailer", description="The newest trailer of a season")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP)
    async def trailer(
        self, interaction: discord.Interaction[DramaBot], title: Title, season: Season | None = None
    ) -> None:
        await answer(interaction, answers.trailer(self.catalog, title, season, locale=locale_of(interaction)))

    @app_commands.command(
        name="upcoming", description="Seasons coming out soon, and those still without a date"
    )
    @app_commands.describe(days="How many days ahead (default 90)")
    async def upcoming(
        self, interaction: discord.Interaction[DramaBot], days: app_commands.Range[int, 1, 3660] = 90
    ) -> None:
        await answer(interaction, answers.upcoming(self.catalog, days, locale=locale_of(interaction)))

    @app_commands.command(name="search", description="Find shows by title or alias, and actors by name")
    @app_commands.describe(query="A title, alias or actor, in English or Korean")
    async def search(
        self, interaction: discord.Interaction[DramaBot], query: app_commands.Range[str, 1, 100]
    ) -> None:
        await answer(interaction, answers.search(self.catalog, query, locale=locale_of(interaction)))

    # Fans may install the bot on their own account and ask in any DM or group chat: the
    # answer goes back through the interaction, the only way into a channel the bot isn't in.
    for _command in (show, release, cast, trailer, upcoming, search):
        app_commands.allowed_installs(guilds=True, users=True)(_command)
        app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)(_command)
    for _command in (show, release, cast, trailer):
        _command.autocomplete("title")(title_autocomplete)
    for _command in (release, cast, trailer):
        _command.autocomplete("season")(season_autocomplete)
    del _command


async def cast_page(interaction: discord.Interaction[DramaBot], ids: list[int], page: int) -> Reply:
    """Another page of a /cast answer (ids: show, season or 0)."""
    show_id, season = ids
    answer_ = await drama_bot(interaction).catalog.cast_for(show_id, season or None)
    locale = locale_of(interaction)
    if answer_ is None:
        return error_reply(i18n.text(locale).gettext("That show is no longer in the catalog."))
    return lookup_render.cast_reply(answer_, page, locale)


async def setup(bot: DramaBot) -> None:
    register_pager(bot, "cast", cast_page)
    await bot.add_cog(Lookup(bot))
