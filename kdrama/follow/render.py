"""What a fan reads from /follow and the Notify me button, and the DM's own line (no Discord calls)."""

from __future__ import annotations

import discord

from kdrama import i18n
from kdrama.describe import EVENT_NAMES
from kdrama.i18n import Text
from kdrama.models import Event, Follower, FollowResult
from kdrama.render import COLOUR, Reply, cut, fit, safe, show_name

DESCRIPTION_MAX = 4096
EN = i18n.text(i18n.ENGLISH)
# The content line of every DM: why this person gets it, and how to stop.
DM_LINE = i18n.N_("News about a show you follow. Stop with /follow remove, or see all with /follow list.")
RESUME_HINT = i18n.N_("Use /follow add (or a Notify me button) once I can message you, and I'll resume.")


def dm_line(t: Text = EN) -> str:
    return t.gettext(DM_LINE)


def events_label(events: frozenset[Event], t: Text = EN) -> str:
    """The news a follow asked for, as a fan reads it, in `Event` order."""
    if len(events) == len(Event):
        return t.gettext("all news")
    return ", ".join(t.gettext(EVENT_NAMES[e]) for e in Event if e in events)


def followed_text(result: FollowResult, title: str, t: Text = EN, *, korean_title: str | None = None) -> str:
    """The reply to /follow add and to a Notify me click that followed."""
    params = {
        "title": show_name(title, korean_title, t),
        "events": events_label(result.follow.events, t),
    }
    if result.created:
        first = t.gettext(
            "Following **{title}** ({events}). I'll send you a direct message when it changes.", **params
        )
    else:
        first = t.gettext(
            "Updated: following **{title}** ({events}). I'll send you a direct message when it changes.",
            **params,
        )
    lines = [first]
    if result.resumed:
        lines.append(
            t.gettext("Your follows were paused because I couldn't message you; they are active again.")
        )
    if result.resent:
        lines.append(t.gettext("{count} message(s) you missed will be sent now.", count=result.resent))
    lines.append(t.gettext("Make sure direct messages from this app are allowed, or I can't reach you."))
    return "\n".join(lines)


def unfollowed_text(
    title: str, t: Text = EN, *, button: bool = False, korean_title: str | None = None
) -> str:
    """The reply to /follow remove, and to a Notify me click that unfollowed."""
    name = show_name(title, korean_title, t)
    if button:
        return t.gettext("You no longer follow **{title}**. Click Notify me again to follow it.", title=name)
    return t.gettext("You no longer follow **{title}**.", title=name)


def not_followed_text(title: str, t: Text = EN, *, korean_title: str | None = None) -> str:
    return t.gettext(
        "You don't follow **{title}**; /follow list shows what you follow.",
        title=show_name(title, korean_title, t),
    )


def forgotten_text(forgotten: bool, t: Text = EN) -> str:
    """The reply to /follow remove title:*."""
    if not forgotten:
        return t.gettext("I keep nothing about you: you follow no shows.")
    return t.gettext(
        "Done: I forgot everything about you: your follows, your DM channel, and any message not sent yet."
    )


def _reason(person: Follower, t: Text) -> str:
    """Why the person is paused: stored in English (it is what Discord said), read in theirs."""
    reason = person.paused_reason or ""
    return safe(t.translated(reason) or reason)


def follow_list_reply(person: Follower | None, limit: int, t: Text = EN) -> Reply:
    """The /follow list answer: paused first with why, then each show and its news."""
    if person is None or not person.follows:
        text = t.gettext(
            "You follow no shows. Use /follow add, or the Notify me button under /release, /show or /trailer."
        )
        if person is not None and person.paused:
            text += "\n" + t.gettext("Your follows are paused: {reason}", reason=_reason(person, t))
        return Reply(content=text, ephemeral=True)
    lines: list[str] = []
    if person.paused:
        paused = t.gettext("**Paused**: {reason}", reason=_reason(person, t))
        lines.append(f"{paused}\n{t.gettext(RESUME_HINT)}\n")
    shown = 0
    for f in person.follows:
        line = f"• **{show_name(f.show.title, f.show.korean_title, t)}**: {events_label(f.events, t)}"
        if sum(len(x) + 1 for x in lines) + len(line) + 40 > DESCRIPTION_MAX:
            break
        lines.append(line)
        shown += 1
    if shown < len(person.follows):
        lines.append(t.gettext("… and {count} more", count=len(person.follows) - shown))
    title = t.gettext("You follow {count} show(s)", count=len(person.follows))
    if person.paused:
        title += " " + t.gettext("(paused)")
    embed = discord.Embed(title=title, colour=COLOUR, description=cut("\n".join(lines), DESCRIPTION_MAX))
    embed.set_footer(text=t.gettext("At most {limit} shows. News comes by direct message.", limit=limit))
    return Reply(embeds=[fit(embed)], ephemeral=True)
