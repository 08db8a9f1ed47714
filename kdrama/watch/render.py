"""What staff read from /watch: its replies and the /watch list embed (no Discord calls)."""

from __future__ import annotations

from collections.abc import Callable

import discord

from kdrama import i18n
from kdrama.describe import EVENT_NAMES
from kdrama.i18n import Text
from kdrama.lookup import EVERY_SHOW_NAME
from kdrama.models import ALL_EVENTS, AddResult, Event, Subscription
from kdrama.render import COLOUR, FIELD_VALUE_MAX, Reply, cut, fit, safe, show_name
from kdrama.watch.subscriptions import WatchList

EN = i18n.text(i18n.ENGLISH)


def events_label(sub: Subscription, t: Text = EN) -> str:
    """The news a subscription asked for, as staff read it."""
    if sub.events == ALL_EVENTS:
        return t.gettext("all events")
    return ", ".join(t.gettext(EVENT_NAMES[e]) for e in Event if e in sub.events)


def _label(show_title: str | None, t: Text, korean_title: str | None = None) -> str:
    return show_name(show_title, korean_title, t) if show_title is not None else t.gettext("every show")


def show_label(sub: Subscription, t: Text = EN) -> str:
    """What a subscription follows: the show's title, or "Every show" in the reader's language."""
    return safe(sub.show.title) if sub.show else t.gettext(EVERY_SHOW_NAME)


def added_text(
    result: AddResult,
    show_title: str | None,
    channel: str,
    role: str | None,
    *,
    role_unpingable: bool,
    t: Text = EN,
    korean_title: str | None = None,
) -> str:
    """The reply to /watch add; `channel` and `role` are mentions, `show_title` None is every show."""
    what = f"**{_label(show_title, t, korean_title)}**"
    events = events_label(result.subscription, t)
    if result.created:
        lines = [
            t.gettext(
                "Now posting news about {what} in {channel}: {events}.",
                what=what,
                channel=channel,
                events=events,
            )
        ]
    else:
        lines = [
            t.gettext(
                "Updated: posting news about {what} in {channel}: {events}.",
                what=what,
                channel=channel,
                events=events,
            )
        ]
    language = result.subscription.language or i18n.ENGLISH
    if language != i18n.ENGLISH or not t.english:
        lines.append(
            t.gettext(
                "Notifications are written in {language}.", language=t.gettext(i18n.LANGUAGE_NAMES[language])
            )
        )
    if role is not None:
        lines.append(t.gettext("Each notification pings {role}.", role=role))
        if role_unpingable:
            lines.append(
                t.gettext(
                    "That role is not mentionable and the bot can't mention it anyway: make the role "
                    "mentionable or give the bot Mention All Roles, or the ping will be plain text."
                )
            )
    if result.resumed:
        lines.append(t.gettext("Resumed the channel's {count} paused subscription(s).", count=result.resumed))
    if result.resent:
        lines.append(t.gettext("{count} notification(s) it missed will be posted now.", count=result.resent))
    if result.dropped:
        lines.append(
            t.gettext("{count} older missed notification(s) were dropped as stale.", count=result.dropped)
        )
    return "\n".join(lines)


def removed_text(channel: str, show_title: str | None, t: Text = EN, korean_title: str | None = None) -> str:
    """The reply to /watch remove when the channel followed it (`show_title` None: every show)."""
    return t.gettext(
        "{channel} no longer follows **{show}**.", channel=channel, show=_label(show_title, t, korean_title)
    )


def not_followed_text(channel: str, show_title: str | None, subs: list[Subscription], t: Text = EN) -> str:
    """The reply to /watch remove when the channel did not follow it."""
    follows = ", ".join(show_label(s, t) for s in subs) or t.gettext("nothing")
    return t.gettext(
        "{channel} doesn't follow **{show}**; it follows {follows}.",
        channel=channel,
        show=_label(show_title, t),
        follows=follows,
    )


def nothing_followed_text(where: str, t: Text = EN) -> str:
    return t.gettext("Nothing is followed in {where} yet. Start with /watch add.", where=where)


def watch_list_reply(
    answer: WatchList, where: str, *, one_channel: bool, channel_name: Callable[[int], str], t: Text = EN
) -> Reply:
    """The /watch list embed: one field per channel, paused ones first, saying how to fix them."""
    embed = discord.Embed(title=t.gettext("Followed shows"), colour=COLOUR)
    for watched in answer.channels:
        lines = []
        for s in watched.subscriptions:
            line = f"• **{show_label(s, t)}** · {events_label(s, t)}"
            if s.role_id:
                line += " · " + t.gettext("pings {role}", role="<@&" + str(s.role_id) + ">")
            if s.paused:
                since = discord.utils.format_dt(s.paused_at, "R") if s.paused_at else ""
                reason = t.gettext(s.paused_reason) if s.paused_reason else ""
                line += "\n  ⏸ " + t.gettext("Paused {since}: {reason}.", since=since, reason=safe(reason))
            lines.append(line)
        if watched.paused:
            lines.append(t.gettext("Fix the channel, then run /watch add there again to resume it."))
        if watched.backlog.pending:
            lines.append(
                t.gettext("{count} notification(s) waiting to be posted.", count=watched.backlog.pending)
            )
        embed.add_field(
            name=f"#{channel_name(watched.channel_id)}",
            value=cut("\n".join(lines), FIELD_VALUE_MAX),
            inline=False,
        )
    embed.description = t.gettext("In {where}:", where=where) if one_channel else None
    if answer.more:
        embed.set_footer(
            text=t.gettext(
                "… and {count} more channels: pick one with the channel option.", count=answer.more
            )
        )
    return Reply(embeds=[fit(embed)], ephemeral=True)
