"""What curators do: /admin show|season|cast|trailer|curator, /admin history, undo, import, export.

/admin sync (TMDB) is in admin_sync.py, mixed into the same group.

Hidden from members without Manage Server (default_permissions) and checked at run time on
every subcommand: a server admin is not a curator of the catalog every server sees.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING, cast

import discord
from discord import app_commands
from discord.ext import commands

from cogs.admin_sync import HeldButton, ReviewButton, SyncCommands
from cogs.ui import (
    NO_MENTIONS,
    answer,
    drama_bot,
    locale_of,
    register_pager,
    season_autocomplete,
    send_reply,
    title_autocomplete,
    to_choices,
)
from kdrama import admin_render, edits, i18n
from kdrama.errors import UserError
from kdrama.i18n import N_
from kdrama.lookup import Catalog
from kdrama.models import STATUS_LABELS, Actor, Change
from kdrama.render import Reply, error_reply
from kdrama.store import utcnow
from kdrama.validate import LONG_TEXT_MAX

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

CURATORS_ONLY = N_("Only Drama bot curators can edit the catalog.")
OWNERS_ONLY = N_("Only the bot's owners can change the curator list.")
TITLE_HELP = "The show: start typing its title and pick it"
SEASON_HELP = "Season number"
SOURCE_HELP = "Where this comes from: an https:// link or a short citation"
CLEAR_HELP = 'New value ("-" empties it)'
Title = app_commands.Range[str, 1, 200]
SeasonNumber = app_commands.Range[int, 1, edits.SEASON_MAX]
Text = app_commands.Range[str, 1, 300]
Note = app_commands.Range[str, 1, LONG_TEXT_MAX]
STATUS_CHOICES = [
    app_commands.Choice(name=label, value=status.value) for status, label in STATUS_LABELS.items()
]
KIND_CHOICES = [
    app_commands.Choice(name="Trailer", value="trailer"),
    app_commands.Choice(name="Teaser", value="teaser"),
]


def actor_of(interaction: discord.Interaction[DramaBot]) -> Actor:
    return Actor(interaction.user.id, interaction.user.name)


async def may_curate(bot: DramaBot, user: discord.abc.User) -> bool:
    """Owners (OWNER_IDS, or the application's owner or team) and the curator list."""
    return await bot.is_owner(user) or await edits.is_curator(bot.store, user.id)


async def owners_only(interaction: discord.Interaction[DramaBot]) -> bool:
    if await drama_bot(interaction).is_owner(interaction.user):
        return True
    raise app_commands.CheckFailure(OWNERS_ONLY)


def text_of(interaction: discord.Interaction[DramaBot]) -> i18n.Text:
    """Messages in the curator's language."""
    return i18n.text(locale_of(interaction))


async def outcome(
    interaction: discord.Interaction[DramaBot],
    work: Awaitable[Change | None],
    nothing: str = "",
    **params: object,
) -> Reply:
    """An edit's outcome as its private reply; a refusal goes to the command tree's handler.

    `nothing` is the English message (with `params`) saying why nothing changed, if nothing did.
    """
    t = text_of(interaction)
    return admin_render.change_reply(await work, t.gettext(nothing, **params) if nothing else "", t)


@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.allowed_contexts(guilds=True, dms=False, private_channels=False)
@app_commands.default_permissions(manage_guild=True)
class Admin(
    SyncCommands, commands.GroupCog, group_name="admin", group_description="Curators: keep the catalog true"
):
    """Curator commands: every reply is private and names the change id to undo it."""

    show = app_commands.Group(name="show", description="Add, edit or remove shows")
    season = app_commands.Group(name="season", description="Seasons: add, remove, status, release date")
    cast = app_commands.Group(name="cast", description="Cast entries, official or expected")
    trailer = app_commands.Group(name="trailer", description="Trailers and teasers")
    curator = app_commands.Group(name="curator", description="Who may edit the catalog (owners only)")

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        # The show edit form each curator has open: it never expires while they type, and a
        # new one replaces it, so forms closed without submitting are not kept forever.
        self.open_forms: dict[int, SynopsisForm] = {}
        super().__init__()

    @property
    def catalog(self) -> Catalog:
        return self.bot.catalog

    async def interaction_check(self, interaction: discord.Interaction[DramaBot], /) -> bool:
        """Run before every /admin subcommand: owners and curators only, whatever the server allows."""
        if await may_curate(self.bot, interaction.user):
            return True
        log.info(
            "refused /%s to %s (%s): not a curator",
            interaction.command.qualified_name if interaction.command else "admin",
            interaction.user,
            interaction.user.id,
        )
        raise app_commands.CheckFailure(CURATORS_ONLY)

    # --- /admin show ----------------------------------------------------------------------
    @show.command(name="add", description="Add a show to the catalog")
    @app_commands.describe(
        title="English title",
        korean_title="Korean title (Hangul)",
        romanized_title="Revised Romanization of the Korean title",
        platform="Network or platform, e.g. Netflix",
        platform_url="https:// link to the show on the platform",
        country="Two-letter country code, e.g. KR",
        genres="Genres, separated by commas",
        poster_url="https:// link to a poster image",
    )
    async def show_add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        korean_title: Title | None = None,
        romanized_title: Title | None = None,
        platform: Text | None = None,
        platform_url: Text | None = None,
        country: app_commands.Range[str, 2, 2] | None = None,
        genres: Text | None = None,
        poster_url: Text | None = None,
    ) -> None:
        work = edits.add_show(
            self.catalog,
            actor_of(interaction),
            title,
            korean_title=korean_title,
            romanized_title=romanized_title,
            platform=platform,
            platform_url=platform_url,
            country=country,
            genres=genres,
            poster_url=poster_url,
        )
        await answer(
            interaction, outcome(interaction, work, N_("the show is already there.")), ephemeral=True
        )

    @show.command(name="edit", description="Change a show's fields; the synopsis opens in a form")
    @app_commands.describe(
        title=TITLE_HELP,
        new_title="New English title",
        korean_title=CLEAR_HELP,
        romanized_title=CLEAR_HELP,
        platform=CLEAR_HELP,
        platform_url=CLEAR_HELP,
        country=CLEAR_HELP,
        genres="Genres separated by commas (replaces them; - empties)",
        poster_url=CLEAR_HELP,
    )
    async def show_edit(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        new_title: Title | None = None,
        korean_title: Title | None = None,
        romanized_title: Title | None = None,
        platform: Text | None = None,
        platform_url: Text | None = None,
        country: app_commands.Range[str, 1, 2] | None = None,
        genres: Text | None = None,
        poster_url: Text | None = None,
    ) -> None:
        show = await self.catalog.resolve(title)
        changes = {
            "title": new_title,
            "korean_title": korean_title,
            "romanized_title": romanized_title,
            "platform": platform,
            "platform_url": platform_url,
            "country": country,
            "genres": genres,
            "poster_url": poster_url,
        }
        form = SynopsisForm(
            self, show.slug, show.title, show.synopsis, changes, text_of(interaction), interaction.user.id
        )
        previous = self.open_forms.pop(interaction.user.id, None)
        if previous is not None:
            previous.stop()  # Discord shows one form at a time: that one was closed unsent
        self.open_forms[interaction.user.id] = form
        await interaction.response.send_modal(form)

    @show.command(name="remove", description="Remove a show with its seasons, cast and trailers")
    @app_commands.describe(title=TITLE_HELP)
    async def show_remove(self, interaction: discord.Interaction[DramaBot], title: Title) -> None:
        work = edits.remove_show(self.catalog, actor_of(interaction), title)
        await answer(interaction, outcome(interaction, work), ephemeral=True)

    @show.command(name="alias", description="Add another name fans use for a show, or remove one")
    @app_commands.describe(title=TITLE_HELP, alias="The other name", remove="Remove this alias instead")
    async def show_alias(
        self, interaction: discord.Interaction[DramaBot], title: Title, alias: Title, remove: bool = False
    ) -> None:
        work = edits.alias(self.catalog, actor_of(interaction), title, alias, remove=remove)
        await answer(
            interaction, outcome(interaction, work, N_("the show already has that alias.")), ephemeral=True
        )

    # --- /admin season --------------------------------------------------------------------
    @season.command(name="add", description="Add a season (or set an existing season's episode count)")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP, episodes="Number of episodes")
    async def season_add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        season: SeasonNumber,
        episodes: app_commands.Range[int, 0, edits.EPISODES_MAX] | None = None,
    ) -> None:
        work = edits.add_season(self.catalog, actor_of(interaction), title, season, episodes)
        await answer(
            interaction,
            outcome(interaction, work, N_("season {season} is already there as given."), season=season),
            ephemeral=True,
        )

    @season.command(name="remove", description="Remove a season with its cast entries and trailers")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP)
    async def season_remove(
        self, interaction: discord.Interaction[DramaBot], title: Title, season: SeasonNumber
    ) -> None:
        work = edits.remove_season(self.catalog, actor_of(interaction), title, season)
        await answer(interaction, outcome(interaction, work), ephemeral=True)

    @season.command(name="status", description="Set a season's official status, with its source")
    @app_commands.describe(
        title=TITLE_HELP,
        season=SEASON_HELP,
        status="The official state (a rumoured renewal stays 'No official word')",
        source=SOURCE_HELP,
        note='A note shown with the status ("-" empties it)',
    )
    @app_commands.choices(status=STATUS_CHOICES)
    async def season_status(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        season: SeasonNumber,
        status: app_commands.Choice[str],
        source: Text,
        note: Note | None = None,
    ) -> None:
        work = edits.set_status(
            self.catalog, actor_of(interaction), title, season, status.value, source, note
        )
        nothing = N_("season {season} already has that status, source and as-of date.")
        await answer(interaction, outcome(interaction, work, nothing, season=season), ephemeral=True)

    @season.command(name="date", description="Set a season's release date, official or expected")
    @app_commands.describe(
        title=TITLE_HELP,
        season=SEASON_HELP,
        date="As precise as known: 2023, Q4 2023, 2023-10, 2023-10-06, 2023-10-06 17:00 (KST) or unknown",
        official="Announced by the network or studio (true), or only reported (false)",
        source=SOURCE_HELP,
        note='A note shown with the date ("-" empties it)',
    )
    async def season_date(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        season: SeasonNumber,
        date: app_commands.Range[str, 1, 60],
        official: bool,
        source: Text,
        note: Note | None = None,
    ) -> None:
        work = edits.set_date(
            self.catalog, actor_of(interaction), title, season, date, official, source, note
        )
        nothing = N_("season {season} already has that date, source and as-of date.")
        await answer(interaction, outcome(interaction, work, nothing, season=season), ephemeral=True)

    # --- /admin cast ----------------------------------------------------------------------
    @cast.command(name="add", description="Add a cast entry (or update one), official or expected")
    @app_commands.describe(
        title=TITLE_HELP,
        actor="Actor's name in English",
        character="The character they play",
        season="Season (leave empty for the whole show)",
        official="Confirmed by the network or studio (default: true for a new entry, unchanged otherwise)",
        source="Where this comes from (needed when not official)",
        korean_name="Actor's name in Hangul",
    )
    async def cast_add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        actor: app_commands.Range[str, 1, edits.NAME_MAX],
        character: app_commands.Range[str, 1, edits.NAME_MAX],
        season: SeasonNumber | None = None,
        official: bool | None = None,
        source: Text | None = None,
        korean_name: app_commands.Range[str, 1, edits.NAME_MAX] | None = None,
    ) -> None:
        work = edits.add_cast(
            self.catalog,
            actor_of(interaction),
            title,
            actor,
            character,
            season=season,
            official=official,
            source=source,
            korean_name=korean_name,
        )
        await answer(
            interaction, outcome(interaction, work, N_("that cast entry already reads so.")), ephemeral=True
        )

    @cast.command(name="remove", description="Remove a cast entry")
    @app_commands.describe(title=TITLE_HELP, actor="Actor's name", season="Season (empty: the whole show)")
    async def cast_remove(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        actor: app_commands.Range[str, 1, edits.NAME_MAX],
        season: SeasonNumber | None = None,
    ) -> None:
        work = edits.remove_cast(self.catalog, actor_of(interaction), title, actor, season=season)
        await answer(interaction, outcome(interaction, work), ephemeral=True)

    # --- /admin trailer -------------------------------------------------------------------
    @trailer.command(name="add", description="Add a trailer or teaser (YouTube, Vimeo, Naver TV…)")
    @app_commands.describe(
        title=TITLE_HELP,
        season=SEASON_HELP,
        url="https:// link on a known video site",
        name="Its title",
        kind="Teaser or trailer",
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def trailer_add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        season: SeasonNumber,
        url: app_commands.Range[str, 1, 500],
        name: Title | None = None,
        kind: app_commands.Choice[str] | None = None,
    ) -> None:
        work = edits.add_trailer(
            self.catalog,
            actor_of(interaction),
            title,
            season,
            url,
            name=name,
            kind=kind.value if kind else "trailer",
            hosts=self.bot.settings.trailer_hosts,
        )
        await answer(
            interaction,
            outcome(interaction, work, N_("that trailer is already there as given.")),
            ephemeral=True,
        )

    @trailer.command(name="remove", description="Remove a trailer")
    @app_commands.describe(title=TITLE_HELP, season=SEASON_HELP, url="The trailer's link")
    async def trailer_remove(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        season: SeasonNumber,
        url: app_commands.Range[str, 1, 500],
    ) -> None:
        work = edits.remove_trailer(self.catalog, actor_of(interaction), title, season, url)
        await answer(interaction, outcome(interaction, work), ephemeral=True)

    # --- /admin curator (owners only) -----------------------------------------------------
    @curator.command(name="add", description="Let a user edit the catalog")
    @app_commands.describe(user="Who")
    @app_commands.check(owners_only)
    async def curator_add(self, interaction: discord.Interaction[DramaBot], user: discord.User) -> None:
        t = text_of(interaction)

        async def make() -> Reply:
            if user.bot:
                return error_reply(t.gettext("Bots can't be curators."))
            change_id = await edits.add_curator(self.bot.store, actor_of(interaction), user.id)
            if change_id is None:
                return error_reply(
                    t.gettext("Nothing changed: {user} is already a curator.", user=user.mention)
                )
            return Reply(
                content=t.gettext("{user} is now a curator (change #{id}).", user=user.mention, id=change_id),
                ephemeral=True,
            )

        await answer(interaction, make(), ephemeral=True)

    @curator.command(name="remove", description="Stop a user from editing the catalog")
    @app_commands.describe(user="Who")
    @app_commands.check(owners_only)
    async def curator_remove(self, interaction: discord.Interaction[DramaBot], user: discord.User) -> None:
        t = text_of(interaction)

        async def make() -> Reply:
            change_id = await edits.remove_curator(self.bot.store, actor_of(interaction), user.id)
            return Reply(
                content=t.gettext(
                    "{user} is no longer a curator (change #{id}).", user=user.mention, id=change_id
                ),
                ephemeral=True,
            )

        await answer(interaction, make(), ephemeral=True)

    @curator.command(name="list", description="Who may edit the catalog")
    @app_commands.check(owners_only)
    async def curator_list(self, interaction: discord.Interaction[DramaBot]) -> None:
        async def make() -> Reply:
            curators = await edits.list_curators(self.bot.store)
            return admin_render.curators_reply(curators, self.bot.settings.owner_ids, text_of(interaction))

        await answer(interaction, make(), ephemeral=True)

    # --- history, undo, import, export ----------------------------------------------------
    @app_commands.command(name="history", description="A show's changes, newest first")
    @app_commands.describe(title=TITLE_HELP)
    async def history(self, interaction: discord.Interaction[DramaBot], title: Title) -> None:
        show = await self.catalog.resolve(title)
        t = text_of(interaction)
        reply = await history_page(self.bot, show.id, 0, t) or error_reply(t.gettext("That show is gone."))
        await send_reply(interaction, reply)

    @app_commands.command(name="undo", description="Undo a change (as a new change that can be undone too)")
    @app_commands.describe(change_id="The change's number, as its reply or /admin history shows it")
    async def undo(
        self, interaction: discord.Interaction[DramaBot], change_id: app_commands.Range[int, 1]
    ) -> None:
        work = edits.undo(self.catalog, actor_of(interaction), change_id)
        await answer(interaction, outcome(interaction, work), ephemeral=True)

    @app_commands.command(name="import", description="Import a catalog JSON file (validated whole first)")
    @app_commands.describe(file="A catalog file in the format /admin export writes")
    async def import_(self, interaction: discord.Interaction[DramaBot], file: discord.Attachment) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        t = text_of(interaction)

        async def make() -> Reply:
            if file.size > edits.IMPORT_MAX_BYTES:
                return error_reply(
                    t.gettext(
                        "Nothing imported: the file is too big ({size} bytes, at most {limit}).",
                        size=format(file.size, ","),
                        limit=format(edits.IMPORT_MAX_BYTES, ","),
                    )
                )
            data = await file.read()
            result = await edits.import_catalog(
                self.catalog, actor_of(interaction), data, hosts=self.bot.settings.trailer_hosts
            )
            log.info("import of %s by %s: %s", file.filename, interaction.user.id, result.report.summary())
            return admin_render.import_reply(result, t)

        await send_reply(interaction, await make())

    @app_commands.command(name="export", description="The whole catalog as a JSON file")
    async def export(self, interaction: discord.Interaction[DramaBot]) -> None:
        await interaction.response.defer(thinking=True, ephemeral=True)
        text, shows = await edits.export_file(self.bot.store)
        name = f"drama-catalog-{utcnow().date().isoformat()}.json"
        await interaction.followup.send(
            text_of(interaction).ngettext(
                "The catalog: {count} show. Import it with `/admin import` or `python bot.py import`.",
                "The catalog: {count} shows. Import it with `/admin import` or `python bot.py import`.",
                shows,
                count=shows,
            ),
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=name),
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )

    # --- autocomplete ---------------------------------------------------------------------
    for _command in (
        show_edit,
        show_remove,
        show_alias,
        season_add,
        season_remove,
        season_status,
        season_date,
        cast_add,
        cast_remove,
        trailer_add,
        trailer_remove,
        history,
    ):
        _command.autocomplete("title")(title_autocomplete)
    for _command in (
        season_add,
        season_remove,
        season_status,
        season_date,
        cast_add,
        cast_remove,
        trailer_add,
        trailer_remove,
    ):
        _command.autocomplete("season")(season_autocomplete)
    del _command

    @cast_remove.autocomplete("actor")
    async def credit_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        title = str(getattr(interaction.namespace, "title", "") or "")
        season = getattr(interaction.namespace, "season", None)
        return to_choices(await self.catalog.cast_choices(title, int(season) if season else None, current))

    @trailer_remove.autocomplete("url")
    async def trailer_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        title = str(getattr(interaction.namespace, "title", "") or "")
        season = getattr(interaction.namespace, "season", None)
        return to_choices(await self.catalog.trailer_choices(title, int(season) if season else None, current))


class SynopsisForm(discord.ui.Modal, title="Edit the show"):
    """The synopsis is too long for an option: it is edited here, prefilled with the current one."""

    # A Label carries the field's text (Discord's modal layout since 2025; a text input's
    # own label is deprecated in discord.py 2.6).
    synopsis_label: discord.ui.Label[SynopsisForm] = discord.ui.Label(
        text="Synopsis (empty it to remove)",
        component=discord.ui.TextInput(
            style=discord.TextStyle.paragraph, required=False, max_length=LONG_TEXT_MAX
        ),
    )

    def __init__(
        self,
        cog: Admin,
        slug: str,
        title: str,
        synopsis: str | None,
        changes: dict[str, str | None],
        t: i18n.Text,
        user_id: int,
    ) -> None:
        # No timeout: a synopsis can take a while to write, and a form that timed out would
        # drop the curator's text on submit (discord.py discards a form it no longer knows).
        super().__init__(title=t.gettext("Edit {title}", title=title)[:45], timeout=None)
        self.synopsis_label.text = t.gettext("Synopsis (empty it to remove)")[:45]
        self.cog = cog
        self.user_id = user_id
        self.slug = slug
        self.before = synopsis or ""
        self.changes = changes
        self.synopsis.default = self.before[:LONG_TEXT_MAX]

    @property
    def synopsis(self) -> discord.ui.TextInput[SynopsisForm]:
        """The text field inside the label (this form's own copy, which Discord's submit fills)."""
        return cast("discord.ui.TextInput[SynopsisForm]", self.synopsis_label.component)

    def stop(self) -> None:
        if self.cog.open_forms.get(self.user_id) is self:
            del self.cog.open_forms[self.user_id]
        super().stop()

    async def on_submit(self, interaction: discord.Interaction[DramaBot], /) -> None:
        # The form outlives the check that opened it: check again before writing.
        if not await may_curate(self.cog.bot, interaction.user):
            await send_reply(interaction, error_reply(text_of(interaction).gettext(CURATORS_ONLY)))
            return
        changes = dict(self.changes)
        typed = self.synopsis.value or ""
        if typed.strip() != self.before.strip():
            changes["synopsis"] = typed if typed.strip() else edits.CLEAR
        work = edits.edit_show(self.cog.catalog, actor_of(interaction), self.slug, changes)
        await answer(
            interaction, outcome(interaction, work, N_("the show already reads so.")), ephemeral=True
        )

    async def on_error(self, interaction: discord.Interaction[DramaBot], error: Exception, /) -> None:
        # A form's errors don't reach the command tree's handler: refusals are answered here.
        self.stop()  # answered, Discord closes the form: stop listening for it
        t = text_of(interaction)
        if isinstance(error, UserError):
            await send_reply(interaction, error_reply(t.error(error)))
            return
        log.error("the show edit form failed", exc_info=error)
        await send_reply(
            interaction, error_reply(t.gettext("Something went wrong on my side; it has been logged."))
        )


# --- history pages ---------------------------------------------------------------------------


async def history_page(bot: DramaBot, show_id: int, page: int, t: i18n.Text) -> Reply | None:
    found = await edits.history(bot.store, show_id, page, admin_render.HISTORY_PAGE_SIZE)
    if found is None:
        return None
    return admin_render.history_reply(found.show, found.changes, found.page, found.total, t)


async def history_pager(interaction: discord.Interaction[DramaBot], ids: list[int], page: int) -> Reply:
    """Another page of /admin history, for curators only (ids: the show)."""
    bot = drama_bot(interaction)
    t = text_of(interaction)
    if not await may_curate(bot, interaction.user):
        return error_reply(t.gettext(CURATORS_ONLY))
    return await history_page(bot, ids[0], page, t) or error_reply(
        t.gettext("That show is no longer in the catalog.")
    )


async def setup(bot: DramaBot) -> None:
    register_pager(bot, "history", history_pager)
    bot.add_dynamic_items(ReviewButton, HeldButton)
    await bot.add_cog(Admin(bot))
