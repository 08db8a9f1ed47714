"""Server staff subscribe channels to shows; the delivery engine posts the news there."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from cogs.ui import build_view, to_choices
from kdrama import edits
from kdrama.lookup import EVERY_SHOW, UserError
from kdrama.notices import NoticeRenderer
from kdrama.render import Reply, cut, fit, safe
from kdrama.search import normalize
from kdrama.watch import (
    ChannelUnusable,
    Delivery,
    DeliveryEngine,
    EventsError,
    Rejected,
    RetryLater,
    Shards,
    Subscription,
    WatchStore,
    clock_loop,
    event_choices,
    events_text,
    parse_events_option,
    supervise,
)

if TYPE_CHECKING:
    from bot import DramaBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
SHUTDOWN_GRACE = 5.0
# What the bot needs in a channel to post a notification there.
NEEDED = (
    ("view_channel", "View Channel"),
    ("send_messages", "Send Messages"),
    ("embed_links", "Embed Links"),
)
PAUSE_REASONS = {
    10003: "the channel no longer exists",
    50001: "the bot can't see this channel (Missing Access)",
    50013: "the bot lacks permission to post here (Missing Permissions)",
}
GUILD_REMOVED = "the bot was removed from this server"
Title = app_commands.Range[str, 1, 200]
LIST_CHANNELS_MAX = 24  # embed fields, leaving room under Discord's 25


def pause_reason(e: discord.HTTPException) -> str:
    return PAUSE_REASONS.get(e.code) or (
        "the channel no longer exists" if e.status == 404 else f"Discord refused access (HTTP {e.status})"
    )


class DiscordSender:
    """Posts a rendered notice with discord.py and turns its errors into the engine's."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot

    async def send(self, delivery: Delivery, message: Reply) -> int | None:
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
            detail = f"HTTP {e.status} (code {e.code}): {cut(e.text or '', 200)}"
            # 401 means the whole bot lost its token, not that this message is bad: keep it.
            if e.status in (401, 429) or e.status >= 500:
                retry_after = _retry_after(e)
                raise RetryLater(detail, status=e.status, code=e.code, retry_after=retry_after) from e
            raise Rejected(detail, status=e.status, code=e.code) from e
        except (aiohttp.ClientError, OSError, TimeoutError) as e:
            raise RetryLater(f"{type(e).__name__}: {e}") from e
        return sent.id


def _retry_after(e: discord.HTTPException) -> float | None:
    header = e.response.headers.get("Retry-After") if e.response is not None else None
    try:
        return float(header) if header else None
    except ValueError:
        return None


def _missing(channel: discord.abc.GuildChannel, me: discord.Member) -> list[str]:
    perms = channel.permissions_for(me)
    missing = [label for attr, label in NEEDED if not getattr(perms, attr)]
    # Discord denies what depends on a missing permission (no View Channel: nothing; no Send
    # Messages: no Embed Links); name only the root of the problem.
    return missing[:1] if missing and missing[0] != "Embed Links" else missing


def _events_label(sub: Subscription) -> str:
    return "all events" if len(sub.events) == 5 else events_text(sub.events).replace(",", ", ")


@app_commands.guild_only()
@app_commands.default_permissions(manage_channels=True)
class Watch(commands.GroupCog, group_name="watch", group_description="Post show news in a channel"):
    """/watch add, remove and list, and the loops that deliver the news."""

    def __init__(self, bot: DramaBot) -> None:
        self.bot = bot
        self.watch = WatchStore(bot.store)
        self.engine: DeliveryEngine[Reply] = DeliveryEngine(
            self.watch, NoticeRenderer(bot.store), DiscordSender(bot), shards=self._shards
        )
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False
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
            removed = await self.watch.delete_channel(channel.id)
        except Exception:
            log.exception("could not drop the subscriptions of deleted channel %d", channel.id)
            return
        if removed:
            log.info("channel %d was deleted: removed its %d subscriptions", channel.id, removed)

    @commands.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        try:
            paused = await self.watch.pause_guild(guild.id, GUILD_REMOVED)
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
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def add(
        self,
        interaction: discord.Interaction[Any],
        title: Title,
        channel: discord.TextChannel | None = None,
        events: app_commands.Range[str, 0, 100] | None = None,
        role: discord.Role | None = None,
    ) -> None:
        target, problem = self._target(interaction, channel)
        if problem:
            return await _private(interaction, problem)
        assert target is not None and interaction.guild is not None
        try:
            wanted = parse_events_option(events)
        except EventsError as e:
            return await _private(interaction, str(e))
        if role is not None and role.is_default():
            return await _private(
                interaction, "Pick a role to ping, not @everyone; or leave the role empty to ping no one."
            )
        try:
            show = None if _every_show(title) else await self.bot.catalog.resolve(title)
        except UserError as e:
            return await _private(interaction, str(e))
        result = await self.watch.add(
            guild_id=interaction.guild.id,
            channel_id=target.id,
            show_id=show.id if show else None,
            events=wanted,
            role_id=role.id if role else None,
            created_by=interaction.user.id,
        )
        what = f"**{safe(show.title)}**" if show else "**every show**"
        verb = "Now posting" if result.created else "Updated: posting"
        lines = [f"{verb} news about {what} in {target.mention}: {_events_label(result.subscription)}."]
        if role is not None:
            lines.append(f"Each notification pings {role.mention}.")
            me = interaction.guild.me
            if not role.mentionable and me is not None and not target.permissions_for(me).mention_everyone:
                lines.append(
                    "That role is not mentionable and the bot can't mention it anyway: make the role "
                    "mentionable or give the bot Mention All Roles, or the ping will be plain text."
                )
        if result.resumed:
            lines.append(f"Resumed the channel's {result.resumed} paused subscription(s).")
        if result.resent:
            lines.append(f"{result.resent} notification(s) it missed will be posted now.")
        if result.dropped:
            lines.append(f"{result.dropped} older missed notification(s) were dropped as stale.")
        if result.resumed or result.resent:
            self.engine.wake()
        await _private(interaction, "\n".join(lines))

    @app_commands.command(name="remove", description="Stop posting news about a show in a channel")
    @app_commands.describe(
        title="The show (or “Every show”) the channel follows",
        channel="The channel (default: this channel)",
    )
    @app_commands.checks.has_permissions(manage_channels=True)
    async def remove(
        self,
        interaction: discord.Interaction[Any],
        title: Title,
        channel: discord.TextChannel | None = None,
    ) -> None:
        target, problem = self._target(interaction, channel, check_bot=False)
        if problem:
            return await _private(interaction, problem)
        assert target is not None
        show_id: int | None = None
        label = "every show"
        if not _every_show(title):
            try:
                show = await self.bot.catalog.resolve(title)
            except UserError as e:
                return await _private(interaction, str(e))
            show_id, label = show.id, safe(show.title)
        if await self.watch.remove(target.id, show_id):
            return await _private(interaction, f"{target.mention} no longer follows **{label}**.")
        subs = await self.watch.subscriptions(target.guild.id, target.id)
        follows = ", ".join(safe(s.show_title) for s in subs) or "nothing"
        await _private(interaction, f"{target.mention} doesn't follow **{label}**; it follows {follows}.")

    @app_commands.command(name="list", description="What a channel (or this server) follows")
    @app_commands.describe(channel="Only this channel (default: every channel in the server)")
    @app_commands.checks.has_permissions(manage_channels=True)
    async def list_(
        self, interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None
    ) -> None:
        assert interaction.guild is not None
        subs = await self.watch.subscriptions(interaction.guild.id, channel.id if channel else None)
        where = channel.mention if channel else "this server"
        if not subs:
            return await _private(interaction, f"Nothing is followed in {where} yet. Start with /watch add.")
        embed = discord.Embed(title="Followed shows", colour=discord.Colour(0xE50914))
        by_channel: dict[int, list[Subscription]] = {}
        for s in subs:
            by_channel.setdefault(s.channel_id, []).append(s)
        # Paused channels first: they are what staff must act on.
        ordered = sorted(by_channel.items(), key=lambda kv: not any(s.paused for s in kv[1]))
        shown = ordered[:LIST_CHANNELS_MAX]
        for channel_id, group in shown:
            lines = []
            for s in group:
                line = f"• **{safe(s.show_title)}** · {_events_label(s)}"
                if s.role_id:
                    line += f" · pings <@&{s.role_id}>"
                if s.paused:
                    since = discord.utils.format_dt(s.paused_at, "R") if s.paused_at else ""
                    line += f"\n  ⏸ Paused {since}: {safe(s.paused_reason)}."
                lines.append(line)
            if any(s.paused for s in group):
                lines.append("Fix the channel, then run /watch add there again to resume it.")
            backlog = await self.watch.backlog(channel_id)
            if backlog.pending:
                lines.append(f"{backlog.pending} notification(s) waiting to be posted.")
            embed.add_field(
                name=f"#{_channel_name(interaction.guild, channel_id)}",
                value=cut("\n".join(lines), 1024),
                inline=False,
            )
        embed.description = f"In {where}:" if channel else None
        if len(ordered) > len(shown):
            embed.set_footer(
                text=f"… and {len(ordered) - len(shown)} more channels: pick one with the channel option."
            )
        await interaction.response.send_message(
            embed=fit(embed), ephemeral=True, allowed_mentions=NO_MENTIONS
        )

    # --- autocomplete ----------------------------------------------------------------------
    @add.autocomplete("title")
    async def add_title_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return to_choices(await self.bot.catalog.title_choices(current, every_show=True))

    @remove.autocomplete("title")
    async def remove_title_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        chosen = getattr(interaction.namespace, "channel", None)
        channel_id = int(chosen.id) if chosen is not None else interaction.channel_id
        if channel_id is None:
            return []
        subs = await self.watch.subscriptions(interaction.guild_id, channel_id)
        typed = normalize(current)
        out = []
        for s in subs:
            if typed and typed not in normalize(s.show_title):
                continue
            value = s.show.slug if s.show else EVERY_SHOW
            name = s.show_title + (" (paused)" if s.paused else "")
            out.append(app_commands.Choice(name=cut(name, 100), value=value))
        return out[:25]

    @add.autocomplete("events")
    async def events_autocomplete(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=n, value=v) for n, v in event_choices(current)]

    # --- helpers ---------------------------------------------------------------------------
    def _target(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel | None,
        *,
        check_bot: bool = True,
    ) -> tuple[discord.TextChannel | None, str | None]:
        """The channel to act on, or a sentence saying why it can't be used."""
        guild = interaction.guild
        if guild is None:
            return None, "This command works in a server, not in direct messages."
        target = channel if channel is not None else interaction.channel
        if not isinstance(target, discord.TextChannel):
            return None, "Run this in a text channel, or choose one with the channel option."
        if target.guild.id != guild.id:
            return None, "Choose a channel in this server."
        if not check_bot:
            return target, None
        me = guild.me
        if me is None:
            return None, "I can't see my own permissions in this server yet; try again in a minute."
        missing = _missing(target, me)
        if missing:
            perms = ", ".join(missing)
            return None, (
                f"I can't post in {target.mention}: I'm missing {perms} there. Give me "
                f"{perms} in that channel (or its category), then run /watch add again."
            )
        return target, None


def _every_show(title: str) -> bool:
    """The "Every show" choice, or those words typed without picking it."""
    return title.strip() == EVERY_SHOW or normalize(title) in {
        normalize(w) for w in ("every show", "all shows", "every", "all")
    }


def _channel_name(guild: discord.Guild, channel_id: int) -> str:
    channel = guild.get_channel(channel_id)
    return cut(channel.name, 90) if channel is not None else f"deleted-channel-{channel_id}"


async def _private(interaction: discord.Interaction[Any], text: str) -> None:
    await interaction.response.send_message(cut(text, 2000), ephemeral=True, allowed_mentions=NO_MENTIONS)


async def setup(bot: DramaBot) -> None:
    await bot.add_cog(Watch(bot))
