"""What staff read from /watch: its replies and the /watch list embed (no Discord calls)."""

from __future__ import annotations

from collections.abc import Callable

import discord

from kdrama import i18n
from kdrama.describe import EVENT_NAMES
from kdrama.i18n import Text
from kdrama.lookup import EVERY_SHOW_NAME
from kdrama.models import ALL_EVENTS, AddResult, Event, Subscription
from kdrama.render import (
    COLOUR,
    EMBED_TOTAL_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    Reply,
    cut,
    fit,
    page_labels,
    safe,
    show_name,
)
from kdrama.watch.subscriptions import WatchedChannel, WatchList

EN = i18n.text(i18n.ENGLISH)
Field = tuple[str, str]  # an embed field's name and value


def events_label(sub: Subscription, t: Text = EN) -> str:
    """The news a subscription asked for, as staff read it."""
    if sub.events == ALL_EVENTS:
        return t.gettext("all events")
    return ", ".join(t.gettext(EVENT_NAMES[e]) for e in Event if e in sub.events)


def _label(show_title: str | None, t: Text, korean_title: str | None = None) -> str:
    return show_name(show_title, korean_title, t) if show_title is not None else t.gettext("every show")


def show_label(sub: Subscription, t: Text = EN) -> str:
    """What a subscription follows: the show (Korean title first for Korean readers), or "Every show"."""
    return show_name(sub.show.title, sub.show.korean_title, t) if sub.show else t.gettext(EVERY_SHOW_NAME)


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


def not_followed_text(
    channel: str,
    show_title: str | None,
    subs: list[Subscription],
    t: Text = EN,
    korean_title: str | None = None,
) -> str:
    """The reply to /watch remove when the channel did not follow it."""
    follows = ", ".join(show_label(s, t) for s in subs) or t.gettext("nothing")
    return t.gettext(
        "{channel} doesn't follow **{show}**; it follows {follows}.",
        channel=channel,
        show=_label(show_title, t, korean_title),
        follows=follows,
    )


def nothing_followed_text(where: str, t: Text = EN) -> str:
    return t.gettext("Nothing is followed in {where} yet. Start with /watch add.", where=where)


def watch_list_reply(
    answer: WatchList,
    where: str,
    *,
    one_channel: bool,
    channel_name: Callable[[int], str],
    t: Text = EN,
    page: int = 0,
) -> Reply:
    """One page of the /watch list embed: a field per channel, paused ones first, saying how to fix them.

    Nothing is left out: what does not fit Discord's limits goes on further pages, with
    buttons, and the footer counts the pages, channels and subscriptions.
    """
    embed = discord.Embed(title=t.gettext("Followed shows"), colour=COLOUR)
    embed.description = t.gettext("In {where}:", where=where) if one_channel else None
    blocks = [_channel_fields(watched, channel_name, t) for watched in answer.channels]
    subscriptions = sum(len(watched.subscriptions) for watched in answer.channels)

    def footer(number: int, pages: int) -> str:
        return t.gettext(
            "Page {page} of {pages} · {channels} · {subscriptions}",
            page=number,
            pages=pages,
            channels=t.ngettext(
                "{count} channel", "{count} channels", len(answer.channels), count=len(answer.channels)
            ),
            subscriptions=t.ngettext(
                "{count} subscription", "{count} subscriptions", subscriptions, count=subscriptions
            ),
        )

    # Room for the fields: the longest footer there could be is kept free on every page.
    longest = sum(len(block) for block in blocks) or 1
    room = EMBED_TOTAL_MAX - len(embed) - len(footer(longest, longest))
    pages = _pages(blocks, room)
    page = min(max(page, 0), len(pages) - 1)
    for name, value in pages[page]:
        embed.add_field(name=name, value=value, inline=False)
    if len(pages) > 1:
        embed.set_footer(text=footer(page + 1, len(pages)))
    return Reply(
        embeds=[fit(embed)],
        ephemeral=True,
        page=page,
        pages=len(pages),
        page_key=f"watch:{answer.channel_id or 0}",
        page_labels=page_labels(t),
    )


def _channel_fields(watched: WatchedChannel, channel_name: Callable[[int], str], t: Text) -> list[Field]:
    """A channel's subscriptions as embed fields: whole lines, as many fields as they need."""
    lines = []
    for s in watched.subscriptions:
        line = f"• **{show_label(s, t)}** · {events_label(s, t)}"
        if s.role_id:
            line += " · " + t.gettext("pings {role}", role="<@&" + str(s.role_id) + ">")
        if s.paused:
            since = discord.utils.format_dt(s.paused_at, "R") if s.paused_at else ""
            reason = t.gettext(s.paused_reason) if s.paused_reason else ""
            line += "\n  ⏸ " + t.gettext("Paused {since}: {reason}.", since=since, reason=safe(reason))
        lines.append(cut(line, FIELD_VALUE_MAX))
    if watched.paused:
        lines.append(t.gettext("Fix the channel, then run /watch add there again to resume it."))
    if watched.backlog.pending:
        lines.append(
            t.gettext("{count} notification(s) waiting to be posted.", count=watched.backlog.pending)
        )
    name = f"#{channel_name(watched.channel_id)}"
    values = _values(lines, FIELD_VALUE_MAX)
    later = t.gettext("{channel} (continued)", channel=name)
    return [(name if i == 0 else later, value) for i, value in enumerate(values)]


def _values(lines: list[str], limit: int) -> list[str]:
    """Whole lines joined into as few values of at most `limit` characters as they need."""
    values: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + 1 + len(line) > limit:
            values.append("\n".join(current))
            current, size = [], 0
        size += len(line) + (1 if current else 0)
        current.append(line)
    if current:
        values.append("\n".join(current))
    return values


def _pages(blocks: list[list[Field]], room: int) -> list[list[Field]]:
    """Fields laid out on pages of at most FIELDS_MAX fields and `room` characters.

    A channel that does not fit what is left of a page starts the next one, unless it is
    longer than a page itself: then it runs on over as many pages as it needs.
    """
    pages: list[list[Field]] = [[]]
    used = 0
    for block in blocks:
        size = sum(len(name) + len(value) for name, value in block)
        fits_here = used + size <= room and len(pages[-1]) + len(block) <= FIELDS_MAX
        fits_a_page = size <= room and len(block) <= FIELDS_MAX
        if pages[-1] and not fits_here and fits_a_page:
            pages.append([])
            used = 0
        for name, value in block:
            size = len(name) + len(value)
            if pages[-1] and (used + size > room or len(pages[-1]) >= FIELDS_MAX):
                pages.append([])
                used = 0
            pages[-1].append((name, value))
            used += size
    return pages
