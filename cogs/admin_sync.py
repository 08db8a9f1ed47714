"""/admin sync status|show|review: the TMDB sync as curators steer it (mixed into the /admin cog).

The review buttons (a disagreement's "Use TMDB's"/"Keep ours", a held TMDB show's "Link to …"/
"Add as a new show") are persistent DynamicItems (their custom_id carries the ids), so they work
after a restart; each press checks again that the user is a curator.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import answer, drama_bot, locale_of, reports_failure, send_reply, title_autocomplete
from kdrama import admin_render, edits, i18n, sync_render
from kdrama.edits.sync import accept_review, keep_review
from kdrama.errors import UserError
from kdrama.i18n import N_, Title
from kdrama.models import Actor
from kdrama.render import Reply, cut, error_reply
from kdrama.tmdb.sync import Syncer

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

NOT_SET_UP = N_("TMDB is not set up on this bot: its owner needs to put a TMDB_TOKEN in .env.")
CURATORS_ONLY = N_("Only Drama bot curators can edit the catalog.")


class SyncError(UserError):
    """A /admin sync request we refuse."""


def _syncer(bot: DramaBot) -> Syncer:
    cog = bot.get_cog("Tmdb")
    syncer = getattr(cog, "syncer", None)
    if not isinstance(syncer, Syncer):
        raise SyncError(NOT_SET_UP)
    return syncer


async def _may_curate(bot: DramaBot, user: discord.abc.User) -> bool:
    return await bot.is_owner(user) or await edits.is_curator(bot.store, user.id)


async def pull(
    bot: DramaBot, title: str, tmdb_id: int | None, t: i18n.Text, actor: Actor | None = None
) -> Reply:
    """Pull one show now: a catalog title (linked, or linked by `tmdb_id`, as `actor`'s change) or a bare TMDB id."""
    syncer = _syncer(bot)
    text = title.strip()
    show_id: int | None = None
    if text.isdigit() and tmdb_id is None:
        tmdb_id = int(text)
    else:
        show = await bot.catalog.resolve(text)
        show_id = show.id
        linked = await bot.store.sync.tmdb_id(show.id)
        if tmdb_id is None:
            if linked is None:
                raise SyncError(
                    "{title} is not linked to TMDB yet: give its TMDB id (the number in its "
                    "themoviedb.org address) as tmdb_id.",
                    title=Title(show.title, show.korean_title),
                )
            tmdb_id = linked
        else:
            other = await bot.store.sync.show_id(tmdb_id)
            if other is not None and other != show.id:
                raise SyncError("TMDB id {id} is already linked to another show in the catalog.", id=tmdb_id)
    run, result = await syncer.pull(tmdb_id, show_id=show_id, linked_by=actor if show_id else None)
    return sync_render.pull_reply(run, result, t)


async def review_page(bot: DramaBot, t: i18n.Text) -> tuple[Reply, discord.ui.View | None]:
    """Held TMDB shows first (they keep a show out of the catalog), then disagreements; a row of buttons each."""
    store = bot.store.sync
    held = await store.held_shows(sync_render.REVIEW_PAGE)
    items = (
        await store.open_reviews(sync_render.REVIEW_PAGE - len(held))
        if len(held) < sync_render.REVIEW_PAGE
        else []
    )
    refs = await bot.store.catalog.show_refs({i for h in held for i in h.candidates})
    reply = sync_render.review_reply(
        items, await store.count_open_reviews(), t, held, await store.count_held() if held else 0, refs
    )
    if not items and not held:
        return reply, None
    view = discord.ui.View(timeout=None)
    for row, h in enumerate(held):
        for show_id in h.candidates[: sync_render.MAY_BE_SHOWN]:
            ref = refs.get(show_id)
            view.add_item(HeldButton(h.tmdb_id, show_id, row=row, t=t, slug=ref.slug if ref else None))
        view.add_item(HeldButton(h.tmdb_id, None, row=row, t=t))
    for row, item in enumerate(items, start=len(held)):
        view.add_item(ReviewButton(item.id, "tmdb", row=row, t=t))
        view.add_item(ReviewButton(item.id, "ours", row=row, t=t))
    return reply, view


class HeldButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"held:(?P<tmdb>\d+):(?P<show>\d+|new)",
):
    """ "Link to <slug>" or "Add as a new show" for a TMDB show held for a curator; works after a restart."""

    def __init__(
        self,
        tmdb_id: int,
        show_id: int | None,
        *,
        row: int | None = None,
        t: i18n.Text | None = None,
        slug: str | None = None,
    ) -> None:
        t = t or i18n.text(i18n.ENGLISH)
        if show_id is None:
            label = t.gettext("TMDB {id}: add as a new show", id=tmdb_id)
        else:
            label = t.gettext("Link to {slug}", slug=slug or f"#{show_id}")
        style = discord.ButtonStyle.primary if show_id is not None else discord.ButtonStyle.secondary
        custom_id = f"held:{tmdb_id}:{show_id if show_id is not None else 'new'}"
        super().__init__(discord.ui.Button(label=cut(label, 80), style=style, custom_id=custom_id, row=row))
        self.tmdb_id = tmdb_id
        self.show_id = show_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[DramaBot], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HeldButton:
        return cls(int(match["tmdb"]), None if match["show"] == "new" else int(match["show"]))

    @reports_failure
    async def callback(self, interaction: discord.Interaction[DramaBot]) -> None:
        bot = drama_bot(interaction)
        t = i18n.text(locale_of(interaction))
        if not await _may_curate(bot, interaction.user):
            await send_reply(interaction, error_reply(t.gettext(CURATORS_ONLY)))
            return
        try:
            held = await bot.store.sync.held_show(self.tmdb_id)
            if held is None:
                raise SyncError(
                    "TMDB {id} is not waiting for a curator any more: it was linked or added already.",
                    id=self.tmdb_id,
                )
            if self.show_id is not None and self.show_id not in held.candidates:
                raise SyncError(
                    "That catalog show is no longer one TMDB {id} may be: it was removed.", id=self.tmdb_id
                )
            syncer = _syncer(bot)
        except UserError as e:
            await send_reply(interaction, error_reply(t.error(e)))
            return
        # Reading the show from TMDB (or waiting for a running sync) may take longer than Discord's 3 s.
        await interaction.response.defer()
        actor = Actor(interaction.user.id, interaction.user.name)
        if self.show_id is None:
            run, result = await syncer.pull(self.tmdb_id)
        else:
            run, result = await syncer.pull(
                self.tmdb_id, show_id=self.show_id, linked_by=actor, unlinked_only=True
            )
        outcome = sync_render.pull_reply(run, result, t)
        reply, view = await review_page(bot, t)
        await interaction.edit_original_response(
            content=reply.content, embeds=[], view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        await interaction.followup.send(
            content=outcome.content or t.gettext("Done."),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


class ReviewButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"review:(?P<id>\d+):(?P<choice>tmdb|ours)",
):
    """ "Use TMDB's" or "Keep ours" for one review item; works after a restart."""

    def __init__(
        self, review_id: int, choice: str, *, row: int | None = None, t: i18n.Text | None = None
    ) -> None:
        t = t or i18n.text(i18n.ENGLISH)
        label = (
            t.gettext("#{id}: Use TMDB's", id=review_id)
            if choice == "tmdb"
            else t.gettext("#{id}: Keep ours", id=review_id)
        )
        style = discord.ButtonStyle.primary if choice == "tmdb" else discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(label=label, style=style, custom_id=f"review:{review_id}:{choice}", row=row)
        )
        self.review_id = review_id
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[DramaBot], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> ReviewButton:
        return cls(int(match["id"]), match["choice"])

    @reports_failure
    async def callback(self, interaction: discord.Interaction[DramaBot]) -> None:
        bot = drama_bot(interaction)
        t = i18n.text(locale_of(interaction))
        if not await _may_curate(bot, interaction.user):
            await send_reply(interaction, error_reply(t.gettext(CURATORS_ONLY)))
            return
        actor = Actor(interaction.user.id, interaction.user.name)
        try:
            if self.choice == "tmdb":
                change = await accept_review(bot.catalog, actor, self.review_id)
                outcome = admin_render.change_reply(
                    change, t.gettext("the catalog already has TMDB's value."), t
                )
            else:
                item = await bot.store.sync.review(self.review_id)
                await keep_review(bot.store, actor, self.review_id)  # refuses an item already decided
                outcome = (  # in the curator's language
                    sync_render.kept_reply(item, t)
                    if item
                    else Reply(content=t.gettext("Done."), ephemeral=True)
                )
        except UserError as e:
            await send_reply(interaction, error_reply(t.error(e)))
            return
        reply, view = await review_page(bot, t)
        await interaction.response.edit_message(
            content=reply.content, embeds=[], view=view, allowed_mentions=discord.AllowedMentions.none()
        )
        await interaction.followup.send(
            content=outcome.content or t.gettext("Done."),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )


class SyncCommands(commands.Cog):
    """The /admin sync group; the /admin cog mixes it in (its interaction_check guards these too)."""

    bot: DramaBot
    sync = app_commands.Group(name="sync", description="TMDB: what the sync did, pull a show, review")

    @sync.command(name="status", description="The last TMDB syncs: shows added and updated, errors")
    async def sync_status(self, interaction: discord.Interaction[DramaBot]) -> None:
        store = self.bot.store
        settings = self.bot.settings
        reply = sync_render.status_reply(
            bool(settings.tmdb_token),
            settings.tmdb_sync_minutes,
            await store.sync.last_runs(5),
            len(await store.sync.links()),
            await store.sync.count_open_reviews(),
            i18n.text(locale_of(interaction)),
            await store.sync.count_held(),
        )
        await send_reply(interaction, reply)

    @sync.command(name="show", description="Pull one show from TMDB now (or link a show to its TMDB id)")
    @app_commands.describe(
        title="A show in the catalog, or a TMDB id to add",
        tmdb_id="Link this show to TMDB: the number in its themoviedb.org address",
    )
    @app_commands.autocomplete(title=title_autocomplete)
    async def sync_show(
        self,
        interaction: discord.Interaction[DramaBot],
        title: app_commands.Range[str, 1, 200],
        tmdb_id: app_commands.Range[int, 1, 2_000_000_000] | None = None,
    ) -> None:
        actor = Actor(interaction.user.id, interaction.user.name)
        await answer(
            interaction,
            pull(self.bot, title, tmdb_id, i18n.text(locale_of(interaction)), actor),
            ephemeral=True,
        )

    @sync.command(name="review", description="Where TMDB disagrees with a curator's value")
    async def sync_review(self, interaction: discord.Interaction[DramaBot]) -> None:
        reply, view = await review_page(self.bot, i18n.text(locale_of(interaction)))
        kwargs: dict[str, Any] = {"view": view} if view is not None else {}
        await interaction.response.send_message(
            content=reply.content, ephemeral=True, allowed_mentions=discord.AllowedMentions.none(), **kwargs
        )
