"""Server staff subscribe channels to shows; the delivery engine posts the news there."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from cogs import http_answers
from cogs.dm import DMSender
from cogs.ui import build_view, locale_of, register_pager, send_reply, to_choices
from kdrama import edits, i18n
from kdrama.errors import Markup, UserError
from kdrama.i18n import N_, Phrase, Phrases
from kdrama.models import Delivery, Shards
from kdrama.notices import NoticeRenderer
from kdrama.render import Reply, cut, error_reply
from kdrama.watch import render
from kdrama.watch.clock import clock_loop
from kdrama.watch.engine import ChannelUnusable, DeliveryEngine, Rejected, RetryLater
from kdrama.watch.subscriptions import (
    bot_removed,
    channel_deleted,
    event_choices,
    followed,
    followed_choices,
    is_every_show,
    kept_subscriptions,
    parse_events_option,
    subscribe,
    unsubscribe,
    watch_list,
)
from kdrama.watch.supervisor import supervise

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SHUTDOWN_GRACE = 5.0
# What the bot needs in a channel to post a notification there.
NEEDED = (
    ("view_channel", N_("View Channel")),
    ("send_messages", N_("Send Messages")),
    ("embed_links", N_("Embed Links")),
)
# Stored in English with the paused subscription; /watch list translates them.
PAUSE_REASONS = {
    10003: N_("the channel no longer exists"),
    50001: N_("the bot can't see this channel (Missing Access)"),
    50013: N_("the bot lacks permission to post here (Missing Permissions)"),
}
GUILD_REMOVED = N_("the bot was removed from this server")
LANGUAGE_CHOICES = [
    app_commands.Choice(name=i18n.LANGUAGE_NAMES[lang], value=lang) for lang in i18n.LANGUAGES
]
Title = app_commands.Range[str, 1, 200]


def pause_reason(e: discord.HTTPException) -> str:
    return PAUSE_REASONS.get(e.code) or (
        "the channel no longer exists" if e.status == 404 else f"Discord refused access (HTTP {e.status})"
    )


class DiscordSender:
    """Posts a rendered notice with discord.py and turns its errors into the engine's."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        self.dms = DMSender(bot)

    async def send(self, delivery: Delivery, message: Reply) -> int | None:
        if delivery.is_dm:
            return await self.dms.send(delivery, message)
        channel = self.bot.get_partial_messageable(delivery.channel_id, guild_id=delivery.guild_id)
        roles = [discord.Object(r) for r in delivery.role_ids]
        mentions = (
            discord.AllowedMentions(everyone=False, users=False, roles=roles, replied_user=False)
            if roles
            else NO_MENTIONS
        )
        kwargs: dict[str, Any] = {
            "content": message.content,
            "embeds": message.embeds,
            "allowed_mentions": mentions,
            "nonce": delivery.nonce,  # discord.py adds enforce_nonce: a retry can't post twice
        }
        view = build_view(message)
        if view is not None:
            kwargs["view"] = view
        try:
            sent = await channel.send(**kwargs)
        except discord.NotFound as e:
            raise ChannelUnusable(pause_reason(e), status=e.status, code=e.code) from e
        except discord.Forbidden as e:
            raise ChannelUnusable(pause_reason(e), status=e.status, code=e.code) from e
        except discord.HTTPException as e:
            # A 401 or a bot-wide 429 stops every sender; the message stays queued.
            failure = http_answers.bot_wide_stop(e) or http_answers.retry_later(e)
            if failure is not None:
                raise failure from e
            raise Rejected(http_answers.detail(e), status=e.status, code=e.code) from e
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            raise RetryLater(f"{type(e).__name__}: {e}") from e
        return sent.id


def _missing(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    missing = [label for attr, label in NEEDED if not getattr(perms, attr)]  # English: the message ids
    # Discord denies what depends on a missing permission (no View Channel: nothing; no Send
    # Messages: no Embed Links); name only the root of the problem.
    return missing[:1] if missing and missing[0] != "Embed Links" else missing


@app_commands.guild_only()
@app_commands.allowed_installs(guilds=True, users=False)
@app_commands.default_permissions(manage_channels=True)
class Watch(commands.GroupCog, group_name="watch", group_description="Post show news in a channel"):
    """/watch add, remove and list, and the loops that deliver the news."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        self.engine: DeliveryEngine[Reply] = DeliveryEngine(
            bot.store,
            NoticeRenderer(bot.store),
            DiscordSender(bot),
            budget=bot.budget,
            shards=self._shards,
            retention=timedelta(days=bot.settings.outbox_retention_days),
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
        # Each channel's subscriptions and their names' index, kept while staff type in /watch remove.
        self.kept = kept_subscriptions(bot.store, lambda: bot.catalog.generation)
        super().__init__()

    def _shards(self) -> Shards | None:
        count = self.bot.shard_count or 1
        ids = self.bot.shard_ids
        if count <= 1 or ids is None:
            return None
        return Shards(count, frozenset(ids))

    # --- lifecycle -------------------------------------------------------------------------
    async def cog_load(self) -> None:
        self._stopping = False
        self._tasks = [
            asyncio.create_task(self._after_ready(self._deliveries), name="watch-deliveries"),
            asyncio.create_task(self._after_ready(self._clock), name="watch-clock"),
        ]
        for task in self._tasks:
            task.add_done_callback(self._log_end)

    async def cog_unload(self) -> None:
        # Sends in flight get a few seconds to finish; the rest stay queued for the next start.
        self._stopping = True
        await self.engine.stop(SHUTDOWN_GRACE)
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=SHUTDOWN_GRACE)
            for task in late:
                log.error("%s did not stop when asked", task.get_name())
        self._tasks = []

    def _log_end(self, task: asyncio.Task[None]) -> None:
        # A loop that ends while the cog is loaded is the silent stop this module exists to
        # prevent: say so loudly.
        if task.cancelled() or self._stopping:
            return
        if task.exception() is not None:
            log.error("%s stopped with an error", task.get_name(), exc_info=task.exception())
        else:
            log.error("%s stopped", task.get_name())

    async def _after_ready(self, work: Callable[[], Awaitable[None]]) -> None:
        await self.bot.wait_until_ready()
        await work()

    async def _deliveries(self) -> None:
        await supervise("the delivery loop", self.engine.run, stopping=lambda: self._stopping)

    async def _clock(self) -> None:
        await supervise(
            "the release clock",
            lambda: clock_loop(lambda: edits.release_due(self.bot.catalog), self.engine.wake),
            stopping=lambda: self._stopping,
        )

    # --- gateway events --------------------------------------------------------------------
    @commands.Cog.listener()
    async def on_guild_channel_delete(self, channel: discord.abc.GuildChannel) -> None:
        try:
            removed = await channel_deleted(self.bot.store, channel.id)
        except Exception:
            log.exception("could not drop the subscriptions of deleted channel %d", channel.id)
            return
        if removed:
            log.info("channel %d was deleted: removed its %d subscriptions", channel.id, removed)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        try:
            paused = await bot_removed(self.bot.store, guild.id, GUILD_REMOVED)
        except Exception:
            log.exception("could not pause the subscriptions of server %d", guild.id)
            return
        if paused:
            log.info("removed from server %d: paused its %d subscriptions", guild.id, paused)

    # --- commands --------------------------------------------------------------------------
    @app_commands.command(name="add", description="Post news about a show (or every show) in a channel")
    @app_commands.describe(
        title="The show, or “Every show”",
        channel="Where to post (default: this channel)",
        events="Which news: status, date, trailer, cast, release, comma-separated (default: all)",
        role="A role to ping with each notification",
        language="The notifications' language (default: the server's, else English)",
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    @app_commands.checks.has_permissions(manage_channels=True)
    async def add(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        channel: discord.TextChannel | None = None,
        events: app_commands.Range[str, 0, 100] | None = None,
        role: discord.Role | None = None,
        language: app_commands.Choice[str] | None = None,
    ) -> None:
        t = text_of(interaction)
        try:
            target = self._target(interaction, channel)
            wanted = parse_events_option(events)
            if role is not None and role.is_default():
                raise UserError("Pick a role to ping, not @everyone; or leave the role empty to ping no one.")
            if role is not None:
                _check_may_ping(interaction.user, role, target)
            show = None if is_every_show(title) else await self.bot.catalog.resolve(title)
            result = await subscribe(
                self.bot.store,
                guild_id=target.guild.id,
                channel_id=target.id,
                show_id=show.id if show else None,
                events=wanted,
                role_id=role.id if role else None,
                created_by=interaction.user.id,
                max_per_server=self.bot.settings.max_subscriptions_per_server,
                language=language.value if language else notice_language(interaction),
            )
        except UserError as e:
            return await _private(interaction, t.error(e))
        me = target.guild.me
        unpingable = (
            role is not None
            and not role.mentionable
            and me is not None
            and not target.permissions_for(me).mention_everyone
        )
        if result.resumed or result.resent:
            self.engine.wake()
        text = render.added_text(
            result,
            show.title if show else None,
            target.mention,
            role.mention if role else None,
            role_unpingable=unpingable,
            t=t,
            korean_title=show.korean_title if show else None,
        )
        await _private(interaction, text)

    @app_commands.command(name="remove", description="Stop posting news about a show in a channel")
    @app_commands.describe(
        title="The show (or “Every show”) the channel follows",
        channel="The channel (default: this channel)",
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def remove(
        self,
        interaction: discord.Interaction[DramaBot],
        title: Title,
        channel: discord.TextChannel | None = None,
    ) -> None:
        t = text_of(interaction)
        try:
            target = self._target(interaction, channel, check_bot=False)
            show = None if is_every_show(title) else await self.bot.catalog.resolve(title)
        except UserError as e:
            return await _private(interaction, t.error(e))
        show_id, show_title = (show.id, show.title) if show else (None, None)
        korean = show.korean_title if show else None
        if await unsubscribe(self.bot.store, target.id, show_id):
            return await _private(interaction, render.removed_text(target.mention, show_title, t, korean))
        subs = await followed(self.bot.store, target.guild.id, target.id)
        await _private(interaction, render.not_followed_text(target.mention, show_title, subs, t, korean))

    @app_commands.command(name="list", description="What a channel (or this server) follows")
    @app_commands.describe(channel="Only this channel (default: every channel in the server)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def list_(
        self, interaction: discord.Interaction[DramaBot], channel: discord.TextChannel | None = None
    ) -> None:
        guild = interaction.guild
        assert guild is not None
        reply = await _list_page(self.bot, guild, channel.id if channel else None, 0, text_of(interaction))
        await send_reply(interaction, reply)

    # --- autocomplete ----------------------------------------------------------------------
    @add.autocomplete("title")
    async def add_title_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return to_choices(
            await self.bot.catalog.title_choices(current, every_show=True, locale=locale_of(interaction))
        )

    @remove.autocomplete("title")
    async def remove_title_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        chosen = getattr(interaction.namespace, "channel", None)
        channel_id = int(chosen.id) if chosen is not None else interaction.channel_id
        if channel_id is None:
            return []
        return to_choices(
            await followed_choices(
                self.bot.store,
                interaction.guild_id,
                channel_id,
                current,
                locale_of(interaction),
                kept=self.kept,
            )
        )

    @add.autocomplete("events")
    async def events_autocomplete(
        self, interaction: discord.Interaction[DramaBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=n, value=v) for n, v in event_choices(current, locale_of(interaction))
        ]

    # --- helpers ---------------------------------------------------------------------------
    def _target(
        self,
        interaction: discord.Interaction[DramaBot],
        channel: discord.TextChannel | None,
        *,
        check_bot: bool = True,
    ) -> discord.TextChannel:
        """The channel to act on; a UserError says why it can't be used."""
        guild = interaction.guild
        if guild is None:
            raise UserError("This command works in a server, not in direct messages.")
        target = channel if channel is not None else interaction.channel
        if not isinstance(target, discord.TextChannel):
            raise UserError("Run this in a text channel, or choose one with the channel option.")
        if target.guild.id != guild.id:
            raise UserError("Choose a channel in this server.")
        # The command's own check looked at the channel it was typed in; what counts is the
        # channel whose subscriptions change.
        member = interaction.user
        if not isinstance(member, discord.Member) or not target.permissions_for(member).manage_channels:
            raise UserError(
                "You need the Manage Channels permission in {channel} to change what it follows.",
                channel=Markup(target.mention),
            )
        if not check_bot:
            return target
        me = guild.me
        if me is None:
            raise UserError("I can't see my own permissions in this server yet; try again in a minute.")
        missing = _missing(target, me)
        if missing:
            raise UserError(
                "I can't post in {channel}: I'm missing {perms} there. Give me {perms} in that channel "
                "(or its category), then run /watch add again.",
                channel=Markup(target.mention),
                perms=Phrases(tuple(Phrase.of(p) for p in missing)),
            )
        return target


def text_of(interaction: discord.Interaction[DramaBot]) -> i18n.Text:
    """Replies in the staff member's language."""
    return i18n.text(locale_of(interaction))


def notice_language(interaction: discord.Interaction[DramaBot]) -> str:
    """The server's preferred language (its community locale), where we have it; else English."""
    locale = interaction.guild_locale or (interaction.guild.preferred_locale if interaction.guild else None)
    return i18n.resolve(locale.value if locale else i18n.ENGLISH)


def _check_may_ping(
    user: discord.User | discord.Member, role: discord.Role, target: discord.TextChannel
) -> None:
    """Staff may have a role pinged only where they could ping it themselves."""
    if role.mentionable:
        return
    if isinstance(user, discord.Member) and target.permissions_for(user).mention_everyone:
        return
    raise UserError(
        "You can't have {role} pinged in {channel}: the role isn't mentionable, and you don't have "
        "Mention @everyone, @here and All Roles there.",
        role=Markup(role.mention),
        channel=Markup(target.mention),
    )


def _channel_name(guild: discord.Guild, channel_id: int) -> str:
    channel = guild.get_channel(channel_id)
    return cut(channel.name, 90) if channel is not None else f"deleted-channel-{channel_id}"


async def _list_page(
    bot: DramaBot, guild: discord.Guild, channel_id: int | None, page: int, t: i18n.Text
) -> Reply:
    """One page of /watch list for the server (or one channel of it)."""
    answer = await watch_list(bot.store, guild.id, channel_id)
    where = f"<#{channel_id}>" if channel_id else t.gettext("this server")
    if not answer.channels:
        return error_reply(render.nothing_followed_text(where, t))
    return render.watch_list_reply(
        answer,
        where,
        one_channel=channel_id is not None,
        channel_name=lambda ch: _channel_name(guild, ch),
        t=t,
        page=page,
    )


async def list_pager(interaction: discord.Interaction[DramaBot], ids: list[int], page: int) -> Reply:
    """Another page of /watch list (ids: the one channel listed, or 0 for the whole server)."""
    t = text_of(interaction)
    guild = interaction.guild
    if guild is None:
        return error_reply(t.gettext("This command works in a server, not in direct messages."))
    # As the command's own check: staff who lost Manage Channels since don't page on.
    if not interaction.permissions.manage_channels:
        return error_reply(
            t.gettext(
                "You need the {permissions} permission to use this command.",
                permissions=Phrases((Phrase.of(N_("Manage Channels")),)),
            )
        )
    return await _list_page(interaction.client, guild, ids[0] or None, page, t)


async def _private(interaction: discord.Interaction[DramaBot], text: str) -> None:
    await interaction.response.send_message(cut(text, 2000), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: DramaBot) -> None:
    register_pager(bot, "watch", list_pager)
    await bot.add_cog(Watch(bot))
