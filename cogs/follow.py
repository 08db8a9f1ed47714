"""Fans follow shows themselves: /follow add, remove and list; the news comes by direct message."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import NotifyButton, locale_of, send_reply, title_autocomplete, to_choices
from kdrama import i18n
from kdrama.follow import render
from kdrama.follow.rules import (
    follow,
    followed_choices,
    follower,
    forget,
    is_everything,
    kept_follows,
    parse_follow_events,
    unfollow,
)
from kdrama.render import cut, error_reply
from kdrama.watch.subscriptions import event_choices

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
Title = app_commands.Range[str, 1, 200]


@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Follow(
    commands.GroupCog, group_name="follow", group_description="Get a DM when a show you follow changes"
):
    """/follow add, remove and list: open to everyone, answered privately."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        # Each fan's follows and their names' index, kept while they type in /follow remove.
        self.kept = kept_follows(bot.store, lambda: bot.catalog.generation)
        super().__init__()

    @app_commands.command(name="add", description="Get a direct message when a show changes")
    @app_commands.describe(
        title="The show: English, Korean or romanized title",
        events="Which news: status, date, trailer, cast, release (default: status, date, release, trailer)",
    )
    async def add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        events: app_commands.Range[str, 0, 100] | None = None,
    ) -> None:
        # A UserError (an unknown title or event, the cap) is answered privately by the tree.
        wanted = parse_follow_events(events)
        show = await self.bot.catalog.resolve(title)
        result = await follow(
            self.bot.store,
            interaction.user.id,
            show.ref,
            wanted,
            limit=self.bot.settings.follow_limit,
            language=locale_of(interaction),
        )
        await _private(
            interaction,
            render.followed_text(result, show.title, _text(interaction), korean_title=show.korean_title),
        )

    @app_commands.command(name="remove", description="Stop the DMs about a show (“Everything” forgets you)")
    @app_commands.describe(title="A show you follow, or * for everything")
    async def remove(self, interaction: discord.Interaction[DramaBot], title: Title) -> None:
        t = _text(interaction)
        if is_everything(title, t):
            forgotten = await forget(self.bot.store, interaction.user.id)
            return await _private(interaction, render.forgotten_text(forgotten, t))
        show = await self.bot.catalog.resolve(title)
        if await unfollow(self.bot.store, interaction.user.id, show.id):
            return await _private(
                interaction, render.unfollowed_text(show.title, t, korean_title=show.korean_title)
            )
        await _private(interaction, render.not_followed_text(show.title, t, korean_title=show.korean_title))

    @app_commands.command(name="list", description="The shows you follow, and whether I can message you")
    async def list_(self, interaction: discord.Interaction[DramaBot]) -> None:
        person = await follower(self.bot.store, interaction.user.id)
        await send_reply(
            interaction, render.follow_list_reply(person, self.bot.settings.follow_limit, _text(interaction))
        )

    # --- autocomplete ----------------------------------------------------------------------
    add.autocomplete("title")(title_autocomplete)

    @remove.autocomplete("title")
    async def remove_title_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return to_choices(
            await followed_choices(
                self.bot.store, interaction.user.id, current, _text(interaction), kept=self.kept
            )
        )

    @add.autocomplete("events")
    async def events_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=n, value=v) for n, v in event_choices(current, locale_of(interaction))
        ]


def _text(interaction: discord.Interaction[DramaBot]) -> i18n.Text:
    return i18n.text(locale_of(interaction))


async def _private(interaction: discord.Interaction[DramaBot], text: str) -> None:
    await send_reply(interaction, error_reply(cut(text, 2000)))


async def setup(bot: DramaBot) -> None:
    bot.add_dynamic_items(NotifyButton)  # Notify me under lookup answers, also after a restart
    await bot.add_cog(Follow(bot))
