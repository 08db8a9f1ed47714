"""Shared Discord plumbing for the cogs: sending a Reply, link buttons and page buttons."""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from kdrama import answers, i18n
from kdrama.errors import UserError
from kdrama.follow import render as follow_render
from kdrama.follow.rules import toggle
from kdrama.lookup import Choice
from kdrama.render import Reply, error_reply

if TYPE_CHECKING:
    from bot import DramaBot, Pager

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
# Discord voids an interaction not answered within 3 s; past this we defer and follow up.
DEFER_AFTER = 2.0
# Set in interaction.extras while a public "thinking…" message waits for its answer.
PUBLIC_PLACEHOLDER = "public_placeholder"
# What that placeholder says if Discord won't delete it, in the asker's language (as the answer
# it stands in for would have been): see send_privately.
ANSWERED_PRIVATELY = i18n.N_("Answered privately.")
FAILED = i18n.N_("Something went wrong on my side; it has been logged. Please try again.")


def drama_bot(interaction: discord.Interaction[DramaBot]) -> DramaBot:
    return interaction.client


def locale_of(interaction: discord.Interaction[DramaBot]) -> str:
    """Our language for the user's Discord client (English where we have no translation)."""
    return i18n.resolve(interaction.locale.value)


def build_view(reply: Reply) -> discord.ui.View | None:
    """Link buttons, a Notify me button and page buttons; the last two survive restarts."""
    if not reply.links and reply.pages <= 1 and reply.follow_show_id is None:
        return None
    view = discord.ui.View(timeout=None)
    if reply.follow_show_id is not None:
        view.add_item(NotifyButton(reply.follow_show_id, reply.follow_label))
    if reply.pages > 1 and reply.page_key:
        back, forward = reply.page_labels
        view.add_item(PageButton(reply.page_key, reply.page - 1, back, disabled=reply.page == 0))
        view.add_item(
            PageButton(reply.page_key, reply.page + 1, forward, disabled=reply.page >= reply.pages - 1)
        )
    for link in reply.links[:5]:
        view.add_item(discord.ui.Button(style=discord.ButtonStyle.link, label=link.label[:80], url=link.url))
    return view


async def send_reply(interaction: discord.Interaction[DramaBot], reply: Reply) -> None:
    """Answer the interaction with `reply`, mentions off, whether or not it was deferred."""
    kwargs: dict[str, Any] = {
        "content": reply.content,
        "embeds": reply.embeds,
        "allowed_mentions": NO_MENTIONS,
    }
    view = build_view(reply)
    if view is not None:
        kwargs["view"] = view
    if not interaction.response.is_done():
        await interaction.response.send_message(ephemeral=reply.ephemeral, **kwargs)
    elif reply.ephemeral:
        await send_privately(interaction, **kwargs)
    else:
        interaction.extras.pop(PUBLIC_PLACEHOLDER, None)  # the answer fills it
        await interaction.followup.send(**kwargs)


async def send_privately(interaction: discord.Interaction[DramaBot], **kwargs: Any) -> None:
    """A follow-up only the user sees, even after a public "thinking…" defer.

    Discord turns the first follow-up after a defer into the deferred message, public if the
    defer was: so that placeholder is deleted first (or, if that fails, emptied of anything
    but a neutral line) and the follow-up is a message of its own.

    The neutral line is public, yet in the asker's language, not the server's: it stands where
    the public answer would have been, and public answers are in the asker's language; and the
    server's locale is en-US unless a Community server chose another (none in a group DM).
    """
    if interaction.extras.pop(PUBLIC_PLACEHOLDER, False):
        try:
            await interaction.delete_original_response()
        except discord.HTTPException:
            log.warning("could not delete a public placeholder; replacing its text", exc_info=True)
            line = i18n.text(locale_of(interaction)).gettext(ANSWERED_PRIVATELY)
            await interaction.edit_original_response(content=line, allowed_mentions=NO_MENTIONS)
    await interaction.followup.send(ephemeral=True, **kwargs)


ButtonCallback = Callable[[Any, "discord.Interaction[Any]"], Awaitable[None]]


def reports_failure(callback: ButtonCallback) -> ButtonCallback:
    """A button's callback that answers its clicker privately when it fails.

    discord.py only logs what a button's callback raises: the clicker sees "This interaction
    failed", or after a defer nothing at all. A refusal (UserError) is answered as the
    commands answer it; anything else is logged and answered with the commands' sentence
    for a failure on our side (bot.DramaTree.on_error).
    """

    @functools.wraps(callback)
    async def reporting(item: Any, interaction: discord.Interaction[Any]) -> None:
        try:
            await callback(item, interaction)
        except Exception as error:
            t = i18n.text(locale_of(interaction))
            if isinstance(error, UserError):
                message = t.error(error)
            else:
                log.error(
                    "the button %s failed", getattr(item, "custom_id", type(item).__name__), exc_info=error
                )
                message = t.gettext(FAILED)
            try:
                await send_reply(interaction, error_reply(message))
            except discord.HTTPException:
                log.warning("could not tell the user that a button failed", exc_info=True)

    return reporting


def defer_in(interaction: discord.Interaction[DramaBot]) -> float:
    """Seconds left until we must defer, counted from when Discord created the interaction.

    Time already spent (checks and transformers waiting on the database, a busy event loop)
    counts. A clock behind Discord's only makes the interaction look younger: never a later
    defer than DEFER_AFTER from now.
    """
    age = (discord.utils.utcnow() - interaction.created_at).total_seconds()
    return max(0.0, DEFER_AFTER - max(0.0, age))


async def answer(
    interaction: discord.Interaction[DramaBot], work: Awaitable[Reply], *, ephemeral: bool = False
) -> None:
    """Send what `work` produces; defer first if it is not ready well inside the 3 s deadline.

    The work runs inline in the interaction's own task: most answers come from memory
    without waiting, and a task of their own would cost a trip round the event loop. A
    timer defers if the work is still waiting when the deadline nears.
    """
    deferring: asyncio.Task[None] | None = None

    def defer() -> None:
        nonlocal deferring
        deferring = asyncio.create_task(_defer(interaction, ephemeral))

    timer = asyncio.get_running_loop().call_later(defer_in(interaction), defer)
    try:
        reply = await work
    finally:
        timer.cancel()
        if deferring is not None:
            await deferring  # the answer, or the error handler's, comes after the defer, never beside it
    await send_reply(interaction, reply)


async def _defer(interaction: discord.Interaction[DramaBot], ephemeral: bool) -> None:
    await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    if not ephemeral:
        interaction.extras[PUBLIC_PLACEHOLDER] = True


def to_choices(choices: list[Choice]) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=c.name, value=c.value) for c in choices[:25]]


async def title_autocomplete(
    interaction: discord.Interaction[DramaBot], current: str
) -> list[app_commands.Choice[str]]:
    """Every `title` option: shows matching what the user has typed so far."""
    return to_choices(await drama_bot(interaction).catalog.title_choices(current))


async def season_autocomplete(
    interaction: discord.Interaction[DramaBot], current: str
) -> list[app_commands.Choice[int]]:
    """Every `season` option: the seasons of the show picked in `title`."""
    title = getattr(interaction.namespace, "title", None) or ""
    choices = await answers.season_choices(
        drama_bot(interaction).catalog, str(title), str(current), locale_of(interaction)
    )
    return [app_commands.Choice(name=c.name, value=int(c.value)) for c in choices]


def register_pager(bot: DramaBot, kind: str, pager: Pager) -> None:
    """Let page buttons of `kind` work (also after a restart): `pager` makes each page."""
    bot.add_dynamic_items(PageButton)  # keyed by its template, so adding it again is harmless
    bot.pagers[kind] = pager


class PageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"page:(?P<key>[a-z]+(?::\d+)+):(?P<page>-?\d+)",
):
    """A page button of any paged reply; its custom_id carries the page, so it works after a restart.

    The custom_id is `page:<kind>:<ids>:<page>`; the cog that owns <kind> registers its pager
    in `bot.pagers`.
    """

    def __init__(self, key: str, page: int, label: str, *, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"page:{key}:{page}",
                disabled=disabled,
            )
        )
        self.key = key
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[DramaBot], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(match["key"], int(match["page"]), "")

    @reports_failure
    async def callback(self, interaction: discord.Interaction[DramaBot]) -> None:
        kind, *ids = self.key.split(":")
        pager = drama_bot(interaction).pagers.get(kind)
        if pager is None:
            reply = error_reply(
                i18n.text(locale_of(interaction)).gettext(
                    "These buttons no longer work; run the command again."
                )
            )
        else:
            reply = await pager(interaction, [int(i) for i in ids], self.page)
        if reply.ephemeral and not reply.embeds:
            await send_reply(interaction, reply)
            return
        await interaction.response.edit_message(
            content=reply.content, embeds=reply.embeds, view=build_view(reply), allowed_mentions=NO_MENTIONS
        )


class NotifyButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"follow:(?P<show>\d+)",
):
    """ "Notify me" under /release, /show and /trailer: follows the show by DM, or unfollows it.

    The custom_id is `follow:<show id>`, so a button on an old message works after a restart;
    whoever clicks is the one who follows, and only they see the confirmation.
    """

    def __init__(self, show_id: int, label: str = "Notify me") -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:80],
                emoji="🔔",
                style=discord.ButtonStyle.primary,
                custom_id=f"follow:{show_id}",
            )
        )
        self.show_id = show_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> NotifyButton:
        return cls(int(match["show"]))

    @reports_failure
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        bot = drama_bot(interaction)
        t = i18n.text(locale_of(interaction))
        show = await bot.store.catalog.show(self.show_id)
        if show is None:
            reply = error_reply(t.gettext("That show is no longer in the catalog."))
        else:
            try:
                result = await toggle(
                    bot.store,
                    interaction.user.id,
                    show.ref,
                    limit=bot.settings.follow_limit,
                    language=locale_of(interaction),
                )
            except UserError as e:
                reply = error_reply(t.error(e))
            else:
                text = (
                    follow_render.unfollowed_text(show.title, t, button=True, korean_title=show.korean_title)
                    if result is None
                    else follow_render.followed_text(result, show.title, t, korean_title=show.korean_title)
                )
                reply = error_reply(text)
        await send_reply(interaction, reply)
