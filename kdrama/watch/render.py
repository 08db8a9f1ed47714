"""What staff read from /watch: its replies and the /watch list embed (no Discord calls)."""

from __future__ import annotations

from collections.abc import Callable

import discord

from kdrama.models import AddResult, Subscription, events_text
from kdrama.render import COLOUR, FIELD_VALUE_MAX, Reply, cut, fit, safe
from kdrama.watch.subscriptions import WatchList


def events_label(sub: Subscription) -> str:
    """The news a subscription asked for, as staff read it."""
    return "all events" if len(sub.events) == 5 else events_text(sub.events).replace(",", ", ")


def added_text(
    result: AddResult, show_title: str | None, channel: str, role: str | None, *, role_unpingable: bool
) -> str:
    """The reply to /watch add; `channel` and `role` are mentions, `show_title` None is every show."""
    what = f"**{safe(show_title)}**" if show_title is not None else "**every show**"
    verb = "Now posting" if result.created else "Updated: posting"
    lines = [f"{verb} news about {what} in {channel}: {events_label(result.subscription)}."]
    if role is not None:
        lines.append(f"Each notification pings {role}.")
        if role_unpingable:
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
    return "\n".join(lines)


def _label(show_title: str | None) -> str:
    return safe(show_title) if show_title is not None else "every show"


def removed_text(channel: str, show_title: str | None) -> str:
    """The reply to /watch remove when the channel followed it (`show_title` None: every show)."""
    return f"{channel} no longer follows **{_label(show_title)}**."


def not_followed_text(channel: str, show_title: str | None, subs: list[Subscription]) -> str:
    """The reply to /watch remove when the channel did not follow it."""
    follows = ", ".join(safe(s.show_title) for s in subs) or "nothing"
    return f"{channel} doesn't follow **{_label(show_title)}**; it follows {follows}."


def nothing_followed_text(where: str) -> str:
    return f"Nothing is followed in {where} yet. Start with /watch add."


def watch_list_reply(
    answer: WatchList, where: str, *, one_channel: bool, channel_name: Callable[[int], str]
) -> Reply:
    """The /watch list embed: one field per channel, paused ones first, saying how to fix them."""
    embed = discord.Embed(title="Followed shows", colour=COLOUR)
    for watched in answer.channels:
        lines = []
        for s in watched.subscriptions:
            line = f"• **{safe(s.show_title)}** · {events_label(s)}"
            if s.role_id:
                line += f" · pings <@&{s.role_id}>"
            if s.paused:
                since = discord.utils.format_dt(s.paused_at, "R") if s.paused_at else ""
                line += f"\n  ⏸ Paused {since}: {safe(s.paused_reason)}."
            lines.append(line)
        if watched.paused:
            lines.append("Fix the channel, then run /watch add there again to resume it.")
        if watched.backlog.pending:
            lines.append(f"{watched.backlog.pending} notification(s) waiting to be posted.")
        embed.add_field(
            name=f"#{channel_name(watched.channel_id)}",
            value=cut("\n".join(lines), FIELD_VALUE_MAX),
            inline=False,
        )
    embed.description = f"In {where}:" if one_channel else None
    if answer.more:
        embed.set_footer(text=f"… and {answer.more} more channels: pick one with the channel option.")
    return Reply(embeds=[fit(embed)], ephemeral=True)
